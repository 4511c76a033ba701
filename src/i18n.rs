//! The two languages every user-facing text exists in.
//!
//! klynge's users are volunteers, many of them seniors: Norwegian (bokmål) comes first,
//! English is the alternative. Texts stay next to the code that produces them, as a
//! `(bokmål, English)` pair, so that neither language can be forgotten.

use std::fmt;
use std::str::FromStr;

/// A user-facing language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Norwegian bokmål, the default.
    #[default]
    Nb,
    /// English.
    En,
}

impl Lang {
    /// Picks the text in this language from a `(bokmål, English)` pair.
    pub fn pick<'a>(self, nb: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nb => nb,
            Lang::En => en,
        }
    }
}

const WEEKDAYS_NB: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Lang {
    /// A date written out as people write it in letters: `tirsdag 12. januar 2027` /
    /// `Tuesday 12 January 2027`. Spelled out rather than `12.01.2027`, because the readers
    /// of messages are often seniors, and a weekday and a month name are harder to misread.
    pub fn long_date(self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let wd = d.weekday().num_days_from_monday() as usize;
        let m = d.month0() as usize;
        match self {
            Lang::Nb => format!(
                "{} {}. {} {}",
                WEEKDAYS_NB[wd],
                d.day(),
                MONTHS_NB[m],
                d.year()
            ),
            Lang::En => format!(
                "{} {} {} {}",
                WEEKDAYS_EN[wd],
                d.day(),
                MONTHS_EN[m],
                d.year()
            ),
        }
    }

    /// "Every Tuesday" as people say it: `tirsdager` / `Tuesdays`.
    pub fn weekly(self, w: chrono::Weekday) -> String {
        let wd = w.num_days_from_monday() as usize;
        match self {
            Lang::Nb => format!("{}er", WEEKDAYS_NB[wd]),
            Lang::En => format!("{}s", WEEKDAYS_EN[wd]),
        }
    }

    /// A number with `places` decimals as people read it in this language: bokmål
    /// `15 994,5` (space between thousands, decimal comma), English `15,994.5`.
    pub fn number(self, v: f64, places: usize) -> String {
        if !v.is_finite() {
            return v.to_string();
        }
        let text = format!("{:.*}", places, v.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let (group, point) = match self {
            Lang::Nb => ('\u{a0}', ','),
            Lang::En => (',', '.'),
        };
        let mut out = String::new();
        if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('−');
        }
        for (k, c) in int.chars().enumerate() {
            // Groups of three from the right; four-digit numbers stay whole (1000, not 1 000).
            if k > 0 && (int.len() - k) % 3 == 0 && int.len() > 4 {
                out.push(group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nob" | "norsk" | "bokmål" | "bokmal" => Ok(Lang::Nb),
            "en" | "eng" | "english" | "engelsk" => Ok(Lang::En),
            other => Err(format!(
                "unknown language '{other}': expected nb (bokmål) or en (English)"
            )),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        })
    }
}

/// Something that can be told to a user in either language.
pub trait Localized {
    fn localized(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn long_dates_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2027, 1, 12).expect("date");
        assert_eq!(Lang::Nb.long_date(d), "tirsdag 12. januar 2027");
        assert_eq!(Lang::En.long_date(d), "Tuesday 12 January 2027");
    }
}
