//! One stage handed to HiGHS: the objective chosen, the held rows added, the options
//! set (one thread, a fixed seed, the gap, no sub-MIP heuristics; no feasibility jump in
//! a screen's MILP), the warm start given, and the answer read back as column values and
//! the stage's figures; or, for the screens of `staffs`, only the LP relaxation's optimum
//! (`relaxed`), or whether the stage can get below a cut-off (`beats`; for stage 1,
//! whether it reaches a coverage, `reaches_coverage`). Apart from the
//! model's rows (`build`), the order of the stages (`milp`) and the screens (`screen`).

use std::time::Instant;

use good_lp::{Constraint, Expression, SolverModel, highs};
use highs::HighsModelStatus;

use super::Model;
use crate::plan::outcome::{Stage, StageReport, StageStatus};

impl Model {
    /// Solves one stage from a warm start; returns the column values and the figures.
    pub(super) fn solve(
        &self,
        stage: Stage,
        extra: &[Constraint],
        time_limit: f64,
        gap: f64,
        warm: Option<&[f64]>,
    ) -> Result<(Vec<f64>, StageReport), String> {
        let objective = self.objective(stage);
        self.solve_as(stage, objective, extra, (time_limit, gap), warm, STAGE)
    }

    /// Whether stage 1 with `extra` held has a rota of coverage at least `coverage`:
    /// `Some(false)` when HiGHS proves there is none, `Some(true)` as soon as it finds one,
    /// `None` when it can tell neither in time. For a screen of `staffs`: its rota is never
    /// kept, so HiGHS may be tuned for speed (`SCREEN`); and with the coverage as a cut-off
    /// HiGHS stops as soon as its bound falls below it, instead of proving the optimum.
    pub(super) fn reaches_coverage(
        &self,
        extra: &[Constraint],
        coverage: f64,
        time_limit: f64,
    ) -> Option<bool> {
        // Minimise −coverage below −(coverage − 10⁻⁶): HiGHS's cut-off is one-sided.
        let objective = (-self.coverage.clone(), false);
        self.beats_with(objective, extra, 1e-6 - coverage, time_limit, SCREEN)
    }

    /// Stage 1 with a bonus of half a unit of coverage for staffing unit `ry` (half a
    /// desk's worth spread over a one-to-one block's desks): less than any difference in
    /// coverage, so the optimum has the most coverage and, among those rotas, one that
    /// staffs `ry` if any does (the first screen of `staffs`, docs/model.md §10). Solved to
    /// a gap of 0: the objective's values are multiples of the bonus's step, and only a
    /// bound below the next step answers.
    pub(super) fn solve_with_bonus(
        &self,
        ry: usize,
        most: u32,
        extra: &[Constraint],
        time_limit: f64,
    ) -> Result<(Vec<f64>, StageReport), String> {
        let objective = self.coverage.clone() + (0.5 / f64::from(most.max(1))) * self.y[ry];
        self.solve_as(
            Stage::Coverage,
            (objective, true),
            extra,
            (time_limit, 0.0),
            None,
            SCREEN,
        )
    }

