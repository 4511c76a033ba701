//! How numbers, dates, times, weeks and counts are written for a person, in bokmål or
//! English: one place, so that `82,5 %`, `15 994 km`, `18.01.2027`, `ons 20.01.` and
//! `24.11.2026 kl. 03:40` look the same in every output people read.
//!
//! Crates where they do it well: `chrono-tz` for Europe/Oslo's summer time (a stored
//! moment is UTC; people read local time). Weekday and month names are short tables here
//! rather than chrono's `unstable-locales`, whose glibc-derived bokmål abbreviations carry
//! a full stop (`ons.`) where Norwegian print writes `ons`. Thousands grouping is a few
//! lines here too: `num-format` groups integers only and has not been released since 2020,
//! and `icu_decimal` brings ICU4X's data tree for two separators.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use super::Lang;

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
const WEEKDAYS_SHORT_NB: [&str; 7] = ["man", "tir", "ons", "tor", "fre", "lør", "søn"];
const WEEKDAYS_SHORT_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
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

/// A noun in its singular and plural, in both languages: `1 forespørsel`, `2 forespørsler`.
#[derive(Clone, Copy, Debug)]
pub struct Plural {
    pub nb: (&'static str, &'static str),
    pub en: (&'static str, &'static str),
}

impl Plural {
    pub const REQUEST: Plural = Plural {
        nb: ("forespørsel", "forespørsler"),
        en: ("request", "requests"),
    };
    pub const SESSION: Plural = Plural {
        nb: ("økt", "økter"),
        en: ("session", "sessions"),
    };
    pub const COMPONENT: Plural = Plural {
        nb: ("komponent", "komponenter"),
        en: ("component", "components"),
    };
    pub const INSTRUCTOR: Plural = Plural {
        nb: ("instruktør", "instruktører"),
        en: ("instructor", "instructors"),
    };
    pub const ASSOCIATION: Plural = Plural {
        nb: ("forening", "foreninger"),
        en: ("association", "associations"),
    };
    pub const ASSIGNMENT: Plural = Plural {
        nb: ("tildeling", "tildelinger"),
        en: ("assignment", "assignments"),
    };
    pub const PROBLEM: Plural = Plural {
        nb: ("feil", "feil"),
        en: ("problem", "problems"),
    };
    pub const CHANGE: Plural = Plural {
        nb: ("endring", "endringer"),
        en: ("change", "changes"),
    };
    pub const PAIR: Plural = Plural {
        nb: ("aktuelt par", "aktuelle par"),
        en: ("eligible pair", "eligible pairs"),
    };
    pub const HOUR: Plural = Plural {
        nb: ("time", "timer"),
        en: ("hour", "hours"),
    };
}

impl Lang {
    /// A number with `places` decimals as people read it in this language: bokmål
    /// `15 994,5` (a no-break space between thousands, decimal comma), English `15,994.5`.
    /// Four-digit numbers stay whole (`1000`), as Norwegian print allows.
    pub fn number(self, v: f64, places: usize) -> String {
        if !v.is_finite() {
            return "–".into();
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

    /// A whole number, grouped as [`Lang::number`] does.
    pub fn int(self, n: impl Into<i64>) -> String {
        self.number(n.into() as f64, 0)
    }

    /// A signed whole number with its sign always shown: `+3`, `−2`, `0`.
    pub fn signed(self, v: f64, places: usize) -> String {
        let s = self.number(v, places);
        if v > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
            format!("+{s}")
        } else {
            s
        }
    }

    /// A share (0.825) as a percentage with one decimal: `82,5 %` / `82.5 %`.
    pub fn percent(self, share: f64) -> String {
        format!("{} %", self.number(100.0 * share, 1))
    }

    /// `part` as a percentage of `whole`, or a dash when `whole` is 0.
    pub fn percent_of(self, part: f64, whole: f64) -> String {
        if whole > 0.0 {
            self.percent(part / whole)
        } else {
            "–".into()
        }
    }

    /// Kilometres: `15 994 km`.
    pub fn km(self, v: f64, places: usize) -> String {
        format!("{} km", self.number(v, places))
    }

    /// Norwegian kroner: `55 979 kr` / `NOK 55,979`.
    pub fn nok(self, v: f64) -> String {
        match self {
            Lang::Nb => format!("{} kr", self.number(v, 0)),
            Lang::En => format!("NOK {}", self.number(v, 0)),
        }
    }

    /// `n` and the noun in the right number: `1 forespørsel`, `3 forespørsler`.
    pub fn count(self, n: usize, noun: Plural) -> String {
        let (one, many) = match self {
            Lang::Nb => noun.nb,
            Lang::En => noun.en,
        };
        format!(
            "{} {}",
            self.int(i64::try_from(n).unwrap_or(i64::MAX)),
            if n == 1 { one } else { many }
        )
    }

    /// Only the noun, in the number `n` asks for.
    pub fn noun(self, n: usize, noun: Plural) -> &'static str {
        let (one, many) = match self {
            Lang::Nb => noun.nb,
            Lang::En => noun.en,
        };
        if n == 1 { one } else { many }
    }

