//! Taught hours as a table for the terminal, and as a sheet (one row per course) for files:
//! its CSV is always the one that opens in a Norwegian spreadsheet (`;`-separated, UTF-8
//! with a byte-order mark, decimal comma), as the study association wants it.

use std::fmt::Write;

use super::csv::CsvDialect;
use super::sheet::{Cell, Column, Section, Sheet};
use crate::hours::Hours;
use crate::i18n::Lang;

/// The hours per course, then the totals per association and per topic.
pub fn hours_table(h: &Hours, rules_minutes: u32, lang: Lang) -> String {
    let n = |v: f64| lang.number(v, 1);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<28} {:<18} {:>6} {:>10} {:>12}  {}",
        lang.pick("Forening", "Association"),
        lang.pick("Emne", "Topic"),
        lang.pick("Økter", "Sess."),
        lang.pick("Klokketimer", "Clock h"),
        match lang {
            Lang::Nb => format!("Timer à {rules_minutes}"),
            Lang::En => format!("{rules_minutes}-min h"),
        },
        lang.pick("Instruktører", "Instructors"),
    );
    for c in &h.courses {
        let flag = if c.below_minimum {
            lang.pick("  (under minstelengden)", "  (below the minimum length)")
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:<28} {:<18} {:>6} {:>10} {:>12}  {}{flag}",
            cut(&c.association_name, 28),
            cut(&c.topic, 18),
            c.sessions,
            n(c.clock_hours),
            n(c.teaching_hours),
            c.instructors.join(", "),
        );
    }
    let _ = writeln!(out, "\n{}", lang.pick("Per forening:", "Per association:"));
    for t in &h.by_association {
        let _ = writeln!(
            out,
            "  {:<28} {:>3} {} {:>10} {:>12}",
            cut(&t.name, 28),
            t.courses,
            lang.pick("kurs", "courses"),
            n(t.clock_hours),
            n(t.teaching_hours)
        );
    }
    let _ = writeln!(out, "{}", lang.pick("Per emne:", "Per topic:"));
    for t in &h.by_topic {
        let _ = writeln!(
            out,
            "  {:<28} {:>3} {} {:>10} {:>12}",
            cut(&t.name, 28),
            t.courses,
            lang.pick("kurs", "courses"),
            n(t.clock_hours),
            n(t.teaching_hours)
        );
    }
    let _ = writeln!(
        out,
        "{} {} {}, {} {}, {} {}",
        lang.pick("I alt:", "In all:"),
        h.total.courses,
        lang.pick("kurs", "courses"),
        n(h.total.clock_hours),
        lang.pick("klokketimer", "clock hours"),
        n(h.total.teaching_hours),
        lang.pick("undervisningstimer", "teaching hours"),
    );
    out
}

/// One row per course.
pub fn hours_sheet(h: &Hours, lang: Lang) -> Sheet {
    let columns = vec![
        Column::new("run", lang.pick("kjøring", "run")),
        Column::new("request", lang.pick("forespørsel", "request")),
        Column::new("association", lang.pick("forening", "association")),
        Column::new("topic", lang.pick("emne", "topic")),
        Column::new("language", lang.pick("språk", "language")),
        Column::new("sessions", lang.pick("økter", "sessions")),
        Column::new("clock_hours", lang.pick("klokketimer", "clock hours")),
        Column::new(
            "teaching_hours",
            lang.pick("undervisningstimer", "teaching hours"),
        ),
        Column::new(
            "course_teaching_hours",
            lang.pick(
                "kursets lengde (undervisningstimer)",
                "course length (teaching hours)",
            ),
        ),
        Column::new(
            "below_minimum",
            lang.pick("under minstelengden", "below minimum"),
        ),
        Column::new("instructors", lang.pick("instruktører", "instructors")),
    ];
    let yes_no = |b: bool| Cell::Term {
        code: if b { "true" } else { "false" },
        name: if b {
            lang.pick("ja", "yes")
        } else {
            lang.pick("nei", "no")
        }
        .to_owned(),
    };
    let rows = h
        .courses
        .iter()
        .map(|c| {
            vec![
                Cell::Int(c.run),
                Cell::text(&c.request),
                Cell::text(&c.association_name),
                Cell::text(&c.topic),
                Cell::text(&c.language),
                Cell::Int(i64::try_from(c.sessions).unwrap_or(i64::MAX)),
                Cell::number(c.clock_hours, 1),
                Cell::number(c.teaching_hours, 1),
                Cell::number(c.course_teaching_hours, 1),
                yes_no(c.below_minimum),
                Cell::Text(c.instructors.join(", ")),
            ]
        })
        .collect();
    Sheet {
        sections: vec![Section {
            name: lang.pick("Timer", "Hours").to_owned(),
            columns,
            rows,
        }],
    }
}

/// One row per course, for a Norwegian spreadsheet (the study association's file).
pub fn hours_csv(h: &Hours, lang: Lang) -> String {
    hours_sheet(h, lang).to_csv(CsvDialect::Excel)
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
