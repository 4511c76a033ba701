//! Validation of a whole dataset: every rule is checked and every problem reported, so that
//! a coordinator can fix the spreadsheet in one go.
//!
//! Long because every rule of every file is here, in the order docs/model.md §2 lists
//! them, so that the list can be read against the contract in one place; each file's
//! less common rules (the network's, addresses, dates) are in their own functions.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::calendar::{MAX_SERIES_COUNT, expand_series, in_window};
use super::{AssociationKind, Dataset, Origin, Problem, ProblemKind};

/// ISO 639-1 two-letter language codes, plus `nb` and `nn` (which are in the standard).
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// True for an ISO 639-1 code such as `nb`, `en` or `ar`.
pub fn is_language_code(code: &str) -> bool {
    code.len() == 2 && ISO_639_1.split(' ').any(|c| c == code)
}

/// Checks a dataset as a whole: ids, references between files, ranges and orderings.
/// Returns every problem found (empty when the dataset is valid).
pub fn validate(ds: &Dataset) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |origin: &Origin, col: &str, kind: ProblemKind| {
        out.push(Problem::at(origin, Some(col), kind));
    };

    let mut assoc_kind: HashMap<&str, AssociationKind> = HashMap::new();
    let mut seen: HashMap<&str, Option<u64>> = HashMap::new();
    for a in &ds.associations {
        require(&a.id, &a.origin, "id", &mut push);
        if let Some(first) = first_seen(&mut seen, &a.id, a.origin.line) {
            push(
                &a.origin,
                "id",
                ProblemKind::DuplicateId {
                    id: a.id.clone(),
                    first,
                },
            );
        }
        assoc_kind.insert(&a.id, a.kind);
        check_lat_lon(a.lat, a.lon, &a.origin, &mut push);
        check_contact(a.email.as_deref(), a.lang.as_deref(), &a.origin, &mut push);
        // Only hubs lend: lending settings on a small association mean a mix-up.
        if a.kind == AssociationKind::Small {
            if !a.lends {
                push(&a.origin, "lends", ProblemKind::LendingOnSmall);
            }
            if a.lend_cap_sessions.is_some() {
                push(&a.origin, "lend_cap_sessions", ProblemKind::LendingOnSmall);
            }
        }
    }
    for a in &ds.associations {
        if let Some(c) = &a.cluster {
            match assoc_kind.get(c.as_str()) {
                None => push(
                    &a.origin,
                    "cluster",
                    ProblemKind::UnknownAssociation(c.clone()),
                ),
                Some(AssociationKind::Small) => {
                    push(&a.origin, "cluster", ProblemKind::ClusterNotAHub(c.clone()))
                }
                Some(AssociationKind::Hub) => {}
            }
        }
    }

    let mut seen: HashMap<&str, Option<u64>> = HashMap::new();
    for i in &ds.instructors {
        require(&i.id, &i.origin, "id", &mut push);
        require(&i.association, &i.origin, "association", &mut push);
        if let Some(first) = first_seen(&mut seen, &i.id, i.origin.line) {
            push(
                &i.origin,
                "id",
                ProblemKind::DuplicateId {
                    id: i.id.clone(),
                    first,
                },
            );
        }
        match assoc_kind.get(i.association.as_str()) {
            // An empty reference was already reported as a missing value.
            None if i.association.is_empty() => {}
            None => push(
                &i.origin,
                "association",
                ProblemKind::UnknownAssociation(i.association.clone()),
            ),
            Some(AssociationKind::Small) => push(
                &i.origin,
                "association",
                ProblemKind::HomeNotAHub(i.association.clone()),
            ),
            Some(AssociationKind::Hub) => {}
        }
        match (i.lat, i.lon) {
            (Some(lat), Some(lon)) => check_lat_lon(lat, lon, &i.origin, &mut push),
            (None, None) => {}
            _ => push(&i.origin, "lat", ProblemKind::OnlyOneOfLatLon),
        }
        check_contact(i.email.as_deref(), i.lang.as_deref(), &i.origin, &mut push);
        if i.topics.is_empty() {
            push(&i.origin, "topics", ProblemKind::EmptyList);
        }
        if i.languages.is_empty() {
            push(&i.origin, "languages", ProblemKind::EmptyList);
        }
        for l in &i.languages {
            if !is_language_code(l) {
                push(
                    &i.origin,
                    "languages",
                    ProblemKind::UnknownLanguageCode(l.clone()),
                );
            }
        }
        for l in &i.willing_languages {
            if !is_language_code(l) {
                push(
                    &i.origin,
                    "willing_languages",
                    ProblemKind::UnknownLanguageCode(l.clone()),
                );
            }
        }
        if !(i.max_km >= 0.0 && i.max_km.is_finite()) {
            push(
                &i.origin,
                "max_km",
                ProblemKind::OutOfRange {
                    value: i.max_km.to_string(),
                    expected: "≥ 0".into(),
                },
            );
        }
        if let Some(h) = i.max_hours_per_week
            && !(0.0..=168.0).contains(&h)
        {
            push(
                &i.origin,
                "max_hours_per_week",
                ProblemKind::OutOfRange {
                    value: h.to_string(),
                    expected: "0…168".into(),
                },
            );
        }
        for s in &i.availability {
            if s.end <= s.start {
                push(
                    &s.origin,
                    "end",
                    ProblemKind::EndNotAfterStart {
                        start: s.start.to_string(),
                        end: s.end.to_string(),
                    },
                );
            }
        }
        for b in &i.blackouts {
            check_date(b.from, &b.origin, "from", &mut push);
            check_date(b.to, &b.origin, "to", &mut push);
            if b.to < b.from {
                push(
                    &b.origin,
                    "to",
                    ProblemKind::EndNotAfterStart {
                        start: b.from.to_string(),
                        end: b.to.to_string(),
                    },
                );
            }
        }
    }

    let mut seen: HashMap<&str, Option<u64>> = HashMap::new();
    for r in &ds.requests {
        require(&r.id, &r.origin, "id", &mut push);
        require(&r.association, &r.origin, "association", &mut push);
        require(&r.language, &r.origin, "language", &mut push);
        if let Some(first) = first_seen(&mut seen, &r.id, r.origin.line) {
            push(
                &r.origin,
                "id",
                ProblemKind::DuplicateId {
                    id: r.id.clone(),
                    first,
                },
            );
        }
        match assoc_kind.get(r.association.as_str()) {
            // An empty reference was already reported as a missing value.
            None if r.association.is_empty() => {}
            None => push(
                &r.origin,
                "association",
                ProblemKind::UnknownAssociation(r.association.clone()),
            ),
            Some(AssociationKind::Hub) => push(
                &r.origin,
                "association",
                ProblemKind::RequesterNotSmall(r.association.clone()),
            ),
            Some(AssociationKind::Small) => {}
        }
        for l in r.languages() {
            if !is_language_code(l) {
                push(
                    &r.origin,
                    "language",
                    ProblemKind::UnknownLanguageCode(l.to_owned()),
                );
            }
        }
        format_rules(r, &mut push);
        require(&r.topic, &r.origin, "topic", &mut push);
        if r.instructors_needed == 0 || r.instructors_needed > 10 {
            push(
                &r.origin,
                "instructors_needed",
                ProblemKind::OutOfRange {
                    value: r.instructors_needed.to_string(),
                    expected: "1…10".into(),
                },
            );
        }
        if !(1..=5).contains(&r.priority) {
            push(
                &r.origin,
                "priority",
                ProblemKind::OutOfRange {
                    value: r.priority.to_string(),
                    expected: "1…5".into(),
                },
            );
        }
        match (r.venue_lat, r.venue_lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    push(&r.origin, "venue_lat", ProblemKind::LatitudeOutOfRange(lat));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    push(
                        &r.origin,
                        "venue_lon",
                        ProblemKind::LongitudeOutOfRange(lon),
                    );
                }
            }
            (None, None) => {}
            _ => push(&r.origin, "venue_lat", ProblemKind::OnlyOneOfLatLon),
        }
        match (&r.series, r.sessions.is_empty()) {
            (None, true) => push(&r.origin, "first_date", ProblemKind::NoSessions),
            (Some(_), false) => push(&r.origin, "first_date", ProblemKind::BothSeriesAndSessions),
            (Some(s), true) => {
                if check_date(s.first_date, &r.origin, "first_date", &mut push)
                    && (1..=MAX_SERIES_COUNT).contains(&s.count)
                    && let Some(last) = expand_series(s).last()
                    && !in_window(last.date)
                {
                    push(
                        &r.origin,
                        "count",
                        ProblemKind::SeriesPastWindow(last.date.to_string()),
                    );
                }
                if s.end <= s.start {
                    push(
                        &r.origin,
                        "end",
                        ProblemKind::EndNotAfterStart {
                            start: s.start.to_string(),
                            end: s.end.to_string(),
                        },
                    );
                }
                if s.count == 0 || s.count > MAX_SERIES_COUNT {
                    push(
                        &r.origin,
                        "count",
                        ProblemKind::OutOfRange {
                            value: s.count.to_string(),
                            expected: "1…200".into(),
                        },
                    );
                }
                if s.interval_days == 0 || s.interval_days > 366 {
                    push(
                        &r.origin,
                        "interval_days",
                        ProblemKind::OutOfRange {
                            value: s.interval_days.to_string(),
                            expected: "1…366".into(),
                        },
                    );
                }
            }
            (None, false) => {
                for s in &r.sessions {
                    check_date(s.date, &s.origin, "date", &mut push);
                    if s.end <= s.start {
                        push(
                            &s.origin,
                            "end",
                            ProblemKind::EndNotAfterStart {
                                start: s.start.to_string(),
                                end: s.end.to_string(),
                            },
                        );
                    }
                }
            }
        }
    }

    let instructor_ids: HashMap<&str, ()> =
        ds.instructors.iter().map(|i| (i.id.as_str(), ())).collect();
    for t in &ds.travel {
        if !instructor_ids.contains_key(t.from.as_str())
            && assoc_kind.get(t.from.as_str()) != Some(&AssociationKind::Hub)
        {
            push(
                &t.origin,
                "from",
                ProblemKind::UnknownInstructor(t.from.clone()),
            );
        }
        if !assoc_kind.contains_key(t.to.as_str()) {
            push(
                &t.origin,
                "to",
                ProblemKind::UnknownAssociation(t.to.clone()),
            );
        }
        if !(t.km >= 0.0 && t.km.is_finite()) {
            push(
                &t.origin,
                "km",
                ProblemKind::OutOfRange {
                    value: t.km.to_string(),
                    expected: "≥ 0".into(),
                },
            );
        }
    }

    validate_network(ds, &assoc_kind, &mut push);

    let mut seen: HashMap<&str, Option<u64>> = HashMap::new();
    for o in &ds.offers {
        require(&o.id, &o.origin, "id", &mut push);
        require(&o.provider, &o.origin, "provider", &mut push);
        if let Some(first) = first_seen(&mut seen, &o.id, o.origin.line) {
            push(
                &o.origin,
                "id",
                ProblemKind::DuplicateId {
                    id: o.id.clone(),
                    first,
                },
            );
        }
        if o.topics.is_empty() {
            push(&o.origin, "topics", ProblemKind::EmptyList);
        }
        if o.languages.is_empty() {
            push(&o.origin, "languages", ProblemKind::EmptyList);
        }
        for l in &o.languages {
            if !is_language_code(l) {
                push(
                    &o.origin,
                    "languages",
                    ProblemKind::UnknownLanguageCode(l.clone()),
                );
            }
        }
        check_lat_lon(o.lat, o.lon, &o.origin, &mut push);
        if !o.url.is_empty() && !is_web_address(&o.url) {
            push(&o.origin, "url", ProblemKind::NotAWebAddress(o.url.clone()));
        }
    }
    out
}

