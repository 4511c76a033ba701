//! Taught hours as a table for the terminal and as CSV that opens in a Norwegian
//! spreadsheet: `;`-separated, UTF-8 with a byte-order mark, decimal comma.

use std::fmt::Write;

use crate::hours::Hours;
use crate::i18n::Lang;

/// Marks the file as UTF-8 for spreadsheets that would otherwise guess a legacy encoding.
const BOM: &str = "\u{feff}";

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

/// One row per course, for a spreadsheet.
pub fn hours_csv(h: &Hours, lang: Lang) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let yes_no = |b: bool| {
        if b {
            lang.pick("ja", "yes")
        } else {
            lang.pick("nei", "no")
        }
    };
    let _ = w.write_record([
        lang.pick("kjøring", "run"),
        lang.pick("forespørsel", "request"),
        lang.pick("forening", "association"),
        lang.pick("emne", "topic"),
        lang.pick("språk", "language"),
        lang.pick("økter", "sessions"),
        lang.pick("klokketimer", "clock hours"),
        lang.pick("undervisningstimer", "teaching hours"),
        lang.pick(
            "kursets lengde (undervisningstimer)",
            "course length (teaching hours)",
        ),
        lang.pick("under minstelengden", "below minimum"),
        lang.pick("instruktører", "instructors"),
    ]);
    for c in &h.courses {
        let _ = w.write_record([
            c.run.to_string(),
            c.request.clone(),
            c.association_name.clone(),
            c.topic.clone(),
            c.language.clone(),
            c.sessions.to_string(),
            lang.number(c.clock_hours, 1),
            lang.number(c.teaching_hours, 1),
            lang.number(c.course_teaching_hours, 1),
            yes_no(c.below_minimum).to_owned(),
            c.instructors.join(", "),
        ]);
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("{BOM}{body}")
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
