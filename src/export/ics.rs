//! The rota as iCalendar (RFC 5545), for phone calendars.
//!
//! Written by hand rather than with a crate because the one thing a crate would not do for
//! us is the part that matters: a VTIMEZONE for Europe/Oslo, so that events keep their local
//! times across daylight saving. UIDs depend only on the request and the session's start,
//! so re-exports and later runs update events instead of duplicating them; and an event
//! that changed since a phone last saw it says so with a higher SEQUENCE and a later
//! LAST-MODIFIED ([`Revisions`], from the publications in order), while the calendar asks to
//! be fetched again every six hours (REFRESH-INTERVAL, X-PUBLISHED-TTL).

use std::collections::{BTreeMap, BTreeSet};

use super::Rota;
use crate::i18n::Lang;
use crate::model::Hm;

/// How long a subscribed calendar may keep its copy before it asks again: a repair
/// published in the morning reaches the phones the same day.
const REFRESH: &str = "PT6H";

const VTIMEZONE_OSLO: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Oslo",
    "X-LIC-LOCATION:Europe/Oslo",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character (§3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// One event of a calendar, in local (Europe/Oslo) time.
#[derive(Clone, Debug)]
pub struct Event {
    /// Stable across exports, so that a subscribed calendar updates instead of duplicating.
    pub uid: String,
    pub date: chrono::NaiveDate,
    pub start: Hm,
    pub end: Hm,
    pub summary: String,
    pub location: String,
    pub geo: Option<(f64, f64)>,
    pub description: String,
    /// How many times the event changed since it was first published (SEQUENCE).
    pub sequence: u32,
    /// When it last changed (UTC, `YYYYMMDDTHHMMSSZ`), if it was ever published.
    pub last_modified: Option<String>,
}

/// A calendar of `events` named `name`. `stamp` is the DTSTAMP (UTC, `YYYYMMDDTHHMMSSZ`).
pub fn calendar(name: &str, events: &[Event], stamp: &str) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//klynge//rota//NB".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape(name)),
        "X-WR-TIMEZONE:Europe/Oslo".into(),
        format!("REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"),
        format!("X-PUBLISHED-TTL:{REFRESH}"),
    ];
    lines.extend(VTIMEZONE_OSLO.iter().map(|l| l.to_string()));
    for e in events {
        let at = |hm: Hm| {
            let (h, m) = hm.hour_minute();
            // 24:00 is written as midnight of the next day.
            if h == 24 {
                format!(
                    "{}T000000",
                    (e.date + chrono::Duration::days(1)).format("%Y%m%d")
                )
            } else {
                format!("{}T{h:02}{m:02}00", e.date.format("%Y%m%d"))
            }
        };
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", e.uid));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("SEQUENCE:{}", e.sequence));
        if let Some(t) = &e.last_modified {
            lines.push(format!("LAST-MODIFIED:{t}"));
        }
        lines.push(format!("DTSTART;TZID=Europe/Oslo:{}", at(e.start)));
        lines.push(format!("DTEND;TZID=Europe/Oslo:{}", at(e.end)));
        lines.push(format!("SUMMARY:{}", escape(&e.summary)));
        lines.push(format!("LOCATION:{}", escape(&e.location)));
        if let Some((lat, lon)) = e.geo {
            lines.push(format!("GEO:{lat:.5};{lon:.5}"));
        }
        lines.push(format!("DESCRIPTION:{}", escape(&e.description)));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out
}

/// The UID of a session of a request: the request and the session's start.
pub fn session_uid(request: &str, date: chrono::NaiveDate, start: Hm) -> String {
    let (h, m) = start.hour_minute();
    format!("{request}-{}T{h:02}{m:02}@klynge", date.format("%Y%m%d"))
}

/// A session of a rota as a calendar holds it: one event per session, naming every
/// instructor who teaches it.
#[derive(Clone, Debug, PartialEq)]
pub struct RotaEvent {
    pub uid: String,
    pub request: String,
    pub association: String,
    pub date: chrono::NaiveDate,
    pub start: Hm,
    pub end: Hm,
    pub topic: String,
    pub language: String,
    pub association_name: String,
    pub municipality: String,
    pub lat: f64,
    pub lon: f64,
    /// Who teaches it, as (id, name), by id.
    pub instructors: Vec<(String, String)>,
}