/// Places and network edges: ids unique and apart from associations', edges between known
/// places, km not negative.
fn validate_network(
    ds: &Dataset,
    assoc_kind: &HashMap<&str, AssociationKind>,
    push: &mut impl FnMut(&Origin, &str, ProblemKind),
) {
    let mut seen: HashMap<&str, Option<u64>> = HashMap::new();
    for p in &ds.places {
        require(&p.id, &p.origin, "id", push);
        if let Some(first) = first_seen(&mut seen, &p.id, p.origin.line) {
            let id = p.id.clone();
            push(&p.origin, "id", ProblemKind::DuplicateId { id, first });
        } else if assoc_kind.contains_key(p.id.as_str()) {
            push(&p.origin, "id", ProblemKind::PlaceIdTaken(p.id.clone()));
        }
        check_lat_lon(p.lat, p.lon, &p.origin, push);
    }
    for e in &ds.network {
        for (col, id) in [("from", &e.from), ("to", &e.to)] {
            if !seen.contains_key(id.as_str()) && !assoc_kind.contains_key(id.as_str()) {
                push(&e.origin, col, ProblemKind::UnknownPlace(id.clone()));
            }
        }
        if !(e.km >= 0.0 && e.km.is_finite()) {
            push(
                &e.origin,
                "km",
                ProblemKind::OutOfRange {
                    value: e.km.to_string(),
                    expected: "≥ 0".into(),
                },
            );
        }
    }
}

