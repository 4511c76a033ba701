//! The domain: associations, instructors, course requests and travel data, as a coordinator
//! describes them, plus the validation that every dataset passes before it is planned.
//!
//! Nothing here does I/O. The readers in `ingest` build these types and remember where each
//! record came from (`Origin`), so that validation can point at a file and a line.

pub mod calendar;
mod format;
mod offer_time;
mod problem;
mod time;
mod validate;

pub use format::{Format, Part};
pub use offer_time::{OfferDay, OfferTime};
pub use problem::{Problem, ProblemKind, Problems, shorten};
pub use time::{Hm, parse_weekday, weekday_code, weekday_serde};
pub use validate::{MESSAGE_LANGS, is_language_code, is_plausible_email, validate};

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Where a record came from: a file and, for CSV, its line (1 is the header).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<u64>,
}

impl Origin {
    pub fn new(file: impl Into<String>, line: Option<u64>) -> Self {
        Origin {
            file: file.into(),
            line,
        }
    }
}

/// A point on WGS84.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// A hub lends instructors; a small association asks for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssociationKind {
    Hub,
    Small,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Association {
    pub id: String,
    pub name: String,
    pub kind: AssociationKind,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub municipality: String,
    /// Takes part in clusters at all; a small association that has not opted in gets no one.
    #[serde(default = "yes")]
    pub opt_in: bool,
    /// The hub this association's cluster belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// A hub's instructors may help outside its own cluster in `open` mode (default yes).
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub lends: bool,
    /// A hub lends at most this many sessions per term outside its own cluster (`open`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lend_cap_sessions: Option<u32>,
    /// Where messages about the rota go (optional): an e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The language of those messages: `nb` (the default) or `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

fn yes() -> bool {
    true
}

fn is_yes(v: &bool) -> bool {
    *v
}

impl Association {
    pub fn location(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }
}

/// A weekly window in which an instructor can be away from home (teaching plus travel).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    #[serde(with = "weekday_serde")]
    pub weekday: Weekday,
    pub start: Hm,
    pub end: Hm,
    #[serde(skip)]
    pub origin: Origin,
}

/// Dates (inclusive) on which an instructor cannot teach at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Blackout {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instructor {
    pub id: String,
    pub name: String,
    /// The home association; always a hub.
    pub association: String,
    /// Home location; `None` means "lives at the hub".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    pub topics: Vec<String>,
    pub languages: Vec<String>,
    /// Languages the instructor is willing to be trained to teach in (training advice may
    /// propose one; planning never uses them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub willing_languages: Vec<String>,
    /// One-way travel limit in km.
    pub max_km: f64,
    /// One-way travel limit in minutes (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_minutes: Option<u32>,
    pub max_sessions_per_week: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_sessions_total: Option<u32>,
    /// Teaching plus travel time, in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hours_per_week: Option<f64>,
    #[serde(default)]
    pub availability: Vec<Slot>,
    #[serde(default)]
    pub blackouts: Vec<Blackout>,
    /// Where messages about the rota go (optional): an e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The language of those messages: `nb` (the default) or `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// One meeting of a course, in local time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Session {
    pub date: NaiveDate,
    #[schema(value_type = String, pattern = "^[0-9]{1,2}:[0-5][0-9]$", examples("10:00"))]
    pub start: Hm,
    #[schema(value_type = String, pattern = "^[0-9]{1,2}:[0-5][0-9]$", examples("12:00"))]
    pub end: Hm,
    #[serde(skip)]
    pub origin: Origin,
}

/// A weekly (or other interval) series of sessions; see `calendar` for how holidays
/// are skipped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Series {
    pub first_date: NaiveDate,
    #[schema(value_type = String, pattern = "^[0-9]{1,2}:[0-5][0-9]$", examples("10:00"))]
    pub start: Hm,
    #[schema(value_type = String, pattern = "^[0-9]{1,2}:[0-5][0-9]$", examples("12:00"))]
    pub end: Hm,
    pub count: u32,
    pub interval_days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: String,
    /// The requesting association; always a small one.
    pub association: String,
    pub topic: String,
    /// ISO 639-1; a drop-in may list several, separated by `;` (`Request::languages`).
    pub language: String,
    /// Per part (`Request::parts`): k for a course or a drop-in session; 1 for one-to-one
    /// guidance, whose parallel instructors are its `desks`.
    pub instructors_needed: u32,
    /// Course (the default), drop-in or one-to-one guidance (docs/model.md §2).
    #[serde(default, skip_serializing_if = "Format::is_course")]
    pub format: Format,
    /// One-to-one guidance: the length of one appointment, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_minutes: Option<u32>,
    /// One-to-one guidance: parallel desks, one instructor each (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desks: Option<u32>,
    /// 1 = low … 5 = high.
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// Sessions listed one by one (instead of a series).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<Session>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_lon: Option<f64>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A measured travel figure that overrides the geodesic estimate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TravelRow {
    /// An instructor id or a hub id.
    pub from: String,
    /// An association id.
    pub to: String,
    pub km: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A named point of the road and ferry network (`places.csv`): a ferry quay, a