impl RotaEvent {
    /// Where: the association's name and its municipality.
    pub fn location(&self) -> String {
        if self.municipality.trim().is_empty() {
            self.association_name.clone()
        } else {
            format!("{}, {}", self.association_name, self.municipality)
        }
    }

    /// What a reader of the event would see change: its end (the date and the start are in
    /// its UID), the course, the place and — unless the calendar is public — who teaches it.
    pub fn content(&self, with_instructors: bool) -> String {
        let mut s = format!(
            "{}|{}|{}|{}|{:.5};{:.5}",
            self.end,
            self.topic,
            self.language,
            self.location(),
            self.lat,
            self.lon
        );
        if with_instructors {
            for (id, name) in &self.instructors {
                s.push_str(&format!("|{id}={name}"));
            }
        }
        s
    }
}

/// The rota's sessions as events, by request and start; a session taught by two
/// instructors is one event naming both.
pub fn rota_events(rota: &Rota) -> Vec<RotaEvent> {
    let mut events: BTreeMap<(String, chrono::NaiveDate, u16), RotaEvent> = BTreeMap::new();
    for e in &rota.entries {
        for s in &e.sessions {
            events
                .entry((e.request.clone(), s.date, s.start.0))
                .or_insert_with(|| RotaEvent {
                    uid: session_uid(&e.request, s.date, s.start),
                    request: e.request.clone(),
                    association: e.association.clone(),
                    date: s.date,
                    start: s.start,
                    end: s.end,
                    topic: e.topic.clone(),
                    language: e.language.clone(),
                    association_name: e.association_name.clone(),
                    municipality: e.municipality.clone(),
                    lat: e.venue_lat,
                    lon: e.venue_lon,
                    instructors: Vec::new(),
                })
                .instructors
                .push((e.instructor.clone(), e.instructor_name.clone()));
        }
    }
    events
        .into_values()
        .map(|mut ev| {
            ev.instructors.sort();
            ev.instructors.dedup();
            ev
        })
        .collect()
}

/// The version of each event that calendars have been shown, followed publication by
/// publication: an event's SEQUENCE is how often what a reader sees of it changed, and its
/// LAST-MODIFIED the publication that last changed it.
#[derive(Clone, Debug, Default)]
pub struct Revisions {
    events: BTreeMap<String, Tracked>,
}

#[derive(Clone, Debug)]
struct Tracked {
    request: String,
    /// What the latest publication that plans its request showed (`None`: it was gone).
    shown: Option<String>,
    sequence: u32,
    last_modified: String,
}

impl Revisions {
    /// Follows one publication, made at `at` (UTC, `YYYYMMDDTHHMMSSZ`), after those before
    /// it. `events` are its events as (UID, request, content); `plans` tells whether it plans
    /// a request, so that an event of a request it plans but does not hold is known to be
    /// gone (a rota of another cluster or term leaves the events of this one alone).
    pub fn publish(
        &mut self,
        at: &str,
        plans: impl Fn(&str) -> bool,
        events: impl IntoIterator<Item = (String, String, String)>,
    ) {
        let present: BTreeMap<String, (String, String)> = events
            .into_iter()
            .map(|(uid, request, content)| (uid, (request, content)))
            .collect();
        for (uid, t) in &mut self.events {
            if !present.contains_key(uid) && plans(&t.request) {
                t.shown = None;
            }
        }
        for (uid, (request, content)) in present {
            match self.events.get_mut(&uid) {
                None => {
                    self.events.insert(
                        uid,
                        Tracked {
                            request,
                            shown: Some(content),
                            sequence: 0,
                            last_modified: at.to_owned(),
                        },
                    );
                }
                Some(t) => {
                    if t.shown.as_deref() != Some(content.as_str()) {
                        t.sequence += 1;
                        t.last_modified = at.to_owned();
                    }
                    t.request = request;
                    t.shown = Some(content);
                }
            }
        }
    }