/// Records the first line an id is seen on; for a repeated id, returns that first line.
fn first_seen<'a>(
    seen: &mut HashMap<&'a str, Option<u64>>,
    id: &'a str,
    line: Option<u64>,
) -> Option<Option<u64>> {
    match seen.entry(id) {
        std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(line);
            None
        }
    }
}

/// A required text: empty is a missing value. (The CSV reader reports the same problem
/// for an empty cell; `ingest::load` keeps one of the two.)
fn require(v: &str, origin: &Origin, col: &str, push: &mut impl FnMut(&Origin, &str, ProblemKind)) {
    if v.trim().is_empty() {
        push(origin, col, ProblemKind::MissingValue);
    }
}

/// A date inside the planning window; reports it otherwise. True when it is inside.
fn check_date(
    d: NaiveDate,
    origin: &Origin,
    col: &str,
    push: &mut impl FnMut(&Origin, &str, ProblemKind),
) -> bool {
    let ok = in_window(d);
    if !ok {
        push(origin, col, ProblemKind::DateOutOfWindow(d.to_string()));
    }
    ok
}

/// The longest e-mail address SMTP carries (RFC 5321's path limit less the brackets).
const MAX_EMAIL_CHARS: usize = 254;

/// True for a plausible e-mail address: one `@` with something before it, no spaces, a
/// dot inside the domain, at most 254 characters. Plausible, not verified: the point is to
/// catch a name or a phone number typed into the wrong column, not to parse RFC 5322.
pub fn is_plausible_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    let dot_inside = domain
        .char_indices()
        .any(|(k, c)| c == '.' && k > 0 && k + 1 < domain.len());
    v.chars().count() <= MAX_EMAIL_CHARS
        && !local.is_empty()
        && !domain.contains('@')
        && !v.chars().any(char::is_whitespace)
        && dot_inside
}

