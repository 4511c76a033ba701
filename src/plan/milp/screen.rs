//! The screens of `staffs` (docs/model.md §10): questions that settle whether a request
//! is staffed without every stage of the whole plan — stage 1's LP relaxation with the
//! request forced one way, stage 1 with a bonus for staffing it, and stage 1 with it
//! forced one way against a coverage. Each answers only what it proves; `milp` decides
//! when each is asked.

use good_lp::Constraint;

use super::Model;
use crate::plan::decompose::Component;
use crate::plan::eligibility::Eligibility;
use crate::plan::instance::Instance;
use crate::plan::outcome::Stage;
use crate::plan::params::Fairness;

/// The LP screen of `staffs` on its own (docs/model.md §10): `Some(answer)` when stage
/// 1's LP relaxation, with unit `r` forced the other way than in `warm` (pair indices of a
/// feasible rota, as for `staffs`), already tells, and `staffs` then solves no MILP;
/// `None` when it does not. For tests: `staffs` answers the same either way.
pub fn relaxation_tells(
    inst: &Instance,
    elig: &Eligibility,
    comp: &Component,
    warm: &[usize],
    r: usize,
) -> Option<bool> {
    let ry = comp.requests.binary_search(&r).ok()?;
    let model = Model::build(inst, elig, comp);
    let columns = model.start_from(inst, elig, comp, warm);
    relaxation_screen(inst, comp, &model, &columns, ry, inst.params.time_limit_s)
}

/// What stage 1 with a unit forced one way can reach, against a coverage.
#[derive(PartialEq)]
pub(super) enum Forced {
    /// Proven below it.
    Below,
    /// A rota reaching it was found.
    Reaches,
    /// Neither, in time.
    Unknown,
}

/// Whether stage 1 with `forced` held stays below the integer `coverage`: told by its LP
/// relaxation when that is below (`relaxed_below`), else by the MILP with the coverage as
/// its cut-off (`Model::reaches_coverage`). The screens' test that a forced rota cannot
/// reach the coverage.
pub(super) fn stays_below(
    model: &Model,
    forced: &[Constraint],
    coverage: f64,
    time_limit: f64,
) -> Forced {
    let relaxed = model.relaxed(Stage::Coverage, forced, time_limit);
    if relaxed.is_some_and(|bound| relaxed_below(bound, coverage)) {
        return Forced::Below;
    }
    match model.reaches_coverage(forced, coverage, time_limit) {
        Some(false) => Forced::Below,
        Some(true) => Forced::Reaches,
        None => Forced::Unknown,
    }
}

/// Whether an LP bound on the coverage proves every rota below the integer `coverage`:
/// coverage is a sum of integers, so any bound below it does; the margin is for the LP's
/// tolerances.
fn relaxed_below(bound: f64, coverage: f64) -> bool {
    bound < coverage - 1e-3 - 1e-6 * coverage.abs()
}

/// Stage 1's LP relaxation with unit `ry` forced the other way than in `warm` (the
/// columns of greedy's rota, from which stage 1 starts and so reaches at least its
/// coverage w): an optimum below w means that no rota stage 1 can end in has r that way,
/// and the answer is the warm start's (`Some(staffed)`); `None` when it does not tell, and
/// when stage 0 comes first (it changes what stage 1 may reach).
pub(super) fn relaxation_screen(
    inst: &Instance,
    comp: &Component,
    model: &Model,
    warm: &[f64],
    ry: usize,
    time_limit: f64,
) -> Option<bool> {
    if model.f.is_some() && inst.params.fairness == Fairness::First {
        return None;
    }
    let w = model.coverage_of(inst, comp, warm);
    let staffed = warm[model.y_column(ry)] > 0.5;
    let forced = model.forced(&[], ry, !staffed);
    let bound = model.relaxed(Stage::Coverage, &forced, time_limit)?;
    relaxed_below(bound, w).then_some(staffed)
}

/// What the first screen of `staffs` tells.
pub(super) enum Screen {
    /// Every rota of the best coverage staffs r (these pairs are one of them), or none
    /// does (no pairs).
    Answer(Vec<usize>),
    /// The best coverage can be had both with and without r.
    Tie,
    /// Not proven either way (in time, or within what stage 1's gap allows).
    Unknown,
}

/// Stage 1 with a bonus for staffing unit `ry` (`Model::solve_with_bonus`) and, where that
/// is not enough, stage 1 with `ry` forced out. With c the best coverage, the bonus
/// stage's bound B and its rota's coverage v:
/// - its rota does not staff r and B < v + bonus: c = v and no rota of coverage c staffs r;
/// - its rota staffs r and B < v + 1: c = v, and stage 1 with y(r) = 0 proven below c
///   means every rota of coverage c staffs r (reaching c, a tie).
///
/// The whole plan holds the coverage its own stage 1 reaches; solved to the gap g it can
/// stop one unit below c only when 1/(c − 1) ≤ g, so above c = 1/g the screen says
/// nothing.
pub(super) fn bonus_screen(
    inst: &Instance,
    comp: &Component,
    model: &Model,
    held: &[Constraint],
    ry: usize,
    time_limit: f64,
    gap: f64,
) -> Screen {
    let most = inst.units[comp.requests[ry]].most;
    let Ok((cols, rep)) = model.solve_with_bonus(ry, most, held, time_limit) else {
        return Screen::Unknown;
    };
    let v = (model.coverage_of(inst, comp, &cols) + 1e-6).floor();
    if v * gap >= 1.0 {
        return Screen::Unknown;
    }
    let staffed = cols[model.y_column(ry)] > 0.5;
    let step = 0.5 / f64::from(most.max(1));
    if !staffed {
        return if rep.bound < v + step - 1e-6 {
            Screen::Answer(Vec::new())
        } else {
            Screen::Unknown
        };
    }
    if rep.bound >= v + 1.0 - 1e-6 {
        return Screen::Unknown;
    }
    let forced = model.forced(held, ry, false);
    match stays_below(model, &forced, v, time_limit) {
        Forced::Below => Screen::Answer(model.chosen(comp, &cols)),
        Forced::Reaches => Screen::Tie,
        Forced::Unknown => Screen::Unknown,
    }
}
