//! The coordinator's forms as text and back: a record's values as the form shows them
//! (Norwegian weekdays, DD.MM.YYYY, decimal comma), and the form's fields read into the
//! API's records, with a problem for each field that is not even of its type.

use std::collections::HashMap;

use crate::app::offers::OfferRecord;
use crate::app::records::{AssociationRecord, AwayRecord, InstructorRecord, SlotRecord};
use crate::app::requests::FieldError;
use crate::i18n::Lang;

/// A Norwegian (or English) short weekday for the form.
fn weekday_text(code: &str, lang: Lang) -> String {
    let nb = match code {
        "mon" => "man",
        "tue" => "tir",
        "wed" => "ons",
        "thu" => "tor",
        "fri" => "fre",
        "sat" => "lør",
        "sun" => "søn",
        other => other,
    };
    lang.pick(nb, code).to_owned()
}

pub fn instructor_values(r: &InstructorRecord, lang: Lang) -> HashMap<String, String> {
    let opt = |v: Option<f64>| v.map(number_text).unwrap_or_default();
    HashMap::from([
        ("id".into(), r.id.clone()),
        ("name".into(), r.name.clone()),
        ("association".into(), r.association.clone()),
        ("lat".into(), opt(r.lat)),
        ("lon".into(), opt(r.lon)),
        ("topics".into(), r.topics.join(", ")),
        ("languages".into(), r.languages.join(", ")),
        ("willing_languages".into(), r.willing_languages.join(", ")),
        ("max_km".into(), number_text(r.max_km)),
        (
            "max_minutes".into(),
            r.max_minutes.map(|n| n.to_string()).unwrap_or_default(),
        ),
        (
            "max_sessions_per_week".into(),
            r.max_sessions_per_week.to_string(),
        ),
        (
            "max_sessions_total".into(),
            r.max_sessions_total
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ),
        ("max_hours_per_week".into(), opt(r.max_hours_per_week)),
        ("availability".into(), slots_text(&r.availability, lang)),
        ("away".into(), away_text(&r.away)),
        ("email".into(), r.email.clone().unwrap_or_default()),
        ("lang".into(), r.lang.clone().unwrap_or_else(|| "nb".into())),
    ])
}