/// The languages klynge writes messages in.
pub const MESSAGE_LANGS: [&str; 2] = ["nb", "en"];

/// A person's optional address and message language.
/// An http(s) address with a host and no spaces: anything else (`javascript:`, a bare
/// word) must not become a link on a public page.
fn is_web_address(v: &str) -> bool {
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !v.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn check_contact(
    email: Option<&str>,
    lang: Option<&str>,
    origin: &Origin,
    push: &mut impl FnMut(&Origin, &str, ProblemKind),
) {
    if let Some(e) = email
        && !is_plausible_email(e)
    {
        push(origin, "email", ProblemKind::NotAnEmail(e.to_owned()));
    }
    if let Some(l) = lang
        && !MESSAGE_LANGS.contains(&l)
    {
        push(
            origin,
            "lang",
            ProblemKind::UnknownMessageLang(l.to_owned()),
        );
    }
}

fn check_lat_lon(
    lat: f64,
    lon: f64,
    origin: &Origin,
    push: &mut impl FnMut(&Origin, &str, ProblemKind),
) {
    if !(-90.0..=90.0).contains(&lat) {
        push(origin, "lat", ProblemKind::LatitudeOutOfRange(lat));
    }
    if !(-180.0..=180.0).contains(&lon) {
        push(origin, "lon", ProblemKind::LongitudeOutOfRange(lon));
    }
}

/// The rules of a request's format (docs/model.md §2): one language except for a drop-in,
/// whose staff can cover its languages; `slot_minutes` and `desks` for one-to-one
/// guidance only, which has one instructor per desk and blocks of at least one slot.
fn format_rules(r: &crate::model::Request, push: &mut impl FnMut(&Origin, &str, ProblemKind)) {
    use crate::model::Format;
    let languages = r.languages();
    match r.format {
        Format::DropIn
            if languages.len() > r.instructors_needed as usize && r.instructors_needed >= 1 =>
        {
            push(
                &r.origin,
                "language",
                ProblemKind::MoreLanguagesThanStaff {
                    languages: languages.len(),
                    needed: r.instructors_needed,
                },
            );
        }
        Format::Course | Format::OneToOne if languages.len() > 1 => push(
            &r.origin,
            "language",
            ProblemKind::OneLanguageOnly(r.language.clone()),
        ),
        _ => {}
    }
    if r.format != Format::OneToOne {
        if r.slot_minutes.is_some() {
            push(&r.origin, "slot_minutes", ProblemKind::OnlyForOneToOne);
        }
        if r.desks.is_some() {
            push(&r.origin, "desks", ProblemKind::OnlyForOneToOne);
        }
        return;
    }
    if r.instructors_needed != 1 {
        push(
            &r.origin,
            "instructors_needed",
            ProblemKind::OneInstructorPerDesk(r.instructors_needed),
        );
    }
    if let Some(d) = r.desks.filter(|d| !(1..=20).contains(d)) {
        push(
            &r.origin,
            "desks",
            ProblemKind::OutOfRange {
                value: d.to_string(),
                expected: "1…20".into(),
            },
        );
    }
    match r.slot_minutes {
        None => push(&r.origin, "slot_minutes", ProblemKind::SlotMinutesMissing),
        Some(m) if !(5..=240).contains(&m) => push(
            &r.origin,
            "slot_minutes",
            ProblemKind::OutOfRange {
                value: m.to_string(),
                expected: "5…240".into(),
            },
        ),
        Some(m) => {
            for s in r.all_sessions() {
                let block = s.end.minutes() - s.start.minutes();
                if block > 0 && block < i64::from(m) {
                    let origin = if s.origin.file.is_empty() {
                        &r.origin
                    } else {
                        &s.origin
                    };
                    push(
                        origin,
                        "slot_minutes",
                        ProblemKind::BlockShorterThanSlot { block, slot: m },
                    );
                    break;
                }
            }
        }
    }
}
