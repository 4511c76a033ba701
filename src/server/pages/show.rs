//! How the pages write numbers, dates and statuses, in one place: every template goes
//! through these functions, so that the pages follow one convention per language
//! (bokmål: decimal comma, a space between thousands, `18.01.2027`; English: decimal
//! point, `2027-01-18`). When a shared formatting module exists, only this file changes.

use chrono::NaiveDate;

use crate::i18n::Lang;

/// A number with `decimals` places, e.g. `1 234,5` / `1,234.5`.
pub fn number(value: f64, decimals: usize, lang: Lang) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, value.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (sep, point) = match lang {
        Lang::Nb => ('\u{a0}', ','),
        Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{point}{frac}")
    }
}

/// A share as a percentage with one decimal, `82,5 %` / `82.5%`.
pub fn percent(part: f64, whole: f64, lang: Lang) -> String {
    if whole <= 0.0 {
        return "–".into();
    }
    let n = number(100.0 * part / whole, 1, lang);
    match lang {
        Lang::Nb => format!("{n}\u{a0}%"),
        Lang::En => format!("{n}%"),
    }
}

/// A day, `18.01.2027` / `2027-01-18`.
pub fn date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Nb => day.format("%d.%m.%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// A day given as ISO text (or an RFC 3339 time, whose day and minute are kept); other
/// text is shown as it is.
pub fn date_text(text: &str, lang: Lang) -> String {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        let local = oslo(t.with_timezone(&chrono::Utc));
        return format!("{} {}", date(local.date(), lang), local.format("%H:%M"));
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => date(d, lang),
        Err(_) => text.to_owned(),
    }
}

/// A UTC time in Norway: UTC+1, or UTC+2 in summer time (from the last Sunday of March to
/// the last Sunday of October, at 01:00 UTC, as the EU's rule says).
fn oslo(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    use chrono::{Datelike, Duration, Weekday};
    let last_sunday = |month: u32| {
        let mut d = NaiveDate::from_ymd_opt(t.year(), month, 31).unwrap_or_default();
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        d.and_hms_opt(1, 0, 0).unwrap_or_default()
    };
    let utc = t.naive_utc();
    let summer = utc >= last_sunday(3) && utc < last_sunday(10);
    utc + Duration::hours(if summer { 2 } else { 1 })
}

/// A run's status in words.
pub fn run_status(status: &str, lang: Lang) -> String {
    let (nb, en) = match status {
        "proposed" => ("foreslått", "proposed"),
        "approved" => ("godkjent", "approved"),
        "published" => ("publisert", "published"),
        "superseded" => ("erstattet", "superseded"),
        other => (other, other),
    };
    lang.pick(nb, en).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(number(15994.4, 0, Lang::Nb), "15\u{a0}994");
        assert_eq!(number(15994.4, 0, Lang::En), "15,994");
        assert_eq!(number(565.0, 1, Lang::Nb), "565,0");
        assert_eq!(number(-2.5, 1, Lang::Nb), "−2,5");
        assert_eq!(number(-0.01, 1, Lang::Nb), "0,0");
        assert_eq!(number(f64::NAN, 1, Lang::Nb), "–");
        assert_eq!(percent(33.0, 40.0, Lang::Nb), "82,5\u{a0}%");
        assert_eq!(percent(1.0, 0.0, Lang::Nb), "–");
    }

    #[test]
    fn dates_and_times_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 18).expect("day");
        assert_eq!(date(d, Lang::Nb), "18.01.2027");
        assert_eq!(date_text("2027-01-18", Lang::En), "2027-01-18");
        assert_eq!(
            date_text("2026-11-24T03:40:47Z", Lang::Nb),
            "24.11.2026 04:40"
        );
        assert_eq!(
            date_text("2027-07-01T10:00:00Z", Lang::Nb),
            "01.07.2027 12:00"
        );
        assert_eq!(date_text("soon", Lang::Nb), "soon");
        assert_eq!(run_status("published", Lang::Nb), "publisert");
    }
}
