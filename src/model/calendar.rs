//! Dates: Norwegian public holidays and the expansion of a series into its sessions.

use chrono::{Datelike, Duration, NaiveDate};

use super::{Request, Series, Session};

/// Easter Sunday of `year` (Gregorian), by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
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
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// The Norwegian public holidays of `year` (helligdager and the two national days).
pub fn public_holidays(year: i32) -> Vec<NaiveDate> {
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day).expect("fixed holiday is valid");
    let easter = easter_sunday(year);
    let rel = |days: i64| easter + Duration::days(days);
    vec![
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
}

/// True if `date` is a Norwegian public holiday.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    public_holidays(date.year()).contains(&date)
}

/// The sessions of a series: from `first_date` every `interval_days`, skipping public
/// holidays, until there are `count` of them.
pub fn expand_series(s: &Series) -> Vec<Session> {
    let mut out = Vec::with_capacity(s.count as usize);
    let mut date = s.first_date;
    let step = Duration::days(i64::from(s.interval_days.max(1)));
    while out.len() < s.count as usize {
        if !is_public_holiday(date) {
            out.push(Session {
                date,
                start: s.start,
                end: s.end,
                origin: Default::default(),
            });
        }
        date += step;
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
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
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
