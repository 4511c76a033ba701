//! One instructor or association as a coordinator (or the instructor) edits it: the shape
//! the API takes and returns, and the reading of it into the model with an error for each
//! field. Times, weekdays and dates are text, read as the dataset files read them
//! (`tir` or `tue`, `10:00`, `2027-03-03` or `3.3.2027`), so that a mistake is named in
//! the field it is in rather than refused as a malformed body.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::model::calendar::{FIRST_YEAR, LAST_YEAR};
use crate::model::{
    Association, AssociationKind, Blackout, Hm, Instructor, Origin, Slot, parse_weekday,
    weekday_code,
};

use super::requests::FieldError;

/// Where validation problems of the edited record come from: `validate` names the origin's
/// file, and these names tell the record being edited from the rest of the data.
pub const EDITED: &str = "edited";
pub const EDITED_SLOT: &str = "edited-availability";
pub const EDITED_AWAY: &str = "edited-away";

/// A weekly time an instructor is free.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotRecord {
    /// `mon`…`sun`, or Norwegian `man`…`søn`, or the full name.
    #[schema(examples("tue"))]
    pub weekday: String,
    /// HH:MM
    #[schema(examples("10:00"))]
    pub start: String,
    #[schema(examples("14:00"))]
    pub end: String,
}

/// A period an instructor is away (both days included).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwayRecord {
    /// YYYY-MM-DD or DD.MM.YYYY
    #[schema(examples("2027-03-03"))]
    pub from: String,
    #[schema(examples("2027-03-10"))]
    pub to: String,
}

/// An instructor as the API shows and takes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructorRecord {
    #[schema(examples("i41"))]
    pub id: String,
    pub name: String,
    /// The home association (a hub).
    #[schema(examples("trondheim"))]
    pub association: String,
    /// Home; both or neither (neither: lives at the hub).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub topics: Vec<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Languages the instructor is willing to be trained to teach in (for training advice).
    #[serde(default)]
    pub willing_languages: Vec<String>,
    /// One-way travel limit, km.
    pub max_km: f64,
    /// One-way travel limit, minutes (optional).
    #[serde(default)]
    pub max_minutes: Option<u32>,
    pub max_sessions_per_week: u32,
    #[serde(default)]
    pub max_sessions_total: Option<u32>,
    #[serde(default)]
    pub max_hours_per_week: Option<f64>,
    #[serde(default)]
    pub availability: Vec<SlotRecord>,
    #[serde(default)]
    pub away: Vec<AwayRecord>,
    /// Where messages about the rota go (optional).
    #[serde(default)]
    pub email: Option<String>,
    /// The language of those messages: `nb` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// An association as the API shows and takes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssociationRecord {
    #[schema(examples("skaun"))]
    pub id: String,
    pub name: String,
    /// `hub` or `small`.
    #[schema(examples("small"))]
    pub kind: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub municipality: String,
    /// Takes part in clusters at all.
    #[serde(default = "yes")]
    pub opt_in: bool,
    /// The hub of its cluster.
    #[serde(default)]
    pub cluster: Option<String>,
    /// A hub: its instructors may help outside its cluster (`open` mode).
    #[serde(default = "yes")]
    pub lends: bool,
    /// A hub: at most this many sessions per term outside its cluster (`open` mode).
    #[serde(default)]
    pub lend_cap_sessions: Option<u32>,
    /// Where messages about the rota go (optional).
    #[serde(default)]
    pub email: Option<String>,
    /// The language of those messages: `nb` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

fn yes() -> bool {
    true
}

/// An instructor's own times: weekly availability and away-periods.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnTimes {
    pub availability: Vec<SlotRecord>,
    pub away: Vec<AwayRecord>,
}

impl From<&Instructor> for InstructorRecord {
    fn from(i: &Instructor) -> Self {
        let times = OwnTimes::from(i);
        InstructorRecord {
            id: i.id.clone(),
            name: i.name.clone(),
            association: i.association.clone(),
            lat: i.lat,
            lon: i.lon,
            topics: i.topics.clone(),
            languages: i.languages.clone(),
            willing_languages: i.willing_languages.clone(),
            max_km: i.max_km,
            max_minutes: i.max_minutes,
            max_sessions_per_week: i.max_sessions_per_week,
            max_sessions_total: i.max_sessions_total,
            max_hours_per_week: i.max_hours_per_week,
            availability: times.availability,
            away: times.away,
            email: i.email.clone(),
            lang: i.lang.clone(),
        }
    }
}

impl From<&Instructor> for OwnTimes {
    fn from(i: &Instructor) -> Self {
        OwnTimes {
            availability: i
                .availability
                .iter()
                .map(|s| SlotRecord {
                    weekday: weekday_code(s.weekday).into(),
                    start: s.start.to_string(),
                    end: s.end.to_string(),
                })
                .collect(),
            away: i
                .blackouts
                .iter()
                .map(|b| AwayRecord {
                    from: b.from.to_string(),
                    to: b.to.to_string(),
                })
                .collect(),
        }
    }
}

