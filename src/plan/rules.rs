//! The names of the eligibility rules and hard constraints.
//!
//! Each rule is named exactly once, here. Eligibility records rejections with these names,
//! the independent checker reports violations with them, and explanations tell them to
//! coordinators: one vocabulary from the model to the user.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// An eligibility rule: instructor i may cover request r only if every rule holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// r's association takes part in clusters.
    OptIn,
    /// `fixed` (and `open` from a hub that does not lend): i's hub is the cluster of r's
    /// association.
    Cluster,
    /// r's topic is among i's topics.
    Topic,
    /// r's language is among i's languages.
    Language,
    /// travel_km(i, r) ≤ min(i.max_km, scenario max_km).
    Distance,
    /// Every session, widened by the travel time on both sides, lies inside a weekly slot.
    Availability,
    /// No session falls in one of i's blackout date ranges.
    Blackout,
    /// i has not declined r: a declined pair never comes back.
    Declined,
}

impl Rule {
    pub const ALL: [Rule; 8] = [
        Rule::OptIn,
        Rule::Cluster,
        Rule::Topic,
        Rule::Language,
        Rule::Distance,
        Rule::Availability,
        Rule::Blackout,
        Rule::Declined,
    ];

    /// The rule's bit in a rejection mask.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The rule's human name, as the checker and explanations show it.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Rule::OptIn => lang.pick(
                "Foreningen er ikke med i klyngesamarbeid",
                "Association has not opted in",
            ),
            Rule::Cluster => lang.pick(
                "Utenfor foreningens klynge",
                "Outside the association's cluster",
            ),
            Rule::Topic => lang.pick("Underviser ikke emnet", "Does not teach the topic"),
            Rule::Language => lang.pick("Snakker ikke språket", "Does not speak the language"),
            Rule::Distance => lang.pick("For lang reisevei", "Too far to travel"),
            Rule::Availability => lang.pick(
                "Ikke ledig på kurstiden",
                "Not available at the session times",
            ),
            Rule::Blackout => lang.pick("Borte på en kursdato", "Away on a session date"),
            Rule::Declined => lang.pick("Har takket nei", "Has declined"),
        }
    }

    /// The rules whose bits are set in `mask`.
    pub fn in_mask(mask: u8) -> impl Iterator<Item = Rule> {
        Rule::ALL.into_iter().filter(move |r| mask & r.bit() != 0)
    }
}

/// A hard constraint of the planning model (docs/model.md, §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardConstraint {
    /// 1. A covered request has exactly k(r) instructors; an uncovered one none.
    Staffing,
    /// An assignment must pass every eligibility rule.
    Eligibility,
    /// 2. No instructor is in two places at once.
    Overlap,
    /// 3. At most max_sessions_per_week sessions in an ISO week.
    WeeklySessions,
    /// 3. At most max_hours_per_week hours (teaching plus round-trip travel) in an ISO week.
    WeeklyHours,
    /// 3. At most max_sessions_total sessions in all.
    TotalSessions,
    /// 4. A hub lends at most lend_cap_sessions sessions outside its cluster (open mode).
    LendingCap,
    /// 5. While clusters are proposed, one small association's instructors come from one hub.
    OneHub,
    /// 1a. A staffed drop-in session in several languages has a speaker of each.
    LanguageCover,
    /// An instructor's "no" is law: a declined pair is never in a rota again.
    DeclinedProposed,
    /// An instructor's "yes" is law: an accepted pair stays in every later rota.
    AcceptedDropped,
}

impl HardConstraint {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            HardConstraint::Staffing => {
                lang.pick("Feil antall instruktører", "Wrong number of instructors")
            }
            HardConstraint::Eligibility => {
                lang.pick("Instruktøren kan ikke ta kurset", "Instructor not eligible")
            }
            HardConstraint::Overlap => lang.pick(
                "Instruktør to steder samtidig",
                "Instructor in two places at once",
            ),
            HardConstraint::WeeklySessions => {
                lang.pick("For mange økter i en uke", "Too many sessions in a week")
            }
            HardConstraint::WeeklyHours => {
                lang.pick("For mange timer i en uke", "Too many hours in a week")
            }
            HardConstraint::TotalSessions => {
                lang.pick("For mange økter totalt", "Too many sessions in all")
            }
            HardConstraint::LendingCap => lang.pick(
                "Hubens utlånsgrense overskredet",
                "Hub's lending cap exceeded",
            ),
            HardConstraint::LanguageCover => lang.pick(
                "Ingen på vakt snakker et av språkene",
                "Nobody on duty speaks one of the languages",
            ),
            HardConstraint::OneHub => lang.pick(
                "Foreningen får hjelp fra flere huber",
                "Association helped by more than one hub",
            ),
            HardConstraint::DeclinedProposed => lang.pick(
                "Avslått tildeling foreslått igjen",
                "Declined assignment proposed again",
            ),
            HardConstraint::AcceptedDropped => {
                lang.pick("Bekreftet tildeling fjernet", "Accepted assignment dropped")
            }
        }
    }
}
