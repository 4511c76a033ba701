//! "What would it take?": for an uncovered request, the smallest single changes that would
//! get it covered, each one confirmed by planning again with the change made.
//!
//! Three kinds of change are tried, cheapest to ask of volunteers first:
//! - raise a travel limit (the scenario's `max_km`, or one instructor's own) to the
//!   distance of a qualified instructor who is just out of reach;
//! - let one qualified instructor in range also be free at the request's times;
//! - drop one request that holds an instructor who could otherwise take this one.

use serde::{Deserialize, Serialize};

use crate::i18n::{Ids, Lang, Localized, Naming};
use crate::model::{Dataset, Hm, Slot};
use rayon::prelude::*;

use crate::plan::{self, Assignment, Eligibility, Instance, Params, Rule};

/// One change that, made alone, gets the request covered (confirmed by re-planning).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Fix {
    /// The scenario-wide limit raised to `km`.
    ScenarioMaxKm { km: f64 },
    /// One instructor's own travel limit raised to `km`.
    InstructorMaxKm { instructor: String, km: f64 },
    /// One instructor also free on these weekdays and hours.
    AlsoFree {
        instructor: String,
        slots: Vec<(String, Hm, Hm)>,
    },
    /// Another request dropped.
    DropRequest { request: String, priority: u8 },
}

impl Localized for Fix {
    /// The change with records named by their ids; a person reads `told`.
    fn localized(&self, lang: Lang) -> String {
        self.told(lang, &Ids)
    }
}

impl Fix {
    /// The change as a person reads it: instructors and requests named as `names` names
    /// them.
    pub fn told(&self, lang: Lang, names: &dyn Naming) -> String {
        match (self, lang) {
            (Fix::ScenarioMaxKm { km }, Lang::Nb) => {
                format!("dekket hvis reisegrensen for alle var {}", lang.km(*km, 0))
            }
            (Fix::ScenarioMaxKm { km }, Lang::En) => format!(
                "covered if everyone's travel limit were {}",
                lang.km(*km, 0)
            ),
            (Fix::InstructorMaxKm { instructor, km }, Lang::Nb) => format!(
                "dekket hvis {} ville reise {}",
                names.instructor(instructor),
                lang.km(*km, 0)
            ),
            (Fix::InstructorMaxKm { instructor, km }, Lang::En) => format!(
                "covered if {} would travel {}",
                names.instructor(instructor),
                lang.km(*km, 0)
            ),
            (Fix::AlsoFree { instructor, slots }, lang) => {
                let instructor = names.instructor(instructor);
                let list: Vec<String> = slots
                    .iter()
                    .map(|(d, a, b)| {
                        // The day is stored as the dataset's code (`wed`); people read
                        // their own language's name.
                        let day = crate::model::parse_weekday(d)
                            .map_or(d.as_str(), |w| lang.weekday_short(w));
                        format!("{day} {a}–{b}")
                    })
                    .collect();
                match lang {
                    Lang::Nb => format!(
                        "dekket hvis {instructor} også var ledig {}",
                        list.join(", ")
                    ),
                    Lang::En => {
                        format!("covered if {instructor} were also free {}", list.join(", "))
                    }
                }
            }
            (Fix::DropRequest { request, priority }, Lang::Nb) => format!(
                "dekket hvis forespørsel {} ble tatt ut (den har prioritet {priority})",
                names.request(request)
            ),
            (Fix::DropRequest { request, priority }, Lang::En) => format!(
                "covered if request {} were dropped (its priority is {priority})",
                names.request(request)
            ),
        }
    }
}

/// One candidate change: the fix as told, and the data and parameters with it made.
struct Candidate {
    fix: Fix,
    ds: Option<Dataset>,
    params: Option<Params>,
    /// What changed, so that the eligibility of the changed data can be made from the
    /// plan's own instead of from scratch.
    change: Change,
}