impl From<&Association> for AssociationRecord {
    fn from(a: &Association) -> Self {
        AssociationRecord {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: match a.kind {
                AssociationKind::Hub => "hub",
                AssociationKind::Small => "small",
            }
            .into(),
            lat: a.lat,
            lon: a.lon,
            municipality: a.municipality.clone(),
            opt_in: a.opt_in,
            cluster: a.cluster.clone(),
            lends: a.lends,
            lend_cap_sessions: a.lend_cap_sessions,
            email: a.email.clone(),
            lang: a.lang.clone(),
        }
    }
}

/// Collects field errors while a record is read.
pub struct Fields {
    pub lang: Lang,
    pub errors: Vec<FieldError>,
}

impl Fields {
    pub fn new(lang: Lang) -> Fields {
        Fields {
            lang,
            errors: Vec::new(),
        }
    }

    pub fn push(&mut self, field: &str, nb: &str, en: &str) {
        self.errors.push(FieldError {
            field: field.into(),
            message: self.lang.pick(nb, en).into(),
        });
    }

    pub fn push_msg(&mut self, field: &str, message: String) {
        self.errors.push(FieldError {
            field: field.into(),
            message,
        });
    }

    /// A required text: trimmed, not empty, not too long.
    pub fn text(&mut self, field: &str, v: &str, max_chars: usize) -> String {
        let v = v.trim();
        if v.is_empty() {
            self.push(field, "verdi mangler", "a value is required");
        } else if v.chars().count() > max_chars {
            self.push_msg(
                field,
                match self.lang {
                    Lang::Nb => format!("for lang (høyst {max_chars} tegn)"),
                    Lang::En => format!("too long (at most {max_chars} characters)"),
                },
            );
        }
        v.to_owned()
    }

    /// An id: short, and only letters, digits, `-` and `_`, so that it is safe in a path.
    pub fn id(&mut self, v: &str) -> String {
        let id = self.text("id", v, MAX_ID);
        if !id.is_empty()
            && !id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            self.push(
                "id",
                "bare bokstaver, tall, - og _",
                "only letters, digits, - and _",
            );
        }
        id
    }

    /// A list of codes (topics, languages): trimmed, lower case, empty entries dropped.
    pub fn list(&mut self, field: &str, v: &[String]) -> Vec<String> {
        let v: Vec<String> = v
            .iter()
            .map(|x| x.trim().to_lowercase())
            .filter(|x| !x.is_empty())
            .collect();
        if v.len() > MAX_LIST || v.iter().any(|x| x.chars().count() > MAX_NAME) {
            self.push(field, "listen er for lang", "the list is too long");
        }
        v
    }

    fn time(&mut self, field: &str, v: &str) -> Hm {
        v.trim().parse().unwrap_or_else(|_| {
            self.push_msg(
                field,
                match self.lang {
                    Lang::Nb => format!("«{}» er ikke et klokkeslett (TT:MM)", shorten(v)),
                    Lang::En => format!("'{}' is not a time (HH:MM)", shorten(v)),
                },
            );
            Hm(0)
        })
    }

    fn date(&mut self, field: &str, v: &str) -> NaiveDate {
        parse_day(v).unwrap_or_else(|| {
            self.push_msg(
                field,
                match self.lang {
                    Lang::Nb => format!(
                        "«{}» er ikke en dato mellom {FIRST_YEAR} og {LAST_YEAR} (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)",
                        shorten(v)
                    ),
                    Lang::En => format!(
                        "'{}' is not a date between {FIRST_YEAR} and {LAST_YEAR} (DD.MM.YYYY or YYYY-MM-DD)",
                        shorten(v)
                    ),
                },
            );
            NaiveDate::default()
        })
    }
}

fn shorten(v: &str) -> String {
    crate::model::shorten(v.trim())
}

/// A date as people write it: `2027-03-03`, `3.3.2027` or `03.03.2027`.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
        .ok()
}

/// A date as people write it, inside the years klynge plans for.
pub fn parse_day(v: &str) -> Option<NaiveDate> {
    parse_date(v).filter(|d| crate::model::calendar::in_window(*d))
}