/// crossroads. Association ids are places too, without being listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(skip)]
    pub origin: Origin,
}

/// A two-way road or ferry link between two places (`network.csv`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkEdge {
    /// A place id or an association id.
    pub from: String,
    pub to: String,
    pub km: f64,
    /// Driving or sailing time, whole minutes.
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ferry: bool,
    /// A ferry's mean wait, added to `minutes` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<u32>,
    #[serde(skip)]
    pub origin: Origin,
}

impl NetworkEdge {
    /// What the edge costs a traveller: its minutes plus any mean wait.
    pub fn total_minutes(&self) -> u32 {
        self.minutes.saturating_add(self.wait_minutes.unwrap_or(0))
    }
}

/// What kind of help another offer gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    Course,
    DropIn,
    OneToOne,
    Cafe,
}

impl OfferKind {
    pub const NAMES: [&'static str; 4] = ["course", "drop_in", "one_to_one", "cafe"];

    pub fn parse(s: &str) -> Option<OfferKind> {
        match s.trim().to_lowercase().as_str() {
            "course" | "kurs" => Some(OfferKind::Course),
            "drop_in" | "drop-in" | "dropin" => Some(OfferKind::DropIn),
            "one_to_one" | "one-to-one" | "veiledning" => Some(OfferKind::OneToOne),
            "cafe" | "café" | "kafe" | "kafé" => Some(OfferKind::Cafe),
            _ => None,
        }
    }

    /// What people call it.
    pub fn name(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            OfferKind::Course => lang.pick("kurs", "course"),
            OfferKind::DropIn => lang.pick("drop-in", "drop-in"),
            OfferKind::OneToOne => lang.pick("veiledning én til én", "one-to-one guidance"),
            OfferKind::Cafe => lang.pick("datakafé", "digital café"),
        }
    }
}

/// Another offer of help in a municipality — a library drop-in, a data café, another
/// organisation's course — where klynge refers a senior it has no instructor for
/// ("henvis, aldri avvis": refer, never reject).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub id: String,
    /// Who runs it: the library, an organisation.
    pub provider: String,
    pub kind: OfferKind,
    pub topics: Vec<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    #[serde(default)]
    pub municipality: String,
    pub lat: f64,
    pub lon: f64,
    /// When, as people say it: "tirsdager 10–12", "hver onsdag".
    #[serde(default)]
    pub when: String,
    /// When, to the minute (optional): weekly or on dates, for calendars and the overview.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<OfferTime>,
    /// A phone number or an address to ask.
    #[serde(default)]
    pub contact: String,
    /// A public web page.
    #[serde(default)]
    pub url: String,
    #[serde(skip)]
    pub origin: Origin,
}

impl Offer {
    pub fn location(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }
}

/// A venue (docs/model.md §3): a requesting association and the exact point where its
/// sessions are held. Two requests are at the same venue iff their `VenueId`s are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VenueId<'a> {
    pub association: &'a str,
    lat_bits: u64,
    lon_bits: u64,
}

/// Everything a plan is made from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub associations: Vec<Association>,
    pub instructors: Vec<Instructor>,
    pub requests: Vec<Request>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub travel: Vec<TravelRow>,
    /// Other offers in the municipalities, for referral (`offers.csv`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<Offer>,
    /// Named points of the road and ferry network (`places.csv`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    /// The road and ferry network (`network.csv`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network: Vec<NetworkEdge>,
}

impl Dataset {
    pub fn association(&self, id: &str) -> Option<&Association> {
        self.associations.iter().find(|a| a.id == id)
    }

    /// Where an instructor starts from: their own home, or their hub's location.
    pub fn home_of(&self, instructor: &Instructor) -> Option<LatLon> {
        match (instructor.lat, instructor.lon) {
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            _ => self
                .association(&instructor.association)
                .map(Association::location),
        }
    }

    /// Where a request's sessions are held: its own venue, or its association's location.
    pub fn venue_of(&self, request: &Request) -> Option<LatLon> {
        match (request.venue_lat, request.venue_lon) {
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            _ => self
                .association(&request.association)
                .map(Association::location),
        }
    }

    /// The venue of a request as an identity (docs/model.md §3): its association and the
    /// point where its sessions are held. Requests with equal venues share their travel.
    pub fn venue_id<'a>(&self, request: &'a Request) -> Option<VenueId<'a>> {
        let point = self.venue_of(request)?;
        Some(VenueId {
            association: &request.association,
            // `+ 0.0` makes −0° and 0° one point.
            lat_bits: (point.lat + 0.0).to_bits(),
            lon_bits: (point.lon + 0.0).to_bits(),
        })
    }

    /// The canonical JSON form of the dataset: what a run stores as its input snapshot.
    pub fn to_canonical_json(&self) -> String {
        serde_json::to_string(self).expect("a dataset always serializes")
    }
}
