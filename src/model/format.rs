//! The three kinds of help a request asks for (docs/model.md §2, §3): a themed course, a
//! drop-in help desk, one-to-one guidance — and the *parts* each is staffed in.
//!
//! A course is one part: the same instructors for every session. A drop-in and one-to-one
//! guidance are staffed session by session (a one-to-one session is a block of
//! appointments), so each session is a part of its own. Everything that reads which
//! sessions an assignment covers goes through `Request::part_sessions`.

use serde::{Deserialize, Serialize};

use super::{Request, Session};
use crate::i18n::Lang;

/// What kind of help a request asks for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A series with one set of instructors throughout (the default).
    #[default]
    Course,
    /// A help desk open at set hours, staffed session by session.
    DropIn,
    /// Blocks of appointments, one instructor with one senior per slot and desk.
    OneToOne,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["course", "drop_in", "one_to_one"];

    /// Reads a cell: the English names, with `-` for `_`, and the Norwegian ones.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_lowercase().replace('-', "_").as_str() {
            "" | "course" | "kurs" => Some(Format::Course),
            "drop_in" | "dropin" => Some(Format::DropIn),
            "one_to_one" | "veiledning" => Some(Format::OneToOne),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        Format::NAMES[self as usize]
    }

    /// What people call it.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Format::Course => lang.pick("kurs", "course"),
            Format::DropIn => lang.pick("drop-in", "drop-in"),
            Format::OneToOne => lang.pick("veiledning én til én", "one-to-one guidance"),
        }
    }

    pub fn is_course(&self) -> bool {
        *self == Format::Course
    }
}

/// One part of a request: what one set of instructors is assigned to.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// `None` for a course (all of it); the session's position (0-based) otherwise.
    pub index: Option<u32>,
    pub sessions: Vec<Session>,
}

impl Request {
    /// The languages the request is given in: the `language` cell split at `;`. A course
    /// and one-to-one guidance have one; a drop-in's staff must cover every one of them.
    pub fn languages(&self) -> Vec<&str> {
        self.language
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The parts the request is staffed in, in session order.
    pub fn parts(&self) -> Vec<Part> {
        let sessions = self.all_sessions();
        match self.format {
            Format::Course => vec![Part {
                index: None,
                sessions,
            }],
            Format::DropIn | Format::OneToOne => sessions
                .into_iter()
                .enumerate()
                .map(|(k, s)| Part {
                    index: Some(k as u32),
                    sessions: vec![s],
                })
                .collect(),
        }
    }

    /// The sessions of one part (`None`: the whole request), or nothing when the part does
    /// not exist (a stored rota read against other data).
    pub fn part_sessions(&self, part: Option<u32>) -> Vec<Session> {
        let all = self.all_sessions();
        match part {
            None => all,
            Some(k) => all.get(k as usize).cloned().into_iter().collect(),
        }
    }

    /// Whether `part` names a part of this request: `None` for a course, a session
    /// position for the other formats.
    pub fn has_part(&self, part: Option<u32>) -> bool {
        match (self.format, part) {
            (Format::Course, None) => true,
            (Format::Course, Some(_)) | (_, None) => false,
            (_, Some(k)) => (k as usize) < self.all_sessions().len(),
        }
    }

    /// The most instructors one part takes: k for a course and a drop-in, the desks for
    /// one-to-one guidance (one instructor per desk).
    pub fn staff_per_part(&self) -> u32 {
        match self.format {
            Format::OneToOne => self.desks.unwrap_or(1),
            _ => self.instructors_needed,
        }
    }

    /// Appointment slots one desk of a one-to-one block holds: ⌊(end − start) / slot⌋.
    pub fn slots_per_desk(&self, s: &Session) -> u32 {
        let len = (s.end.minutes() - s.start.minutes()).max(0);
        match self.slot_minutes {
            Some(m) if m > 0 => (len / i64::from(m)) as u32,
            _ => 0,
        }
    }

    /// What one staffing unit of a part is worth in stage 1, and in the fairness share
    /// (docs/model.md §3): per part staffed, p·n for a course and p for a drop-in session;
    /// per desk staffed, p·slots for a one-to-one block. Returns (p·amount, amount).
    pub fn worth(&self, part: &Part) -> (f64, f64) {
        let amount = match self.format {
            Format::Course | Format::DropIn => part.sessions.len() as f64,
            Format::OneToOne => part
                .sessions
                .iter()
                .map(|s| f64::from(self.slots_per_desk(s)))
                .sum(),
        };
        (f64::from(self.priority) * amount, amount)
    }

    /// "r40" for a course; "r40, 12.01.2027" for a part of the other formats.
    pub fn part_label(&self, part: Option<u32>) -> String {
        match part.and_then(|k| self.all_sessions().get(k as usize).cloned()) {
            Some(s) => format!("{}, {}", self.id, s.date.format("%d.%m.%Y")),
            None => self.id.clone(),
        }
    }
}