pub fn slots_text(slots: &[SlotRecord], lang: Lang) -> String {
    slots
        .iter()
        .map(|s| format!("{} {}–{}", weekday_text(&s.weekday, lang), s.start, s.end))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn away_text(away: &[AwayRecord]) -> String {
    away.iter()
        .map(|b| {
            format!(
                "{}–{}",
                crate::app::records::show_iso_day(&b.from),
                crate::app::records::show_iso_day(&b.to)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn association_values(r: &AssociationRecord) -> HashMap<String, String> {
    HashMap::from([
        ("id".into(), r.id.clone()),
        ("name".into(), r.name.clone()),
        ("kind".into(), r.kind.clone()),
        ("lat".into(), number_text(r.lat)),
        ("lon".into(), number_text(r.lon)),
        ("municipality".into(), r.municipality.clone()),
        ("opt_in".into(), r.opt_in.to_string()),
        ("cluster".into(), r.cluster.clone().unwrap_or_default()),
        ("lends".into(), r.lends.to_string()),
        (
            "lend_cap_sessions".into(),
            r.lend_cap_sessions
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ),
        ("email".into(), r.email.clone().unwrap_or_default()),
        ("lang".into(), r.lang.clone().unwrap_or_else(|| "nb".into())),
    ])
}

pub fn offer_values(r: &OfferRecord) -> HashMap<String, String> {
    HashMap::from([
        ("id".into(), r.id.clone()),
        ("provider".into(), r.provider.clone()),
        ("kind".into(), r.kind.clone()),
        ("topics".into(), r.topics.join(", ")),
        ("languages".into(), r.languages.join(", ")),
        ("municipality".into(), r.municipality.clone()),
        ("lat".into(), number_text(r.lat)),
        ("lon".into(), number_text(r.lon)),
        ("when".into(), r.when.clone()),
        ("times".into(), r.times.join("\n")),
        ("contact".into(), r.contact.clone()),
        ("url".into(), r.url.clone()),
    ])
}

/// A number as a Norwegian form shows it: decimal comma.
fn number_text(v: f64) -> String {
    v.to_string().replace('.', ",")
}

/// Reads the form fields that are not text: numbers (decimal comma or point), lists, lines.
struct FormReader<'a> {
    form: &'a HashMap<String, String>,
    lang: Lang,
    errors: Vec<FieldError>,
}

impl FormReader<'_> {
    fn text(&self, k: &str) -> String {
        self.form.get(k).map_or("", |v| v.trim()).to_owned()
    }

    fn problem(&mut self, field: &str, nb: String, en: String) {
        self.errors.push(FieldError {
            field: field.into(),
            message: self.lang.pick(&nb, &en).to_owned(),
        });
    }

    /// A number, or `None` for an empty field.
    fn optional_number(&mut self, k: &str) -> Option<f64> {
        let v = self.text(k);
        if v.is_empty() {
            return None;
        }
        match v.replace(',', ".").replace(' ', "").parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                let shown = crate::model::shorten(&v);
                self.problem(
                    k,
                    format!("«{shown}» er ikke et tall"),
                    format!("'{shown}' is not a number"),
                );
                None
            }
        }
    }

    fn number(&mut self, k: &str) -> f64 {
        let n = self.optional_number(k);
        if n.is_none() && self.text(k).is_empty() {
            self.problem(k, "verdi mangler".into(), "a value is required".into());
        }
        n.unwrap_or(0.0)
    }

    fn whole(&mut self, k: &str) -> Option<u32> {
        let n = self.optional_number(k)?;
        if n.fract() == 0.0 && (0.0..=1.0e6).contains(&n) {
            Some(n as u32)
        } else {
            self.problem(
                k,
                "må være et helt tall".into(),
                "must be a whole number".into(),
            );
            None
        }
    }

    fn list(&self, k: &str) -> Vec<String> {
        self.text(k)
            .split([',', ';'])
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect()
    }

    /// The non-empty lines of a text area, each split into its words (dashes between
    /// times or dates count as spaces: `tir 09:00–15:00`, `01.03.2027 - 07.03.2027`).
    fn lines(&self, k: &str) -> Vec<Vec<String>> {
        self.text(k)
            .lines()
            .map(|l| {
                l.split(|c: char| c.is_whitespace() || c == '–' || c == '—')
                    .flat_map(|w| {
                        // A dash between two times (09:00-15:00); ISO dates keep theirs.
                        if w.contains(':') {
                            w.split('-').collect::<Vec<_>>()
                        } else {
                            vec![w]
                        }
                    })
                    .filter(|w| !w.is_empty() && *w != "-" && *w != "til" && *w != "to")
                    .map(str::to_owned)
                    .collect::<Vec<String>>()
            })
            .filter(|l| !l.is_empty())
            .collect()
    }
}

pub fn read_instructor_form(
    form: &HashMap<String, String>,
    lang: Lang,
) -> Result<InstructorRecord, Vec<FieldError>> {
    let mut f = FormReader {
        form,
        lang,
        errors: Vec::new(),
    };
    let mut availability = Vec::new();
    for (k, words) in f.lines("availability").into_iter().enumerate() {
        match words.as_slice() {
            [weekday, start, end] => availability.push(SlotRecord {
                weekday: weekday.clone(),
                start: start.clone(),
                end: end.clone(),
            }),
            _ => f.problem(
                &format!("availability[{k}]"),
                "skriv ukedag, fra og til, f.eks. «tir 09:00–15:00»".into(),
                "write weekday, from and until, e.g. 'tue 09:00–15:00'".into(),
            ),
        }
    }
    let mut away = Vec::new();
    for (k, words) in f.lines("away").into_iter().enumerate() {
        match words.as_slice() {
            [day] => away.push(AwayRecord {
                from: day.clone(),
                to: day.clone(),
            }),
            [from, to] => away.push(AwayRecord {
                from: from.clone(),
                to: to.clone(),
            }),
            _ => f.problem(
                &format!("away[{k}]"),
                "skriv første og siste dag, f.eks. «01.03.2027–07.03.2027»".into(),
                "write the first and last day, e.g. '01.03.2027–07.03.2027'".into(),
            ),
        }
    }
    let record = InstructorRecord {
        id: f.text("id"),
        name: f.text("name"),
        association: f.text("association"),
        lat: f.optional_number("lat"),
        lon: f.optional_number("lon"),
        topics: f.list("topics"),
        languages: f.list("languages"),
        willing_languages: f.list("willing_languages"),
        max_km: f.number("max_km"),
        max_minutes: f.whole("max_minutes"),
        max_sessions_per_week: f.whole("max_sessions_per_week").unwrap_or(0),
        max_sessions_total: f.whole("max_sessions_total"),
        max_hours_per_week: f.optional_number("max_hours_per_week"),
        availability,
        away,
        email: Some(f.text("email")).filter(|v| !v.is_empty()),
        lang: Some(f.text("lang")).filter(|v| !v.is_empty()),
    };
    if f.errors.is_empty() {
        Ok(record)
    } else {
        Err(f.errors)
    }
}

pub fn read_association_form(
    form: &HashMap<String, String>,
    lang: Lang,
) -> Result<AssociationRecord, Vec<FieldError>> {
    let mut f = FormReader {
        form,
        lang,
        errors: Vec::new(),
    };
    let record = AssociationRecord {
        id: f.text("id"),
        name: f.text("name"),
        kind: f.text("kind"),
        lat: f.number("lat"),
        lon: f.number("lon"),
        municipality: f.text("municipality"),
        opt_in: f.text("opt_in") != "false",
        cluster: Some(f.text("cluster")).filter(|c| !c.is_empty()),
        lends: f.text("lends") != "false",
        lend_cap_sessions: f.whole("lend_cap_sessions"),
        email: Some(f.text("email")).filter(|v| !v.is_empty()),
        lang: Some(f.text("lang")).filter(|v| !v.is_empty()),
    };
    if f.errors.is_empty() {
        Ok(record)
    } else {
        Err(f.errors)
    }
}

pub fn read_offer_form(
    form: &HashMap<String, String>,
    lang: Lang,
) -> Result<OfferRecord, Vec<FieldError>> {
    let mut f = FormReader {
        form,
        lang,
        errors: Vec::new(),
    };
    let record = OfferRecord {
        id: f.text("id"),
        provider: f.text("provider"),
        kind: f.text("kind"),
        topics: f.list("topics"),
        languages: f.list("languages"),
        municipality: f.text("municipality"),
        lat: f.number("lat"),
        lon: f.number("lon"),
        when: f.text("when"),
        times: f
            .text("times")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        contact: f.text("contact"),
        url: f.text("url"),
    };
    if f.errors.is_empty() {
        Ok(record)
    } else {
        Err(f.errors)
    }
}
