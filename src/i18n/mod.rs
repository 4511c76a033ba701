//! The two languages every user-facing text exists in.
//!
//! klynge's users are volunteers, many of them seniors: Norwegian (bokmål) comes first,
//! English is the alternative. Texts stay next to the code that produces them, as a
//! `(bokmål, English)` pair, so that neither language can be forgotten.
//!
//! How numbers, dates, times, weeks and counts are written for a reader is in one place,
//! `format.rs`: every text a person reads goes through it, while machine outputs (JSON,
//! plain CSV, iCalendar) keep machine formats.

mod errors;
mod format;

use std::fmt;
use std::str::FromStr;

pub use errors::{foreign_error, io_error};
pub use format::Plural;

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

/// What people call the records the data names by id, for the texts a person reads:
/// instructors and associations by name, a request by its id with its association and
/// topic. Machine outputs (JSON, CSV) keep the ids. An id nobody names stays an id.
pub trait Naming {
    fn instructor<'a>(&'a self, id: &'a str) -> &'a str;
    fn association<'a>(&'a self, id: &'a str) -> &'a str;
    fn request<'a>(&'a self, id: &'a str) -> &'a str;
}

/// Names every record by its id (for texts that have no data at hand).
pub struct Ids;

impl Naming for Ids {
    fn instructor<'a>(&'a self, id: &'a str) -> &'a str {
        id
    }
    fn association<'a>(&'a self, id: &'a str) -> &'a str {
        id
    }
    fn request<'a>(&'a self, id: &'a str) -> &'a str {
        id
    }
}
