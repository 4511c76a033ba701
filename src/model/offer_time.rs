//! When another offer is open: every week on a weekday, or on one date, from a time to a
//! time. Written as people write it — `tir 12:00–14:00`, `03.02.2027 10:00-12:00` — in
//! `offers.csv` (`;` between several), the forms and the API alike.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar::in_window;
use super::time::{Hm, parse_weekday, weekday_code};
use crate::i18n::Lang;

/// The day part of an offer's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferDay {
    Weekly(Weekday),
    Once(NaiveDate),
}

/// One opening of an offer; `start` is before `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfferTime {
    pub day: OfferDay,
    pub start: Hm,
    pub end: Hm,
}

impl OfferTime {
    /// `tir 12:00–14:00`, `tue 12:00-14:00`, `tirsdag 12:00 – 14:00`, `2027-02-03 10:00–12:00`
    /// or `3.2.2027 10:00-12:00`; `None` for anything else, including an end not after the
    /// start and a date outside the years klynge plans for.
    pub fn parse(v: &str) -> Option<OfferTime> {
        let v = v.trim().replace(['–', '—'], "-");
        let (day, times) = v.split_once(char::is_whitespace)?;
        let (start, end) = times.trim().split_once('-')?;
        let (start, end): (Hm, Hm) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
        let day = match parse_weekday(day) {
            Some(w) => OfferDay::Weekly(w),
            None => {
                let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .or_else(|_| NaiveDate::parse_from_str(day, "%d.%m.%Y"))
                    .ok()
                    .filter(|d| in_window(*d))?;
                OfferDay::Once(date)
            }
        };
        (start < end).then_some(OfferTime { day, start, end })
    }

    /// The days it is open between `from` and `to` (both included), in order.
    pub fn days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        match self.day {
            OfferDay::Once(d) => [d].into_iter().filter(|d| *d >= from && *d <= to).collect(),
            OfferDay::Weekly(w) => from
                .iter_days()
                .take_while(|d| *d <= to)
                .filter(|d| d.weekday() == w)
                .collect(),
        }
    }

    /// As people read it: `tirsdager 12:00–14:00`, `03.02.2027 10:00–12:00`.
    pub fn show(&self, lang: Lang) -> String {
        let day = match self.day {
            OfferDay::Weekly(w) => lang.weekly(w),
            OfferDay::Once(d) => d.format("%d.%m.%Y").to_string(),
        };
        format!("{day} {}–{}", self.start, self.end)
    }
}

/// The file's own notation: `tue 12:00-14:00`, `2027-02-03 10:00-12:00`.
impl fmt::Display for OfferTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.day {
            OfferDay::Weekly(w) => write!(f, "{}", weekday_code(w))?,
            OfferDay::Once(d) => write!(f, "{d}")?,
        }
        write!(f, " {}-{}", self.start, self.end)
    }
}

impl TryFrom<String> for OfferTime {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        OfferTime::parse(&v).ok_or_else(|| {
            format!("'{v}' is not an opening time (expected e.g. 'tue 12:00-14:00')")
        })
    }
}

impl From<OfferTime> for String {
    fn from(t: OfferTime) -> String {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_weekly_and_dated_times_as_people_write_them() {
        let t = OfferTime::parse("tir 12:00–14:00").expect("weekly");
        assert_eq!(t.day, OfferDay::Weekly(Weekday::Tue));
        assert_eq!(t.to_string(), "tue 12:00-14:00");
        assert_eq!(t.show(Lang::Nb), "tirsdager 12:00–14:00");
        assert_eq!(t.show(Lang::En), "Tuesdays 12:00–14:00");
        let d = OfferTime::parse("3.2.2027 10:00 - 12:00").expect("dated");
        assert_eq!(d.to_string(), "2027-02-03 10:00-12:00");
        assert_eq!(d.show(Lang::Nb), "03.02.2027 10:00–12:00");
        for bad in [
            "",
            "tir",
            "tir 14:00-12:00",
            "tir 12:00",
            "hver tirsdag",
            "-390-01-01 10:00-12:00",
            "2027-02-30 10:00-12:00",
            "tir 25:00-26:00",
        ] {
            assert_eq!(OfferTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn lists_the_days_in_a_window() {
        let from = NaiveDate::from_ymd_opt(2027, 1, 11).expect("date");
        let to = from + chrono::Duration::days(13);
        let weekly = OfferTime::parse("ons 11:00-13:00").expect("weekly");
        let days: Vec<String> = weekly
            .days(from, to)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(days, ["2027-01-13", "2027-01-20"]);
        let once = OfferTime::parse("2027-03-01 10:00-12:00").expect("dated");
        assert!(once.days(from, to).is_empty());
    }
}
