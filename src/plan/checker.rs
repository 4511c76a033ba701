//! The independent checker: re-verifies a rota against the data, knowing nothing of how
//! the optimiser built its constraints.
//!
//! It shares with the optimiser only the meaning of the input — series expansion
//! (`calendar`), travel figures (`travel`) and the names of the rules (`rules`) — and
//! re-implements every check in the most direct way: each rule per assignment, overlap
//! pairwise over all sessions, limits by counting per ISO week (with one round trip per
//! venue and day). `plan` runs it before
//! anything is written, `klynge check` runs it on stored rotas, and the tests run it on
//! every rota they make.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::model::{Dataset, Format, LatLon, Session};
use crate::travel::{TravelModel, TravelParams};

use super::outcome::Held;
use super::params::{Answers, ClusterMode};
use super::rules::{HardConstraint, Rule};

/// A venue as the checker tells venues apart: the requesting association and the point
/// (latitude and longitude bits) where the sessions are held.
type Venue<'a> = (&'a str, u64, u64);

/// A part as the checker names it: the request's index and the part (none for a course).
type PartKey = (usize, Option<u32>);

/// What the checker needs to know about the scenario.
#[derive(Clone, Debug)]
pub struct CheckScenario {
    pub max_km: Option<f64>,
    /// Scenario-wide one-way limit in minutes (on top of each instructor's own).
    pub max_minutes: Option<u32>,
    pub travel: TravelParams,
    pub cluster_mode: ClusterMode,
    /// The instructors' answers the rota must honour.
    pub answers: Answers,
}

/// One violated rule or constraint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub constraint: HardConstraint,
    /// For `Eligibility`: which rule.
    pub rule: Option<Rule>,
    pub request: Option<String>,
    pub instructor: Option<String>,
    pub detail: String,
}

impl Violation {
    /// The violation with records named by their ids (the checker's own report).
    pub fn render(&self, lang: Lang) -> String {
        self.told(lang, &crate::i18n::Ids)
    }

    /// The violation as a person reads it: the instructor and the request named as
    /// `names` names them.
    pub fn told(&self, lang: Lang, names: &dyn crate::i18n::Naming) -> String {
        let mut out = self.constraint.name(lang).to_string();
        if let Some(rule) = self.rule {
            out.push_str(&format!(" ({})", rule.name(lang)));
        }
        let mut add = |what: &str, who: &str| out.push_str(&format!(" — {what} {who}"));
        if let Some(i) = &self.instructor {
            add(lang.pick("instruktør", "instructor"), names.instructor(i));
        }
        if let Some(r) = &self.request {
            add(lang.pick("forespørsel", "request"), names.request(r));
        }
        if !self.detail.is_empty() {
            out.push_str(": ");
            out.push_str(&localize_detail(&self.detail, lang));
        }
        out
    }
}

/// A violation's detail is written once, in figures (`2027-W03: 3 > 2`, `12.50 h > 10 h`);
/// for a reader its ISO weeks, decimals and hour marks are said in their language
/// (`uke 3 i 2027: 3 > 2`, `12,50 t > 10 t`).
fn localize_detail(detail: &str, lang: Lang) -> String {
    let words: Vec<String> = detail
        .split(' ')
        .map(|w| {
            let (core, colon) = match w.strip_suffix(':') {
                Some(c) => (c, ":"),
                None => (w, ""),
            };
            let shown = if core.contains("-W") {
                lang.week_code(core)
            } else if core == "h" {
                lang.pick("t", "h").to_owned()
            } else if let (Some((_, frac)), Ok(v)) = (core.split_once('.'), core.parse::<f64>()) {
                lang.number(v, frac.len())
            } else {
                core.to_owned()
            };
            format!("{shown}{colon}")
        })
        .collect();
    words.join(" ")
}