    /// A date: `18.01.2027` / `18 Jan 2027`.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Lang::Nb => d.format("%d.%m.%Y").to_string(),
            Lang::En => format!(
                "{} {} {}",
                d.day(),
                &MONTHS_EN[d.month0() as usize][..3],
                d.year()
            ),
        }
    }

    /// A date with its weekday, without the year: `ons 20.01.` / `Wed 20 Jan`.
    pub fn short_date(self, d: NaiveDate) -> String {
        let wd = self.weekday_short(d.weekday());
        match self {
            Lang::Nb => format!("{wd} {}", d.format("%d.%m.")),
            Lang::En => format!("{wd} {} {}", d.day(), &MONTHS_EN[d.month0() as usize][..3]),
        }
    }

    /// A weekday, short: `ons` / `Wed`.
    pub fn weekday_short(self, w: Weekday) -> &'static str {
        let k = w.num_days_from_monday() as usize;
        match self {
            Lang::Nb => WEEKDAYS_SHORT_NB[k],
            Lang::En => WEEKDAYS_SHORT_EN[k],
        }
    }

    /// A weekday in full: `onsdag` / `Wednesday`.
    pub fn weekday(self, w: Weekday) -> &'static str {
        let k = w.num_days_from_monday() as usize;
        match self {
            Lang::Nb => WEEKDAYS_NB[k],
            Lang::En => WEEKDAYS_EN[k],
        }
    }

    /// A date written out as people write it in letters: `tirsdag 12. januar 2027` /
    /// `Tuesday 12 January 2027`. Spelled out rather than `12.01.2027`, because the readers
    /// of messages are often seniors, and a weekday and a month name are harder to misread.
    pub fn long_date(self, d: NaiveDate) -> String {
        let m = d.month0() as usize;
        let wd = self.weekday(d.weekday());
        match self {
            Lang::Nb => format!("{wd} {}. {} {}", d.day(), MONTHS_NB[m], d.year()),
            Lang::En => format!("{wd} {} {} {}", d.day(), MONTHS_EN[m], d.year()),
        }
    }

    /// "Every Tuesday" as people say it: `tirsdager` / `Tuesdays`.
    pub fn weekly(self, w: Weekday) -> String {
        match self {
            Lang::Nb => format!("{}er", self.weekday(w)),
            Lang::En => format!("{}s", self.weekday(w)),
        }
    }

    /// A moment in Oslo's local time (summer time included): `24.11.2026 kl. 03:40` /
    /// `24 Nov 2026 03:40`.
    pub fn moment(self, t: DateTime<Utc>) -> String {
        let local = t.with_timezone(&chrono_tz::Europe::Oslo);
        let clock = local.format("%H:%M");
        match self {
            Lang::Nb => format!("{} kl. {clock}", self.date(local.date_naive())),
            Lang::En => format!("{} {clock}", self.date(local.date_naive())),
        }
    }

    /// A stored timestamp (RFC 3339, UTC) as [`Lang::moment`] writes it; anything else
    /// as it is, since a reader is better served by the raw text than by nothing.
    pub fn timestamp(self, stored: &str) -> String {
        match DateTime::parse_from_rfc3339(stored) {
            Ok(t) => self.moment(t.with_timezone(&Utc)),
            Err(_) => stored.to_owned(),
        }
    }

    /// An ISO week as people say it: `uke 3 i 2027` / `week 3 of 2027`.
    pub fn week(self, year: i32, week: u32) -> String {
        match self {
            Lang::Nb => format!("uke {week} i {year}"),
            Lang::En => format!("week {week} of {year}"),
        }
    }

    /// An ISO week written by programs (`2027-W03`) as people say it; anything else as it is.
    pub fn week_code(self, code: &str) -> String {
        let parsed = code
            .split_once("-W")
            .and_then(|(y, w)| Some((y.parse::<i32>().ok()?, w.parse::<u32>().ok()?)));
        match parsed {
            Some((y, w)) if (1..=53).contains(&w) => self.week(y, w),
            _ => code.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Lang, Plural};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(Lang::Nb.number(15994.0, 0), "15\u{a0}994");
        assert_eq!(Lang::En.number(15994.0, 0), "15,994");
        assert_eq!(Lang::Nb.number(565.0, 1), "565,0");
        assert_eq!(Lang::Nb.number(1234.5, 1), "1234,5");
        assert_eq!(Lang::Nb.number(1_234_567.0, 0), "1\u{a0}234\u{a0}567");
        assert_eq!(Lang::Nb.number(-2.5, 1), "−2,5");
        assert_eq!(Lang::Nb.number(-0.01, 1), "0,0");
        assert_eq!(Lang::Nb.number(f64::NAN, 1), "–");
        assert_eq!(Lang::Nb.percent(0.825), "82,5 %");
        assert_eq!(Lang::En.percent(0.825), "82.5 %");
        assert_eq!(Lang::Nb.percent_of(1.0, 0.0), "–");
        assert_eq!(Lang::Nb.km(15994.4, 0), "15\u{a0}994 km");
        assert_eq!(Lang::Nb.nok(55979.0), "55\u{a0}979 kr");
        assert_eq!(Lang::En.nok(55979.0), "NOK 55,979");
        assert_eq!(Lang::Nb.signed(3.0, 0), "+3");
        assert_eq!(Lang::Nb.signed(-3.0, 0), "−3");
        assert_eq!(Lang::Nb.signed(0.0, 0), "0");
    }

    #[test]
    fn plurals() {
        assert_eq!(Lang::Nb.count(1, Plural::REQUEST), "1 forespørsel");
        assert_eq!(Lang::Nb.count(2, Plural::REQUEST), "2 forespørsler");
        assert_eq!(Lang::Nb.count(3, Plural::COMPONENT), "3 komponenter");
        assert_eq!(Lang::En.count(1, Plural::COMPONENT), "1 component");
        assert_eq!(Lang::En.count(0, Plural::REQUEST), "0 requests");
    }

    #[test]
    fn dates_weeks_and_moments() {
        let d = day(2027, 1, 20);
        assert_eq!(Lang::Nb.date(day(2027, 1, 18)), "18.01.2027");
        assert_eq!(Lang::En.date(day(2027, 1, 18)), "18 Jan 2027");
        assert_eq!(Lang::Nb.short_date(d), "ons 20.01.");
        assert_eq!(Lang::En.short_date(d), "Wed 20 Jan");
        assert_eq!(
            Lang::Nb.long_date(day(2027, 1, 12)),
            "tirsdag 12. januar 2027"
        );
        assert_eq!(
            Lang::En.long_date(day(2027, 1, 12)),
            "Tuesday 12 January 2027"
        );
        assert_eq!(Lang::Nb.week(2027, 3), "uke 3 i 2027");
        assert_eq!(Lang::Nb.week_code("2027-W03"), "uke 3 i 2027");
        assert_eq!(Lang::Nb.week_code("nonsense"), "nonsense");
        // Winter: UTC+1; summer: UTC+2.
        let winter = Utc
            .with_ymd_and_hms(2026, 11, 24, 3, 40, 47)
            .single()
            .expect("t");
        assert_eq!(Lang::Nb.moment(winter), "24.11.2026 kl. 04:40");
        let summer = Utc
            .with_ymd_and_hms(2026, 6, 1, 22, 30, 0)
            .single()
            .expect("t");
        assert_eq!(Lang::Nb.moment(summer), "02.06.2026 kl. 00:30");
        assert_eq!(
            Lang::Nb.timestamp("2026-11-24T03:40:47Z"),
            "24.11.2026 kl. 04:40"
        );
        assert_eq!(Lang::Nb.timestamp("not a time"), "not a time");
    }
}