enum Change {
    /// One instructor's own fields (travel limit, free times).
    Instructor(usize),
    /// The units of one request left out.
    Dropped(std::ops::Range<usize>),
    /// The parameters (a scenario-wide limit): every pair is tested again.
    Everything,
}

/// The plan's data prepared once, so that asking for the fixes of many requests (all the
/// uncovered ones of a run) tests the eligibility of every pair once, not once per change.
pub struct WhatIf<'a> {
    inst: Instance<'a>,
    elig: Eligibility,
}

impl<'a> WhatIf<'a> {
    pub fn new(ds: &'a Dataset, params: &Params) -> Self {
        let inst = Instance::new(ds, params.clone());
        let elig = Eligibility::build(&inst);
        WhatIf { inst, elig }
    }

    /// The confirmed single changes that would cover `request` (see `fixes`).
    pub fn fixes(&self, (request, part): (&str, Option<u32>), rota: &[Assignment]) -> Vec<Fix> {
        let (ds, params) = (self.inst.ds, &self.inst.params);
        let Some(r) = self.inst.unit_of(request, part) else {
            return Vec::new();
        };
        let candidates = self.candidates(r, rota);
        let confirmed: Vec<bool> = candidates
            .par_iter()
            .map(|c| {
                let ds = c.ds.as_ref().unwrap_or(ds);
                let params = c.params.as_ref().unwrap_or(params);
                let inst = Instance::new(ds, params.clone());
                let Some(r) = inst.unit_of(request, part) else {
                    return false;
                };
                let elig = match &c.change {
                    Change::Instructor(i) => self.elig.retest_instructor(&inst, *i),
                    Change::Dropped(units) => self.elig.without_units(units.clone()),
                    Change::Everything => Eligibility::build(&inst),
                };
                plan::covers_unit(&inst, &elig, r)
            })
            .collect();
        let mut out: Vec<Fix> = Vec::new();
        for (c, yes) in candidates.into_iter().zip(confirmed) {
            if yes && !out.contains(&c.fix) {
                out.push(c.fix);
            }
        }
        out
    }
}

/// Candidates tried per kind of change (each one costs a re-plan).
const TRIES: usize = 4;

/// The confirmed single changes that would cover `request`, cheapest first within each
/// kind. `params` should carry a modest time limit: every candidate is re-planned (only
/// the request's component, `plan::covers_unit`, the candidates in parallel). `rota` is
/// the plan the request is uncovered in: its assignments name the requests worth dropping.
/// For many requests of one plan, `WhatIf` prepares the data once.
pub fn fixes(
    ds: &Dataset,
    params: &Params,
    (request, part): (&str, Option<u32>),
    rota: &[Assignment],
) -> Vec<Fix> {
    WhatIf::new(ds, params).fixes((request, part), rota)
}

