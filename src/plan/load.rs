//! What assignments cost an instructor per ISO week: sessions, and hours of teaching plus
//! one round trip per venue and day (docs/model.md §3). `Load` is one instructor's rota as
//! the weekly limits see it (greedy, explanations); `trips` groups the round trips an
//! instructor's eligible pairs may make, for the MILP. The checker counts for itself.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::conflicts::{maximal_cliques, pairs_clash};
use super::eligibility::{Eligibility, Pair};
use super::instance::{Instance, iso_week};

/// One instructor's rota as the weekly limits see it.
#[derive(Clone, Debug, Default)]
pub struct Load {
    /// Per ISO week: sessions, and minutes of teaching and travel.
    weeks: BTreeMap<u32, (u32, i64)>,
    /// The (venue, date) round trips made so far.
    trips: BTreeSet<(usize, NaiveDate)>,
}

impl Load {
    /// The load of the pairs `pairs` (of one instructor).
    pub fn of<'a>(inst: &Instance, pairs: impl IntoIterator<Item = &'a Pair>) -> Load {
        let mut load = Load::default();
        for p in pairs {
            load.add(inst, p);
        }
        load
    }

    /// Adds pair `p` (of this load's instructor).
    pub fn add(&mut self, inst: &Instance, p: &Pair) {
        for (w, (n, minutes)) in self.extra(inst, p) {
            let e = self.weeks.entry(w).or_default();
            e.0 += n;
            e.1 += minutes;
        }
        for s in &inst.sessions[p.r] {
            self.trips.insert((inst.venue[p.r], s.date));
        }
    }

    /// Per ISO week of `p`'s sessions: the sessions and the hours (teaching and travel) with
    /// `p` added.
    pub fn with(&self, inst: &Instance, p: &Pair) -> BTreeMap<u32, (u32, f64)> {
        self.extra(inst, p)
            .into_iter()
            .map(|(w, (n, minutes))| {
                let (n0, minutes0) = self.weeks.get(&w).copied().unwrap_or_default();
                (w, (n0 + n, (minutes0 + minutes) as f64 / 60.0))
            })
            .collect()
    }

    /// Per ISO week of `p`'s sessions: the sessions and minutes `p` adds — its teaching, and a
    /// round trip for each venue-day not travelled to yet.
    fn extra(&self, inst: &Instance, p: &Pair) -> BTreeMap<u32, (u32, i64)> {
        let mut weeks: BTreeMap<u32, (u32, i64)> = BTreeMap::new();
        let mut new_trips = BTreeSet::new();
        let v = inst.venue[p.r];
        for s in &inst.sessions[p.r] {
            let e = weeks.entry(iso_week(s.date)).or_default();
            e.0 += 1;
            e.1 += s.end.minutes() - s.start.minutes();
            if !self.trips.contains(&(v, s.date)) && new_trips.insert(s.date) {
                e.1 += 2 * i64::from(p.travel.minutes);
            }
        }
        weeks
    }
}

/// Per ISO week: the sessions of request `r` and their teaching hours (travel apart).
pub fn weekly_teaching(inst: &Instance, r: usize) -> BTreeMap<u32, (u32, f64)> {
    let mut weeks: BTreeMap<u32, (u32, f64)> = BTreeMap::new();
    for s in &inst.sessions[r] {
        let e = weeks.entry(iso_week(s.date)).or_insert((0, 0.0));
        e.0 += 1;
        e.1 += (s.end.minutes() - s.start.minutes()) as f64 / 60.0;
    }
    weeks
}

/// Round trips that an instructor may make to one venue: the dates on which exactly the
/// pairs `pairs` (sorted, of one instructor) have a session there.
pub struct Trip {
    pub pairs: Vec<usize>,
    /// The maximal sets of `pairs` of which the instructor can take at most one (pairwise
    /// in conflict, or together over a session limit); every pair is in at least one.
    pub one_of: Vec<Vec<usize>>,
    pub dates: Vec<NaiveDate>,
    /// One-way travel to the venue (equal for all of `pairs`).
    pub km: f64,
    pub minutes: u32,
}

/// The venue-days (v, D) of instructor `i`'s eligible pairs, those at one venue with the same
/// set G(i,v,D) together (docs/model.md §5).
pub fn trips(inst: &Instance, elig: &Eligibility, i: usize) -> Vec<Trip> {
    let mut days: BTreeMap<(usize, NaiveDate), Vec<usize>> = BTreeMap::new();
    for &p in &elig.by_instructor[i] {
        let r = elig.pairs[p].r;
        for s in &inst.sessions[r] {
            let on = days.entry((inst.venue[r], s.date)).or_default();
            if on.last() != Some(&p) {
                on.push(p);
            }
        }
    }
    let mut grouped: BTreeMap<(usize, Vec<usize>), Vec<NaiveDate>> = BTreeMap::new();
    for ((v, date), mut pairs) in days {
        pairs.sort_unstable();
        grouped.entry((v, pairs)).or_default().push(date);
    }
    let ins = &inst.ds.instructors[i];
    // Sessions per ISO week of each pair of i.
    let weekly: BTreeMap<usize, BTreeMap<u32, (u32, f64)>> = elig.by_instructor[i]
        .iter()
        .map(|&p| (p, weekly_teaching(inst, elig.pairs[p].r)))
        .collect();
    // Whether i can never take both: a conflict, or over a session limit together.
    let incompatible = |p: usize, q: usize| {
        let (a, b) = (&elig.pairs[p], &elig.pairs[q]);
        let over_total = ins
            .max_sessions_total
            .is_some_and(|t| inst.sessions[a.r].len() + inst.sessions[b.r].len() > t as usize);
        let over_week = match (weekly.get(&p), weekly.get(&q)) {
            (Some(wa), Some(wb)) => wa.iter().any(|(w, &(n, _))| {
                wb.get(w)
                    .is_some_and(|&(m, _)| n + m > ins.max_sessions_per_week)
            }),
            _ => false,
        };
        over_total || over_week || pairs_clash(inst, a, b)
    };
    grouped
        .into_iter()
        .map(|((_, pairs), dates)| {
            let travel = elig.pairs[pairs[0]].travel;
            let apart: Vec<Vec<bool>> = pairs
                .iter()
                .map(|&p| {
                    pairs
                        .iter()
                        .map(|&q| p != q && incompatible(p, q))
                        .collect()
                })
                .collect();
            let one_of = maximal_cliques(&apart, 256)
                .unwrap_or_else(|| (0..pairs.len()).map(|k| vec![k]).collect())
                .into_iter()
                .map(|c| c.into_iter().map(|k| pairs[k]).collect())
                .collect();
            Trip {
                pairs,
                one_of,
                dates,
                km: travel.km,
                minutes: travel.minutes,
            }
        })
        .collect()
}