    /// Solves `stage` with `objective` (the expression, and whether it is maximised),
    /// within the time limit and gap given, with the options `tuning` (`prepare`).
    fn solve_as(
        &self,
        stage: Stage,
        objective: (Expression, bool),
        extra: &[Constraint],
        (time_limit, gap): (f64, f64),
        warm: Option<&[f64]>,
        tuning: &[(&str, bool)],
    ) -> Result<(Vec<f64>, StageReport), String> {
        let started = Instant::now();
        let (mut model, offset) = self.prepare(objective, extra, (time_limit, gap), tuning)?;
        if let Some(w) = warm {
            let _ = model.try_set_solution(Some(w), None, None, None);
        }
        dump(&mut model, stage, warm);
        let solved = model.try_solve().map_err(|e| format!("{e:?}"))?;
        let status = match solved.status() {
            HighsModelStatus::Optimal
            | HighsModelStatus::ObjectiveBound
            | HighsModelStatus::ObjectiveTarget => StageStatus::Optimal,
            HighsModelStatus::ReachedTimeLimit
            | HighsModelStatus::ReachedIterationLimit
            | HighsModelStatus::ReachedSolutionLimit
            | HighsModelStatus::ReachedInterrupt
            | HighsModelStatus::ReachedMemoryLimit => StageStatus::TimeLimit,
            other => return Err(format!("HiGHS ended with status {other:?}")),
        };
        if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
            return Err("HiGHS found no feasible solution in time".into());
        }
        let objective = solved.objective_value() + offset;
        let bound = solved
            .double_info_value(c"mip_dual_bound")
            .map_or(objective, |b| b + offset);
        let gap = if status == StageStatus::Optimal && !solved.mip_gap().is_finite() {
            0.0
        } else {
            relative_gap(objective, bound)
        };
        let mut columns = solved.get_solution().columns().to_vec();
        // A stage other than 3 leaves u free above the x it covers, and one cut short may
        // too: the next stage starts from, and stage 3 is held at, the rota's own trips.
        self.tighten(&mut columns);
        let (objective, gap) = match stage {
            Stage::Travel if self.travel_of(&columns) < objective => {
                let tight = self.travel_of(&columns);
                (tight, relative_gap(tight, bound))
            }
            _ => (objective, gap),
        };
        Ok((
            columns,
            StageReport {
                stage,
                status,
                objective,
                bound,
                gap,
                seconds: started.elapsed().as_secs_f64(),
            },
        ))
    }

    /// A stage's objective, and whether it is maximised.
    fn objective(&self, stage: Stage) -> (Expression, bool) {
        match stage {
            Stage::Coverage => (self.coverage.clone(), true),
            Stage::Fairness | Stage::FairnessFirst => {
                (self.f.expect("fairness stage needs f").into(), true)
            }
            Stage::Repair => (
                self.changes
                    .clone()
                    .expect("repair stage needs the reference"),
                false,
            ),
            Stage::Travel => (self.travel.clone(), false),
            Stage::Balance => (self.z.into(), false),
        }
    }

    /// The HiGHS model with this model's rows and `extra`, the objective given (and
    /// whether it is maximised), and the options every stage is solved with, with
    /// `tuning` on top (`STAGE` or `SCREEN`); and the objective's constant, which HiGHS
    /// does not get from good_lp.
    fn prepare(
        &self,
        (objective_expr, maximise): (Expression, bool),
        extra: &[Constraint],
        (time_limit, gap): (f64, f64),
        tuning: &[(&str, bool)],
    ) -> Result<(highs::Model, f64), String> {
        let vars = self.vars.clone();
        // HiGHS gets no objective offset from good_lp: add the constant back ourselves.
        let offset = good_lp::IntoAffineExpression::constant(&objective_expr);
        let unsolved = if maximise {
            vars.maximise(objective_expr)
        } else {
            vars.minimise(objective_expr)
        };
        let problem = unsolved
            .using(highs)
            .with_all(self.constraints.iter().cloned())
            .with_all(extra.iter().cloned());
        let mut model = problem.try_into_inner().map_err(|e| e.to_string())?;
        model.make_quiet();
        model.set_option("time_limit", time_limit.max(0.05));
        model.set_option("mip_rel_gap", gap);
        model.set_option("threads", 1);
        model.set_option("random_seed", 7);
        for (option, on) in SUB_MIP_HEURISTICS.iter().chain(tuning) {
            // Speed only: a HiGHS that no longer knows one of them plans as before (the
            // test below notices the rename).
            let _ = model.try_set_option(*option, *on);
        }
        Ok((model, offset))
    }

    /// The optimum of the stage's LP relaxation with `extra` held (HiGHS
    /// `solve_relaxation`): a bound on every rota's objective, or `-∞` when the stage
    /// maximises and HiGHS proves the relaxation infeasible (`+∞` when it minimises);
    /// `None` when HiGHS cannot tell in time. The LP screen of `staffs` (docs/model.md
    /// §10).
    pub(super) fn relaxed(
        &self,
        stage: Stage,
        extra: &[Constraint],
        time_limit: f64,
    ) -> Option<f64> {
        let objective = self.objective(stage);
        let maximise = objective.1;
        let (mut model, offset) = self
            .prepare(objective, extra, (time_limit, 0.0), STAGE)
            .ok()?;
        model.try_set_option("solve_relaxation", true).ok()?;
        let solved = model.try_solve().ok()?;
        match solved.status() {
            HighsModelStatus::Optimal => Some(solved.objective_value() + offset),
            HighsModelStatus::Infeasible if maximise => Some(f64::NEG_INFINITY),
            HighsModelStatus::Infeasible => Some(f64::INFINITY),
            _ => None,
        }
    }

    /// Whether some solution of the stage, with `extra` held, has an objective below
    /// `cutoff` (a minimising stage): `Some(false)` when HiGHS proves there is none,
    /// `Some(true)` as soon as it finds one, `None` when it can tell neither in time. The
    /// stage-3 screen of `staffs` (docs/model.md §10).
    pub(super) fn beats(
        &self,
        stage: Stage,
        extra: &[Constraint],
        cutoff: f64,
        time_limit: f64,
    ) -> Option<bool> {
        // HiGHS's defaults, as for a stage: without the feasibility jump stage 3's screen
        // was no faster (the README's benchmark section).
        self.beats_with(self.objective(stage), extra, cutoff, time_limit, STAGE)
    }

    /// `beats` for any minimised objective, with the options `tuning` (`prepare`).
    fn beats_with(
        &self,
        objective: (Expression, bool),
        extra: &[Constraint],
        cutoff: f64,
        time_limit: f64,
        tuning: &[(&str, bool)],
    ) -> Option<bool> {
        debug_assert!(!objective.1, "the cut-off is for a minimised objective");
        let (mut model, offset) = self
            .prepare(objective, extra, (time_limit, 0.0), tuning)
            .ok()?;
        // HiGHS prunes everything at or above the bound, and declares the model infeasible
        // when nothing is left; one solution below it is all the question needs.
        model
            .try_set_option("objective_bound", cutoff - offset)
            .ok()?;
        let _ = model.try_set_option("mip_max_improving_sols", 1);
        let solved = model.try_solve().ok()?;
        let found = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
        match solved.status() {
            HighsModelStatus::Infeasible => Some(false),
            _ if found && solved.objective_value() + offset < cutoff => Some(true),
            _ => None,
        }
    }
}

