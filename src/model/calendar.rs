//! Dates: Norwegian public holidays and the expansion of a series into its sessions.

use chrono::{Datelike, Duration, NaiveDate};

use super::{Request, Series, Session};

/// The first and last year klynge plans for. Validation keeps every date inside; the
/// functions here stay total outside it anyway (no panic on any year).
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// True for a date inside `FIRST_YEAR`…`LAST_YEAR`.
pub fn in_window(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// Easter Sunday of `year` (Gregorian), by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher); `None` for a year the algorithm does not cover (before 1583,
/// or past what a date can hold).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if !(1583..=200_000).contains(&year) {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The Norwegian public holidays of `year` (helligdager and the two national days).
/// (Empty for a year no date can hold.)
pub fn public_holidays(year: i32) -> Vec<NaiveDate> {
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day);
    let easter = easter_sunday(year);
    let rel = |days: i64| easter.and_then(|e| e.checked_add_signed(Duration::days(days)));
    [
        d(1, 1),   // New Year's Day
        rel(-3),   // Maundy Thursday
        rel(-2),   // Good Friday
        easter,    // Easter Sunday
        rel(1),    // Easter Monday
        d(5, 1),   // Labour Day
        d(5, 17),  // Constitution Day
        rel(39),   // Ascension Day
        rel(49),   // Whit Sunday
        rel(50),   // Whit Monday
        d(12, 25), // Christmas Day
        d(12, 26), // Boxing Day
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// True if `date` is a Norwegian public holiday.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    public_holidays(date.year()).contains(&date)
}

/// The most sessions a series may have (validation says so; expansion stops there).
pub const MAX_SERIES_COUNT: u32 = 200;

/// The sessions of a series: from `first_date` every `interval_days`, skipping public
/// holidays, until there are `count` of them — or fewer, if the calendar ends first.
pub fn expand_series(s: &Series) -> Vec<Session> {
    let count = s.count.min(MAX_SERIES_COUNT) as usize;
    let mut out = Vec::with_capacity(count);
    let mut date = s.first_date;
    let step = Duration::days(i64::from(s.interval_days.max(1)));
    while out.len() < count {
        if !is_public_holiday(date) {
            out.push(Session {
                date,
                start: s.start,
                end: s.end,
                origin: Default::default(),
            });
        }
        match date.checked_add_signed(step) {
            Some(next) => date = next,
            None => break,
        }
    }
    out
}

impl Request {
    /// All sessions of the request, in time order: its series expanded (public holidays
    /// skipped), or the sessions it lists. This is what a request *means*; the planner,
    /// the checker, the store and every output read sessions through here.
    pub fn all_sessions(&self) -> Vec<Session> {
        let mut v = match &self.series {
            Some(s) => expand_series(s),
            None => self.sessions.clone(),
        };
        v.sort_by_key(|s| (s.date, s.start, s.end));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Hm;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates_are_known() {
        assert_eq!(easter_sunday(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(date(2027, 3, 28)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
    }

    /// The dates of the probes that once panicked: year −390, year 0, and a series that
    /// runs past the last date chrono can hold.
    #[test]
    fn no_year_and_no_series_panics() {
        for y in [-390, 0, 1, 1582, 262_142, i32::MIN, i32::MAX] {
            let _ = public_holidays(y);
            assert!(easter_sunday(y).is_none_or(|d| d.year() == y));
        }
        let last = NaiveDate::MAX;
        let s = Series {
            first_date: last,
            start: Hm(600),
            end: Hm(720),
            count: 200,
            interval_days: 366,
        };
        assert!(expand_series(&s).len() <= 1);
        let early = Series {
            first_date: NaiveDate::from_ymd_opt(-390, 3, 1).unwrap(),
            ..s
        };
        assert_eq!(expand_series(&early).len(), 200);
    }

    #[test]
    fn holidays_of_2027() {
        let h = public_holidays(2027);
        for d in [
            date(2027, 1, 1),
            date(2027, 3, 25),
            date(2027, 3, 26),
            date(2027, 3, 28),
            date(2027, 3, 29),
            date(2027, 5, 1),
            date(2027, 5, 6),
            date(2027, 5, 16),
            date(2027, 5, 17),
            date(2027, 12, 25),
            date(2027, 12, 26),
        ] {
            assert!(h.contains(&d), "{d} should be a holiday");
        }
        assert!(!is_public_holiday(date(2027, 3, 24)));
        assert_eq!(h.len(), 12);
    }

    #[test]
    fn series_skips_holidays_and_keeps_its_count() {
        // Thursdays from 11 March 2027: 25 March is Maundy Thursday.
        let s = Series {
            first_date: date(2027, 3, 11),
            start: Hm(600),
            end: Hm(720),
            count: 4,
            interval_days: 7,
        };
        let dates: Vec<_> = expand_series(&s).iter().map(|s| s.date).collect();
        assert_eq!(
            dates,
            vec![
                date(2027, 3, 11),
                date(2027, 3, 18),
                date(2027, 4, 1),
                date(2027, 4, 8)
            ]
        );
    }
}
