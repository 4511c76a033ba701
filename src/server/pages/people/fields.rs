//! The form of one record (an instructor, an association or another offer) as shown: the
//! fields of each kind, one by one with their labels, hints and choices, and each problem
//! beside its field. Apart from the handlers in `people.rs`, which read and save the
//! forms, because the fields are a long list written out one by one, as the form reads.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::super::frame::Frame;
use super::super::{PageLang, names, path_segment, render};
use super::{Coordinator, Kind, hubs};
use crate::app::Service;
use crate::app::requests::FieldError;
use crate::i18n::Lang;

/// One field of a form, as shown.
pub struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
    /// More than one: a text area of this many rows.
    rows: usize,
    /// (value, text); not empty: a choice.
    options: Vec<(String, String)>,
    /// With options: any number of them, as checkboxes (`name.value=on`, folded into one
    /// comma-separated value by `fold_checks`).
    checks: bool,
    readonly: bool,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    action: String,
    fields: Vec<Field>,
    errors: &'a [FieldError],
    retire: Option<String>,
}

impl Field {
    /// The ids of the hint and the problems that describe the field, if any.
    fn described(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("hint-{}", self.name));
        }
        if !self.errors.is_empty() {
            ids.push(format!("err-{}", self.name));
        }
        ids.join(" ")
    }

    /// Whether a checkbox's value is among the field's values.
    fn has(&self, v: &str) -> bool {
        self.value.split(',').any(|x| x.trim() == v)
    }
}