impl WhatIf<'_> {
    fn candidates(&self, r: usize, rota: &[Assignment]) -> Vec<Candidate> {
        let (inst, elig) = (&self.inst, &self.elig);
        let (ds, params) = (inst.ds, &inst.params);
        let req = inst.request(r);
        let mut out = Vec::new();

        // Qualified = passes every static rule; sorted by distance.
        let static_rules =
            Rule::OptIn.bit() | Rule::Cluster.bit() | Rule::Topic.bit() | Rule::Language.bit();
        let mut qualified: Vec<(usize, f64)> = (0..inst.n_instructors())
            .filter(|&i| elig.mask(i, r) & static_rules == 0)
            .filter_map(|i| elig.km(i, r).map(|km| (i, km)))
            .collect();
        qualified.sort_by(|a, b| a.1.total_cmp(&b.1));

        // 1. Travel limits.
        for &(i, km) in qualified
            .iter()
            .filter(|&&(i, _)| elig.mask(i, r) & Rule::Distance.bit() != 0)
            .take(TRIES)
        {
            let ins = &ds.instructors[i];
            let needed = km.ceil();
            if params.max_km.is_some_and(|m| m < needed) && ins.max_km >= km {
                out.push(Candidate {
                    fix: Fix::ScenarioMaxKm { km: needed },
                    ds: None,
                    params: Some(Params {
                        max_km: Some(needed),
                        ..params.clone()
                    }),
                    change: Change::Everything,
                });
            } else {
                let mut changed = ds.clone();
                changed.instructors[i].max_km = needed;
                out.push(Candidate {
                    fix: Fix::InstructorMaxKm {
                        instructor: ins.id.clone(),
                        km: needed,
                    },
                    ds: Some(changed),
                    params: Some(Params {
                        max_km: params.max_km.map(|m| m.max(needed)),
                        ..params.clone()
                    }),
                    // A scenario limit raised with the instructor's changes every pair.
                    change: if params.max_km.is_some_and(|m| m < needed) {
                        Change::Everything
                    } else {
                        Change::Instructor(i)
                    },
                });
            }
        }

        // 2. Availability: in range, not free at the session times (not away).
        let in_range_unavailable = qualified.iter().filter(|&&(i, _)| {
            let m = elig.mask(i, r);
            m & Rule::Distance.bit() == 0
                && m & Rule::Availability.bit() != 0
                && m & Rule::Blackout.bit() == 0
        });
        for &(i, _) in in_range_unavailable.take(TRIES) {
            let minutes = elig_minutes(inst, i, r);
            let mut slots: Vec<(chrono::Weekday, Hm, Hm)> = Vec::new();
            for s in &inst.sessions[r] {
                use chrono::Datelike;
                let from = Hm((s.start.minutes() - minutes).max(0) as u16);
                let to = Hm((s.end.minutes() + minutes).min(24 * 60) as u16);
                let slot = (s.date.weekday(), from, to);
                if !slots.contains(&slot) {
                    slots.push(slot);
                }
            }
            let mut changed = ds.clone();
            changed.instructors[i].availability.extend(slots.iter().map(
                |&(weekday, start, end)| Slot {
                    weekday,
                    start,
                    end,
                    origin: Default::default(),
                },
            ));
            out.push(Candidate {
                fix: Fix::AlsoFree {
                    instructor: ds.instructors[i].id.clone(),
                    slots: slots
                        .iter()
                        .map(|&(w, a, b)| (crate::model::weekday_code(w).to_string(), a, b))
                        .collect(),
                },
                ds: Some(changed),
                params: None,
                change: Change::Instructor(i),
            });
        }

        // 3. Drop a request that holds an eligible instructor (lowest priority first).
        let eligible: Vec<&str> = elig.by_request[r]
            .iter()
            .map(|&p| ds.instructors[elig.pairs[p].i].id.as_str())
            .collect();
        let mut holders: Vec<(u8, String)> = rota
            .iter()
            .filter(|a| eligible.contains(&a.instructor.as_str()) && a.request != req.id)
            .filter_map(|a| {
                ds.requests
                    .iter()
                    .find(|x| x.id == a.request)
                    .map(|x| (x.priority, x.id.clone()))
            })
            .collect();
        holders.sort();
        holders.dedup();
        for (priority, other) in holders.into_iter().take(TRIES) {
            let Some(units) = inst.request_index.get(other.as_str()) else {
                continue;
            };
            let dropped = units[0]..units[units.len() - 1] + 1;
            let mut changed = ds.clone();
            changed.requests.retain(|x| x.id != other);
            out.push(Candidate {
                fix: Fix::DropRequest {
                    request: other,
                    priority,
                },
                ds: Some(changed),
                params: None,
                change: Change::Dropped(dropped),
            });
        }
        out
    }
}

/// One-way minutes from instructor `i` to request `r` (computed whatever the rules say).
fn elig_minutes(inst: &Instance, i: usize, r: usize) -> i64 {
    i64::from(inst.travel_of(i, r).minutes)
}