/// A date as a Norwegian form shows it: DD.MM.YYYY.
pub fn show_day(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A stored (ISO) date as a form shows it; anything else as it is.
pub fn show_iso_day(iso: &str) -> String {
    parse_date(iso).map_or_else(|| iso.to_owned(), show_day)
}

/// Reads weekly slots; errors name `field[k]`.
pub fn read_slots(f: &mut Fields, field: &str, slots: &[SlotRecord]) -> Vec<Slot> {
    slots
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let weekday = parse_weekday(&s.weekday).unwrap_or_else(|| {
                f.push_msg(
                    &format!("{field}[{k}].weekday"),
                    match f.lang {
                        Lang::Nb => format!(
                            "«{}» er ikke en ukedag (man, tir, ons, tor, fre, lør, søn)",
                            shorten(&s.weekday)
                        ),
                        Lang::En => format!(
                            "'{}' is not a weekday (mon, tue, wed, thu, fri, sat, sun)",
                            shorten(&s.weekday)
                        ),
                    },
                );
                chrono::Weekday::Mon
            });
            Slot {
                weekday,
                start: f.time(&format!("{field}[{k}].start"), &s.start),
                end: f.time(&format!("{field}[{k}].end"), &s.end),
                origin: Origin::new(EDITED_SLOT, Some(k as u64)),
            }
        })
        .collect()
}

/// Reads away-periods; errors name `field[k]`.
pub fn read_away(f: &mut Fields, field: &str, away: &[AwayRecord]) -> Vec<Blackout> {
    away.iter()
        .enumerate()
        .map(|(k, b)| Blackout {
            from: f.date(&format!("{field}[{k}].from"), &b.from),
            to: f.date(&format!("{field}[{k}].to"), &b.to),
            origin: Origin::new(EDITED_AWAY, Some(k as u64)),
        })
        .collect()
}

/// Upper bounds on free text, so that a huge value is refused, not stored.
pub const MAX_NAME: usize = 120;
pub const MAX_ID: usize = 40;
/// More slots or away-periods than anyone has are refused (a hostile list is not stored).
pub const MAX_LIST: usize = 200;

/// Reads an instructor record into the model; every field error at once.
pub fn read_instructor(r: &InstructorRecord, lang: Lang) -> Result<Instructor, Vec<FieldError>> {
    let mut f = Fields::new(lang);
    let id = f.id(&r.id);
    let name = f.text("name", &r.name, MAX_NAME);
    let association = f.text("association", &r.association, MAX_ID);
    let topics = f.list("topics", &r.topics);
    let languages = f.list("languages", &r.languages);
    let willing_languages = f.list("willing_languages", &r.willing_languages);
    if r.max_sessions_per_week == 0 || r.max_sessions_per_week > 50 {
        f.push(
            "max_sessions_per_week",
            "må være mellom 1 og 50",
            "must be between 1 and 50",
        );
    }
    if r.availability.len() > MAX_LIST || r.away.len() > MAX_LIST {
        f.push("availability", "listen er for lang", "the list is too long");
    }
    let availability = read_slots(&mut f, "availability", &r.availability);
    let blackouts = read_away(&mut f, "away", &r.away);
    let instructor = Instructor {
        id,
        name,
        association,
        lat: r.lat,
        lon: r.lon,
        topics,
        languages,
        willing_languages,
        max_km: r.max_km,
        max_minutes: r.max_minutes,
        max_sessions_per_week: r.max_sessions_per_week,
        max_sessions_total: r.max_sessions_total,
        max_hours_per_week: r.max_hours_per_week,
        availability,
        blackouts,
        email: optional(&mut f, "email", r.email.as_deref()),
        lang: optional(&mut f, "lang", r.lang.as_deref()).map(|l| l.to_lowercase()),
        origin: Origin::new(EDITED, None),
    };
    if f.errors.is_empty() {
        Ok(instructor)
    } else {
        Err(f.errors)
    }
}

/// Reads an association record into the model; every field error at once.
pub fn read_association(r: &AssociationRecord, lang: Lang) -> Result<Association, Vec<FieldError>> {
    let mut f = Fields::new(lang);
    let id = f.id(&r.id);
    let name = f.text("name", &r.name, MAX_NAME);
    let kind = match r.kind.trim().to_lowercase().as_str() {
        "hub" => AssociationKind::Hub,
        "small" | "liten" => AssociationKind::Small,
        _ => {
            f.push("kind", "må være hub eller small", "must be hub or small");
            AssociationKind::Small
        }
    };
    if r.municipality.chars().count() > MAX_NAME {
        f.push("municipality", "for lang", "too long");
    }
    let cluster = r
        .cluster
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let association = Association {
        id,
        name,
        kind,
        lat: r.lat,
        lon: r.lon,
        municipality: r.municipality.trim().to_owned(),
        opt_in: r.opt_in,
        cluster,
        lends: r.lends,
        lend_cap_sessions: r.lend_cap_sessions,
        email: optional(&mut f, "email", r.email.as_deref()),
        lang: optional(&mut f, "lang", r.lang.as_deref()).map(|l| l.to_lowercase()),
        origin: Origin::new(EDITED, None),
    };
    if f.errors.is_empty() {
        Ok(association)
    } else {
        Err(f.errors)
    }
}

/// An optional text: trimmed, empty is none; the dataset rules check its form.
fn optional(f: &mut Fields, field: &str, v: Option<&str>) -> Option<String> {
    let v = v.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > 254 {
        f.push(field, "for lang", "too long");
    }
    Some(v.to_owned())
}