    /// An event's SEQUENCE and LAST-MODIFIED: (0, none) for one never published.
    pub fn of(&self, uid: &str) -> (u32, Option<String>) {
        self.events
            .get(uid)
            .map_or((0, None), |t| (t.sequence, Some(t.last_modified.clone())))
    }
}

/// A rota as iCalendar: for everyone who plans it (`reader` `None`: each event names its
/// instructors), or for one instructor (only their sessions, each naming who teaches it
/// with them). `stamp` is the DTSTAMP (UTC, `YYYYMMDDTHHMMSSZ`).
pub fn rota_calendar(
    name: &str,
    events: &[RotaEvent],
    reader: Option<&str>,
    revisions: &Revisions,
    stamp: &str,
    lang: Lang,
) -> String {
    let shown: Vec<Event> = events
        .iter()
        .filter(|e| reader.is_none_or(|r| e.instructors.iter().any(|(id, _)| id == r)))
        .map(|e| {
            let (sequence, last_modified) = revisions.of(&e.uid);
            Event {
                uid: e.uid.clone(),
                date: e.date,
                start: e.start,
                end: e.end,
                summary: format!("{} ({}) – {}", e.topic, e.language, e.association_name),
                location: e.location(),
                geo: Some((e.lat, e.lon)),
                description: description(e, reader, lang),
                sequence,
                last_modified,
            }
        })
        .collect();
    calendar(name, &shown, stamp)
}

/// "Kurs r03 for Seniornett Stjørdal. Du underviser sammen med Ola Strand."
fn description(e: &RotaEvent, reader: Option<&str>, lang: Lang) -> String {
    let course = match lang {
        Lang::Nb => format!("Kurs {} for {}.", e.request, e.association_name),
        Lang::En => format!("Course {} for {}.", e.request, e.association_name),
    };
    let names = |except: Option<&str>| {
        let names: BTreeSet<&str> = e
            .instructors
            .iter()
            .filter(|(id, _)| Some(id.as_str()) != except)
            .map(|(_, name)| name.as_str())
            .collect();
        names.into_iter().collect::<Vec<_>>().join(", ")
    };
    let who = match reader {
        None => {
            let label = if e.instructors.len() == 1 {
                lang.pick("Instruktør", "Instructor")
            } else {
                lang.pick("Instruktører", "Instructors")
            };
            format!("{label}: {}.", names(None))
        }
        Some(r) => {
            let others = names(Some(r));
            if others.is_empty() {
                lang.pick("Du underviser alene.", "You teach on your own.")
                    .to_owned()
            } else {
                match lang {
                    Lang::Nb => format!("Du underviser sammen med {others}."),
                    Lang::En => format!("You teach together with {others}."),
                }
            }
        }
    };
    format!("{course} {who}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "ø".repeat(60));
        fold(&line, &mut out);
        for part in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    fn ev(uid: &str, request: &str, content: &str) -> (String, String, String) {
        (uid.into(), request.into(), content.into())
    }

    #[test]
    fn an_event_that_changes_gets_a_higher_sequence_and_a_later_stamp() {
        let mut r = Revisions::default();
        r.publish("T1", |_| true, [ev("a", "r1", "x"), ev("b", "r2", "y")]);
        assert_eq!(r.of("a"), (0, Some("T1".into())));
        r.publish("T2", |_| true, [ev("a", "r1", "x2"), ev("b", "r2", "y")]);
        assert_eq!(r.of("a"), (1, Some("T2".into())));
        assert_eq!(r.of("b"), (0, Some("T1".into())), "unchanged");
        assert_eq!(r.of("c"), (0, None), "never published");
    }

    #[test]
    fn an_event_gone_and_back_is_a_change_and_other_rotas_leave_it_alone() {
        let mut r = Revisions::default();
        r.publish("T1", |_| true, [ev("a", "r1", "x")]);
        // Another cluster's rota: it does not plan r1.
        r.publish("T2", |q| q == "r9", [ev("z", "r9", "q")]);
        assert_eq!(r.of("a"), (0, Some("T1".into())));
        // r1 planned, uncovered: gone; then back as it was.
        r.publish("T3", |_| true, []);
        r.publish("T4", |_| true, [ev("a", "r1", "x")]);
        assert_eq!(r.of("a"), (1, Some("T4".into())));
    }
}
