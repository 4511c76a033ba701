//! The rota as iCalendar (RFC 5545), for phone calendars.
//!
//! Written by hand rather than with a crate because the one thing a crate would not do for
//! us is the part that matters: a VTIMEZONE for Europe/Oslo, so that events keep their local
//! times across daylight saving. UIDs depend only on the request and the session's start,
//! so re-exports and later runs update events instead of duplicating them.

use std::collections::BTreeMap;

use super::Rota;

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
    pub start: crate::model::Hm,
    pub end: crate::model::Hm,
    pub summary: String,
    pub location: String,
    pub geo: Option<(f64, f64)>,
    pub description: String,
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
    ];
    lines.extend(VTIMEZONE_OSLO.iter().map(|l| l.to_string()));
    for e in events {
        let at = |hm: crate::model::Hm| {
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
pub fn session_uid(request: &str, date: chrono::NaiveDate, start: crate::model::Hm) -> String {
    let (h, m) = start.hour_minute();
    format!("{request}-{}T{h:02}{m:02}@klynge", date.format("%Y%m%d"))
}

/// One VEVENT per session; a session taught by two instructors is one event naming both.
/// `stamp` is the DTSTAMP (UTC, `YYYYMMDDTHHMMSSZ`), normally the run's creation time.
pub fn to_ics(rota: &Rota, stamp: &str) -> String {
    // (request, date, start) → (entry index, instructor names)
    let mut events: BTreeMap<(String, chrono::NaiveDate, u16), (usize, Vec<String>)> =
        BTreeMap::new();
    for (k, e) in rota.entries.iter().enumerate() {
        for s in &e.sessions {
            events
                .entry((e.request.clone(), s.date, s.start.0))
                .or_insert((k, Vec::new()))
                .1
                .push(e.instructor_name.clone());
        }
    }
    let events: Vec<Event> = events
        .iter()
        .filter_map(|((request, date, start), (k, names))| {
            let e = &rota.entries[*k];
            let s = e
                .sessions
                .iter()
                .find(|s| s.date == *date && s.start.0 == *start)?;
            Some(Event {
                uid: session_uid(request, s.date, s.start),
                date: s.date,
                start: s.start,
                end: s.end,
                summary: format!("{} ({}) – {}", e.topic, e.language, e.association_name),
                location: e.association_name.clone(),
                geo: Some((e.venue_lat, e.venue_lon)),
                description: format!(
                    "Kurs/course {request}. Instruktør(er)/instructor(s): {}",
                    names.join(", ")
                ),
            })
        })
        .collect();
    calendar(&format!("klynge {}", rota.run), &events, stamp)
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
}
