//! Clock times and weekdays as the dataset writes them.

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A local clock time (Europe/Oslo), minutes after midnight.
///
/// Sessions and availability slots are compared minute by minute, so an integer is both
/// exact and cheap; `24:00` is allowed as the end of a slot that lasts until midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hm(pub u16);

impl Hm {
    pub const MIDNIGHT_END: Hm = Hm(24 * 60);

    pub fn minutes(self) -> i64 {
        i64::from(self.0)
    }

    pub fn hour_minute(self) -> (u32, u32) {
        (u32::from(self.0 / 60), u32::from(self.0 % 60))
    }
}

impl FromStr for Hm {
    type Err = ();
    /// Parses `HH:MM` (or `H:MM`, and `HH:MM:SS` with zero seconds), from 00:00 to 24:00.
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim();
        let mut parts = s.split(':');
        let h: u16 = parts.next().ok_or(())?.parse().map_err(|_| ())?;
        let m_str = parts.next().ok_or(())?;
        if m_str.len() != 2 {
            return Err(());
        }
        let m: u16 = m_str.parse().map_err(|_| ())?;
        if let Some(sec) = parts.next()
            && sec != "00"
        {
            return Err(());
        }
        if parts.next().is_some() || m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(());
        }
        Ok(Hm(h * 60 + m))
    }
}

impl fmt::Display for Hm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for Hm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|_| serde::de::Error::custom(format!("'{s}' is not a time (expected HH:MM)")))
    }
}

/// Parses a weekday as the dataset writes it: `mon`…`sun`, Norwegian `man`…`søn`, or the
/// full English or Norwegian name, in any case.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_lowercase();
    let w = match s.as_str() {
        "mon" | "monday" | "man" | "mandag" => Weekday::Mon,
        "tue" | "tuesday" | "tir" | "tirsdag" => Weekday::Tue,
        "wed" | "wednesday" | "ons" | "onsdag" => Weekday::Wed,
        "thu" | "thursday" | "tor" | "torsdag" => Weekday::Thu,
        "fri" | "friday" | "fre" | "fredag" => Weekday::Fri,
        "sat" | "saturday" | "lør" | "lørdag" | "lor" | "lordag" => Weekday::Sat,
        "sun" | "sunday" | "søn" | "søndag" | "son" | "sondag" => Weekday::Sun,
        _ => return None,
    };
    Some(w)
}

/// The dataset's own short name of a weekday (`mon`…`sun`).
pub fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// Serde for weekdays in the dataset's own notation.
pub mod weekday_serde {
    use super::*;

    pub fn serialize<S: Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(weekday_code(*w))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let s = String::deserialize(d)?;
        parse_weekday(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("'{s}' is not a weekday (expected mon…sun)"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_clock_times() {
        assert_eq!("10:30".parse::<Hm>(), Ok(Hm(630)));
        assert_eq!("9:05".parse::<Hm>(), Ok(Hm(545)));
        assert_eq!("24:00".parse::<Hm>(), Ok(Hm::MIDNIGHT_END));
        assert_eq!("10:30:00".parse::<Hm>(), Ok(Hm(630)));
        for bad in ["24:01", "10:60", "10", "1030", "10:5", "ti:00", ""] {
            assert!(bad.parse::<Hm>().is_err(), "{bad} should be rejected");
        }
        assert_eq!(Hm(545).to_string(), "09:05");
    }

    #[test]
    fn parses_weekdays_in_both_languages() {
        assert_eq!(parse_weekday("Man"), Some(Weekday::Mon));
        assert_eq!(parse_weekday("søn"), Some(Weekday::Sun));
        assert_eq!(parse_weekday("thu"), Some(Weekday::Thu));
        assert_eq!(parse_weekday("Lørdag"), Some(Weekday::Sat));
        assert_eq!(parse_weekday("funday"), None);
    }
}