/// Checks a rota given as who holds what (request, part, instructor). Returns every
/// violation (empty when the rota is valid).
pub fn check(ds: &Dataset, scenario: &CheckScenario, assignments: &[Held]) -> Vec<Violation> {
    let mut out = answer_violations(ds, &scenario.answers, assignments);
    let travel = TravelModel::for_dataset(scenario.travel, ds);
    let requests: HashMap<&str, usize> = ds
        .requests
        .iter()
        .enumerate()
        .map(|(k, r)| (r.id.as_str(), k))
        .collect();
    let instructors: HashMap<&str, usize> = ds
        .instructors
        .iter()
        .enumerate()
        .map(|(k, i)| (i.id.as_str(), k))
        .collect();

    // Staffing, per part (docs/model.md §3): a course and a drop-in session have exactly k
    // distinct instructors, a one-to-one block at most one per desk; a part is all of a
    // course or one session of the other formats. A drop-in session in several languages
    // has a speaker of each.
    let mut staff: BTreeMap<(&str, Option<u32>), Vec<&str>> = BTreeMap::new();
    for h in assignments {
        staff
            .entry((h.request.as_str(), h.part))
            .or_default()
            .push(h.instructor.as_str());
    }
    for ((r, part), who) in &staff {
        let staffing = |detail: String| Violation {
            constraint: HardConstraint::Staffing,
            rule: None,
            request: Some(r.to_string()),
            instructor: None,
            detail,
        };
        let Some(&rk) = requests.get(r) else {
            out.push(staffing("unknown request / ukjent forespørsel".into()));
            continue;
        };
        let req = &ds.requests[rk];
        if !req.has_part(*part) {
            out.push(staffing(format!(
                "no part {part:?} of a {} / ingen del {part:?} av {}",
                req.format.name(Lang::En),
                req.format.name(Lang::Nb)
            )));
            continue;
        }
        let mut distinct = who.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let n = distinct.len();
        let wrong = match req.format {
            Format::OneToOne => n != who.len() || n > req.staff_per_part() as usize,
            Format::Course | Format::DropIn => {
                n != who.len() || n != req.instructors_needed as usize
            }
        };
        if wrong {
            let k = req.staff_per_part();
            out.push(staffing(format!("{n} of {k} / {n} av {k}")));
        }
        for l in req.languages().iter().filter(|_| req.languages().len() > 1) {
            let spoken = distinct.iter().any(|i| {
                instructors
                    .get(i)
                    .is_some_and(|&ik| ds.instructors[ik].languages.iter().any(|m| m == l))
            });
            if !spoken {
                out.push(Violation {
                    constraint: HardConstraint::LanguageCover,
                    rule: None,
                    request: Some(req.part_label(*part)),
                    instructor: None,
                    detail: (*l).to_owned(),
                });
            }
        }
    }

    // Eligibility, rule by rule; and each instructor's timeline for the later checks.
    // timeline[i] = (request, session, one-way minutes, venue)
    let mut timeline: BTreeMap<usize, Vec<(PartKey, Session, i64, Venue)>> = BTreeMap::new();
    for h in assignments {
        let (r, i) = (&h.request, &h.instructor);
        let (Some(&rk), Some(&ik)) = (requests.get(r.as_str()), instructors.get(i.as_str())) else {
            if !instructors.contains_key(i.as_str()) {
                out.push(Violation {
                    constraint: HardConstraint::Eligibility,
                    rule: None,
                    request: Some(r.clone()),
                    instructor: Some(i.clone()),
                    detail: "unknown instructor / ukjent instruktør".into(),
                });
            }
            continue;
        };
        let req = &ds.requests[rk];
        let ins = &ds.instructors[ik];
        let assoc = ds.association(&req.association);
        let home = match (ins.lat, ins.lon) {
            (Some(lat), Some(lon)) => LatLon { lat, lon },
            _ => ds
                .association(&ins.association)
                .map(|a| a.location())
                .unwrap_or(LatLon { lat: 0.0, lon: 0.0 }),
        };
        let venue = match (req.venue_lat, req.venue_lon) {
            (Some(lat), Some(lon)) => LatLon { lat, lon },
            _ => assoc
                .map(|a| a.location())
                .unwrap_or(LatLon { lat: 0.0, lon: 0.0 }),
        };
        let t = travel.travel(&ins.id, &ins.association, home, &req.association, venue);
        // A venue is the association and the point (docs/model.md §3); `+ 0.0` makes −0° and
        // 0° one point.
        let place: Venue = (
            req.association.as_str(),
            (venue.lat + 0.0).to_bits(),
            (venue.lon + 0.0).to_bits(),
        );
        let mut fail = |rule: Rule, detail: String| {
            out.push(Violation {
                constraint: HardConstraint::Eligibility,
                rule: Some(rule),
                request: Some(r.clone()),
                instructor: Some(i.clone()),
                detail,
            })
        };
        if !assoc.is_some_and(|a| a.opt_in) {
            fail(Rule::OptIn, req.association.clone());
        }
        // Outside the association's cluster: only in open mode, and only from a hub that
        // lends.
        let hub_lends = ds.association(&ins.association).is_none_or(|h| h.lends);
        let outside = match scenario.cluster_mode {
            ClusterMode::Fixed => true,
            ClusterMode::Open => !hub_lends,
            // Clusters being chosen: any hub, but one per association (below).
            ClusterMode::Proposed => false,
        };
        if outside && assoc.and_then(|a| a.cluster.as_deref()) != Some(ins.association.as_str()) {
            fail(
                Rule::Cluster,
                format!("{} → {}", ins.association, req.association),
            );
        }
        if !ins.topics.contains(&req.topic) {
            fail(Rule::Topic, req.topic.clone());
        }
        if !req
            .languages()
            .iter()
            .any(|l| ins.languages.iter().any(|m| m == l))
        {
            fail(Rule::Language, req.language.clone());
        }
        let limit = match scenario.max_km {
            Some(m) if m < ins.max_km => m,
            _ => ins.max_km,
        };
        if t.km > limit {
            fail(Rule::Distance, format!("{:.1} km > {limit} km", t.km));
        }
        // The minute limits are part of the same rule: the tighter of the two counts.
        let minute_limit = match (scenario.max_minutes, ins.max_minutes) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(limit) = minute_limit
            && t.minutes > limit
        {
            fail(Rule::Distance, format!("{} min > {limit} min", t.minutes));
        }
        let m = i64::from(t.minutes);
        for s in &req.part_sessions(h.part) {
            let leave = i64::from(s.start.0) - m;
            let back = i64::from(s.end.0) + m;
            let inside = ins.availability.iter().any(|a| {
                a.weekday == s.date.weekday()
                    && i64::from(a.start.0) <= leave
                    && back <= i64::from(a.end.0)
            });
            if !inside {
                fail(
                    Rule::Availability,
                    format!("{} {}–{}", s.date, s.start, s.end),
                );
            }
            if ins
                .blackouts
                .iter()
                .any(|b| s.date >= b.from && s.date <= b.to)
            {
                fail(Rule::Blackout, s.date.to_string());
            }
            timeline
                .entry(ik)
                .or_default()
                .push(((rk, h.part), s.clone(), m, place));
        }
    }

    // Lending caps (open mode): sessions each hub's instructors give outside its cluster.
    if scenario.cluster_mode == ClusterMode::Open {
        let mut lent: BTreeMap<&str, usize> = BTreeMap::new();
        for h in assignments {
            let (Some(&rk), Some(&ik)) = (
                requests.get(h.request.as_str()),
                instructors.get(h.instructor.as_str()),
            ) else {
                continue;
            };
            let hub = ds.instructors[ik].association.as_str();
            let cluster = ds
                .association(&ds.requests[rk].association)
                .and_then(|a| a.cluster.as_deref());
            if cluster != Some(hub) {
                *lent.entry(hub).or_default() += ds.requests[rk].part_sessions(h.part).len();
            }
        }
        for (hub, n) in lent {
            if let Some(cap) = ds.association(hub).and_then(|h| h.lend_cap_sessions)
                && n > cap as usize
            {
                out.push(Violation {
                    constraint: HardConstraint::LendingCap,
                    rule: None,
                    request: None,
                    instructor: None,
                    detail: format!("{hub}: {n} > {cap}"),
                });
            }
        }
    }

    // One hub per association while clusters are proposed.
    if scenario.cluster_mode == ClusterMode::Proposed {
        let mut hubs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for h in assignments {
            if let (Some(&rk), Some(&ik)) = (
                requests.get(h.request.as_str()),
                instructors.get(h.instructor.as_str()),
            ) {
                hubs.entry(ds.requests[rk].association.as_str())
                    .or_default()
                    .insert(ds.instructors[ik].association.as_str());
            }
        }
        for (small, hubs) in hubs.into_iter().filter(|(_, h)| h.len() > 1) {
            out.push(Violation {
                constraint: HardConstraint::OneHub,
                rule: None,
                request: None,
                instructor: None,
                detail: format!(
                    "{small}: {}",
                    hubs.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }

    // Overlap, weekly and total limits, per instructor.
    for (ik, items) in &timeline {
        let ins = &ds.instructors[*ik];
        let span = |s: &Session, m: i64| {
            let day = i64::from(s.date.num_days_from_ce()) * 24 * 60;
            (day + i64::from(s.start.0) - m, day + i64::from(s.end.0) + m)
        };
        for a in 0..items.len() {
            for b in a + 1..items.len() {
                let (ra, sa, ma, va) = &items[a];
                let (rb, sb, mb, vb) = &items[b];
                if ra == rb {
                    continue;
                }
                // At the same venue on the same day the instructor stays: the sessions
                // themselves must not overlap. Otherwise the trips must not.
                let stays = va == vb && sa.date == sb.date;
                let (a0, a1) = if stays { span(sa, 0) } else { span(sa, *ma) };
                let (b0, b1) = if stays { span(sb, 0) } else { span(sb, *mb) };
                if a0 < b1 && b0 < a1 {
                    out.push(Violation {
                        constraint: HardConstraint::Overlap,
                        rule: None,
                        request: Some(format!(
                            "{} + {}",
                            ds.requests[ra.0].part_label(ra.1),
                            ds.requests[rb.0].part_label(rb.1)
                        )),
                        instructor: Some(ins.id.clone()),
                        detail: format!(
                            "{} {}–{} / {} {}–{}",
                            sa.date, sa.start, sa.end, sb.date, sb.start, sb.end
                        ),
                    });
                }
            }
        }
        // Minutes per ISO week: every session's own, and one round trip per venue and day.
        let mut per_week: BTreeMap<(i32, u32), (u32, i64)> = BTreeMap::new();
        let mut trips: BTreeMap<(Venue, chrono::NaiveDate), i64> = BTreeMap::new();
        for (_, s, m, v) in items {
            let w = s.date.iso_week();
            let e = per_week.entry((w.year(), w.week())).or_default();
            e.0 += 1;
            e.1 += i64::from(s.end.0) - i64::from(s.start.0);
            let trip = trips.entry((*v, s.date)).or_default();
            *trip = (*trip).max(*m);
        }
        for ((_, date), m) in trips {
            let w = date.iso_week();
            per_week.entry((w.year(), w.week())).or_default().1 += 2 * m;
        }
        for ((year, week), (n, minutes)) in per_week {
            if n > ins.max_sessions_per_week {
                out.push(Violation {
                    constraint: HardConstraint::WeeklySessions,
                    rule: None,
                    request: None,
                    instructor: Some(ins.id.clone()),
                    detail: format!("{year}-W{week:02}: {n} > {}", ins.max_sessions_per_week),
                });
            }
            if let Some(h) = ins.max_hours_per_week
                && minutes as f64 / 60.0 > h + 1e-9
            {
                out.push(Violation {
                    constraint: HardConstraint::WeeklyHours,
                    rule: None,
                    request: None,
                    instructor: Some(ins.id.clone()),
                    detail: format!("{year}-W{week:02}: {:.2} h > {h} h", minutes as f64 / 60.0),
                });
            }
        }
        if let Some(t) = ins.max_sessions_total
            && items.len() > t as usize
        {
            out.push(Violation {
                constraint: HardConstraint::TotalSessions,
                rule: None,
                request: None,
                instructor: Some(ins.id.clone()),
                detail: format!("{} > {t}", items.len()),
            });
        }
    }
    out
}

/// Answers are law: every declined pair in the rota is a violation, and so is every
/// accepted pair missing from it (while its request and instructor are still in the data).
fn answer_violations(ds: &Dataset, answers: &Answers, assignments: &[Held]) -> Vec<Violation> {
    let mut out = Vec::new();
    // An answer is given to (request, instructor): all parts of a request in parts.
    let holds = |r: &str, i: &str| {
        assignments
            .iter()
            .any(|h| h.request == r && h.instructor == i)
    };
    for (r, i) in &answers.declined {
        if holds(r, i) {
            out.push(Violation {
                constraint: HardConstraint::DeclinedProposed,
                rule: None,
                request: Some(r.clone()),
                instructor: Some(i.clone()),
                detail: String::new(),
            });
        }
    }
    for (r, i) in &answers.accepted {
        let still_there =
            ds.requests.iter().any(|x| &x.id == r) && ds.instructors.iter().any(|x| &x.id == i);
        if still_there && !holds(r, i) {
            out.push(Violation {
                constraint: HardConstraint::AcceptedDropped,
                rule: None,
                request: Some(r.clone()),
                instructor: Some(i.clone()),
                detail: String::new(),
            });
        }
    }
    out
}