/// Writes the stage's model as `KLYNGE_DUMP_MODELS/<columns>-<stage>.mps`, and its warm
/// start as `.start` (one column value per line), when that variable names a folder: a
/// developer's tool, to study a stage with highspy (numbers only, no names of people).
fn dump(model: &mut highs::Model, stage: Stage, warm: Option<&[f64]>) {
    let Some(dir) = std::env::var_os("KLYNGE_DUMP_MODELS") else {
        return;
    };
    let path =
        std::path::Path::new(&dir).join(format!("{}-{}.mps", model.num_cols(), stage.label()));
    if let Ok(path) = std::ffi::CString::new(path.to_string_lossy().as_bytes()) {
        // SAFETY: the pointer is the live model's, and the path a NUL-terminated string
        // that outlives the call.
        unsafe { highs_sys::Highs_writeModel(model.as_mut_ptr(), path.as_ptr()) };
    }
    if let Some(w) = warm {
        let text: String = w.iter().map(|v| format!("{v}\n")).collect();
        let _ = std::fs::write(
            std::path::Path::new(&dir).join(format!("{}-{}.start", w.len(), stage.label())),
            text,
        );
    }
}

/// The options of a stage beyond those of `prepare`: none. A stage's rota is what the
/// next stage starts from and what the plan keeps, so every stage is solved the same way
/// wherever it runs (the whole plan, or `staffs` for an explanation).
const STAGE: &[(&str, bool)] = &[];

/// The options of a screen's MILP, whose rota is never kept (a screen reads its bound,
/// its value and whether it staffs the request): without the feasibility jump heuristic,
/// which costs more than it saves there (docs/model.md §10; the README's benchmark
/// section has the measurements). Speed only: what a screen proves does not change.
const SCREEN: &[(&str, bool)] = &[("mip_heuristic_run_feasibility_jump", false)];

/// HiGHS's sub-MIP heuristics (RINS, RENS, root reduced cost), off in every stage. Each
/// stage starts from a rota (greedy's, or the previous stage's optimum) that these
/// heuristics rarely improve on, while they cost most of the time of the proof: on the
/// 1,000-instructor instance's largest component they made stage 4 take 28 s instead of
/// 9 s, and found nothing better (docs/model.md §6; the README's benchmark section has
/// the measurements). Only the speed of the proof changes, never what is proven.
const SUB_MIP_HEURISTICS: &[(&str, bool)] = &[
    ("mip_heuristic_run_rins", false),
    ("mip_heuristic_run_rens", false),
    ("mip_heuristic_run_root_reduced_cost", false),
];

/// |bound − objective| / max(|objective|, 1): the gap as HiGHS reports it, made robust at 0.
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    if !bound.is_finite() {
        return f64::INFINITY;
    }
    (bound - objective).abs() / objective.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use highs::{RowProblem, Sense};

    #[test]
    fn the_linked_highs_knows_every_option_set() {
        let mut model = RowProblem::default().optimise(Sense::Minimise);
        let relaxation = [("solve_relaxation", true)];
        let options = super::SUB_MIP_HEURISTICS.iter().chain(super::SCREEN);
        for (option, on) in options.chain(&relaxation) {
            assert!(
                model.try_set_option(*option, *on).is_ok(),
                "HiGHS does not know {option}"
            );
        }
        // An option HiGHS does not know is refused: the check above can fail.
        assert!(
            model
                .try_set_option("mip_heuristic_run_nothing", false)
                .is_err()
        );
    }
}
