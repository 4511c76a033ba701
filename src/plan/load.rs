//! What an assignment costs an instructor per ISO week: sessions, and hours of teaching
//! plus round-trip travel. Used by the MILP and the greedy baseline (the checker counts
//! for itself).

use std::collections::BTreeMap;

use super::eligibility::Pair;
use super::instance::{Instance, iso_week};

/// Per ISO week: (sessions, hours) that pair `p` adds to its instructor.
pub fn weekly_load(inst: &Instance, p: &Pair) -> BTreeMap<u32, (u32, f64)> {
    let mut weeks: BTreeMap<u32, (u32, f64)> = BTreeMap::new();
    let travel_min = 2 * i64::from(p.travel.minutes);
    for s in &inst.sessions[p.r] {
        let e = weeks.entry(iso_week(s.date)).or_insert((0, 0.0));
        e.0 += 1;
        e.1 += (s.end.minutes() - s.start.minutes() + travel_min) as f64 / 60.0;
    }
    weeks
}