pub(super) fn record_page(
    state: &Service,
    c: &Coordinator,
    kind: Kind,
    existing: Option<&str>,
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> Response {
    let lang = c.lang;
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let field = |name: &'static str, nb: &'static str, en: &'static str| Field {
        name,
        label: lang.pick(nb, en),
        value: value(name),
        hint: "",
        rows: 1,
        options: Vec::new(),
        checks: false,
        readonly: name == "id" && existing.is_some(),
        errors: beside(errors, name, lang),
    };
    let hint = |f: Field, nb: &'static str, en: &'static str| Field {
        hint: lang.pick(nb, en),
        ..f
    };
    let rows = |f: Field, rows: usize| Field { rows, ..f };
    let choose = |f: Field, options: Vec<(String, String)>| Field { options, ..f };
    let check = |f: Field, options: Vec<(String, String)>| Field {
        options,
        checks: true,
        ..f
    };
    let base = state.base();
    // The choices: the known ones, those the data uses, and whatever the form holds now.
    let held = |k: &str| -> Vec<String> {
        value(k)
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let topics = names::topics(
        base.instructors
            .iter()
            .flat_map(|i| i.topics.iter().cloned())
            .chain(held("topics")),
        lang,
    );
    let languages = |k: &str| {
        names::languages(
            base.instructors
                .iter()
                .flat_map(|i| i.languages.iter().cloned())
                .chain(["en".to_owned(), "ar".into(), "uk".into(), "pl".into()])
                .chain(held(k)),
            lang,
        )
    };
    let mut fields = match kind {
        Kind::Instructor => vec![
            hint(field("id", "Kort id", "Short id"), "f.eks. i41", "e.g. i41"),
            field("name", "Navn", "Name"),
            choose(
                field(
                    "association",
                    "Hjemforening (hub)",
                    "Home association (hub)",
                ),
                hubs(state, c),
            ),
            hint(
                field("lat", "Bosted, breddegrad", "Home, latitude"),
                "tom: bor ved huben",
                "empty: lives at the hub",
            ),
            field("lon", "Bosted, lengdegrad", "Home, longitude"),
            check(field("topics", "Emner", "Topics"), topics.clone()),
            check(
                field("languages", "Underviser på", "Teaches in"),
                languages("languages"),
            ),
            hint(
                check(
                    field(
                        "willing_languages",
                        "Kan læres opp til å undervise på",
                        "Willing to be trained to teach in",
                    ),
                    languages("willing_languages"),
                ),
                "brukes bare i kursråd",
                "used only in training advice",
            ),
            hint(
                field(
                    "max_km",
                    "Lengste reisevei én vei (km)",
                    "Longest trip one way (km)",
                ),
                "f.eks. 40 eller 12,5",
                "e.g. 40 or 12.5",
            ),
            field(
                "max_sessions_per_week",
                "Flest kursdager per uke",
                "Most sessions per week",
            ),
            hint(
                field(
                    "max_minutes",
                    "Lengste reisetid én vei (minutter)",
                    "Longest one-way travel (minutes)",
                ),
                "tom: ingen grense",
                "empty: no limit",
            ),
            hint(
                field(
                    "max_sessions_total",
                    "Flest kursdager i alt",
                    "Most sessions in all",
                ),
                "tom: ingen grense",
                "empty: no limit",
            ),
            hint(
                field(
                    "max_hours_per_week",
                    "Flest timer per uke (med reise)",
                    "Most hours per week (travel included)",
                ),
                "tom: ingen grense",
                "empty: no limit",
            ),
            hint(
                rows(field("availability", "Når hver uke", "When each week"), 4),
                "én per linje, f.eks. tir 09:00–15:00",
                "one per line, e.g. tue 09:00–15:00",
            ),
            hint(
                rows(field("away", "Borte", "Away"), 3),
                "én periode per linje, f.eks. 01.03.2027–07.03.2027",
                "one period per line, e.g. 01.03.2027–07.03.2027",
            ),
        ],
        Kind::Association => vec![
            hint(
                field("id", "Kort id", "Short id"),
                "f.eks. skaun",
                "e.g. skaun",
            ),
            field("name", "Navn", "Name"),
            choose(
                field("kind", "Slags forening", "Kind of association"),
                vec![
                    (
                        "small".into(),
                        lang.pick("liten (ber om hjelp)", "small (asks for help)")
                            .into(),
                    ),
                    (
                        "hub".into(),
                        lang.pick("hub (låner ut instruktører)", "hub (lends instructors)")
                            .into(),
                    ),
                ],
            ),
            field("lat", "Breddegrad", "Latitude"),
            field("lon", "Lengdegrad", "Longitude"),
            field("municipality", "Kommune", "Municipality"),
            choose(
                field("opt_in", "Med i klyngesamarbeid", "Takes part in clusters"),
                yes_no(lang),
            ),
            choose(field("cluster", "Klynge (hub)", "Cluster (hub)"), {
                let mut h = hubs(state, c);
                h.insert(0, (String::new(), lang.pick("ingen", "none").into()));
                h
            }),
            choose(
                field(
                    "lends",
                    "En hub: låner ut utenfor klyngen",
                    "A hub: lends outside its cluster",
                ),
                yes_no(lang),
            ),
            hint(
                field(
                    "lend_cap_sessions",
                    "En hub: flest kursdager utenfor klyngen per semester",
                    "A hub: most sessions outside its cluster per term",
                ),
                "tom: ingen grense; gjelder når klynger er åpne",
                "empty: no limit; applies when clusters are open",
            ),
        ],
        Kind::Offer => vec![
            hint(field("id", "Kort id", "Short id"), "f.eks. o4", "e.g. o4"),
            hint(
                field("provider", "Hvem har tilbudet", "Who runs it"),
                "f.eks. Malvik bibliotek",
                "e.g. Malvik bibliotek",
            ),
            choose(
                field("kind", "Slags tilbud", "Kind of offer"),
                crate::model::OfferKind::NAMES
                    .iter()
                    .filter_map(|n| {
                        let k = crate::model::OfferKind::parse(n)?;
                        Some(((*n).to_owned(), k.name(lang).to_owned()))
                    })
                    .collect(),
            ),
            check(field("topics", "Emner", "Topics"), topics),
            check(
                field("languages", "Språk", "Languages"),
                languages("languages"),
            ),
            field("municipality", "Kommune", "Municipality"),
            field("lat", "Breddegrad", "Latitude"),
            field("lon", "Lengdegrad", "Longitude"),
            hint(
                field("when", "Når", "When"),
                "slik folk sier det, f.eks. tirsdager 12–14",
                "as people say it, e.g. Tuesdays 12–14",
            ),
            hint(
                rows(field("times", "Åpningstider", "Opening times"), 3),
                "én per linje, f.eks. tir 12:00–14:00 eller 03.02.2027 10:00–12:00 (for kalenderen)",
                "one per line, e.g. tue 12:00–14:00 or 03.02.2027 10:00–12:00 (for the calendar)",
            ),
            hint(
                field("contact", "Kontakt", "Contact"),
                "telefon eller e-post",
                "phone or e-mail",
            ),
            hint(
                field("url", "Nettside", "Web page"),
                "https://… (valgfritt)",
                "https://… (optional)",
            ),
        ],
    };
    // Instructors and associations are told when the rota changes: where, and in which
    // language. Offers are only referred to.
    if matches!(kind, Kind::Instructor | Kind::Association) {
        fields.extend([
            hint(
                field("email", "E-post", "E-mail"),
                "for beskjed når planen endres (valgfritt)",
                "for a message when the rota changes (optional)",
            ),
            choose(
                field("lang", "Språk i meldinger", "Language of messages"),
                vec![
                    ("nb".into(), "norsk (bokmål)".into()),
                    ("en".into(), "English".into()),
                ],
            ),
        ]);
    }
    let segment = existing.unwrap_or("new");
    let title = match (kind, existing) {
        (Kind::Instructor, None) => lang.pick("Ny instruktør", "New instructor"),
        (Kind::Instructor, Some(_)) => lang.pick("Endre instruktør", "Edit instructor"),
        (Kind::Association, None) => lang.pick("Ny forening", "New association"),
        (Kind::Association, Some(_)) => lang.pick("Endre forening", "Edit association"),
        (Kind::Offer, None) => lang.pick("Nytt tilbud", "New offer"),
        (Kind::Offer, Some(_)) => lang.pick("Endre tilbud", "Edit offer"),
    };
    let here = format!("{}/{}", kind.path(), path_segment(segment));
    render(
        status,
        &RecordPage {
            lang,
            title,
            frame: Frame::of(state, &c.who, lang, &here),
            action: format!("{}/{}", kind.path(), path_segment(segment)),
            fields,
            errors,
            retire: existing.map(|id| format!("{}/{}/retire", kind.path(), path_segment(id))),
        },
    )
}

/// The choices of a yes/no field, as the form reads them back (`true`/`false`).
fn yes_no(lang: Lang) -> Vec<(String, String)> {
    vec![
        ("true".into(), lang.pick("ja", "yes").into()),
        ("false".into(), lang.pick("nei", "no").into()),
    ]
}

/// The messages for field `name`: its own, and those of the lines of a list
/// (`availability[1].start` is shown beside `availability` as "line 2: …").
fn beside(errors: &[FieldError], name: &str, lang: Lang) -> Vec<String> {
    errors
        .iter()
        .filter_map(|e| {
            if e.field == name {
                return Some(e.message.clone());
            }
            let rest = e.field.strip_prefix(name)?.strip_prefix('[')?;
            let k: usize = rest.split(']').next()?.parse().ok()?;
            Some(format!(
                "{} {}: {}",
                lang.pick("linje", "line"),
                k + 1,
                e.message
            ))
        })
        .collect()
}
