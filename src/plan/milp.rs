//! The planning model of docs/model.md as a MILP, solved stage by stage with HiGHS.
//!
//! Variables: x(i,r) ∈ {0,1} for eligible pairs, y(r) ∈ {0,1} per request, z ≥ 0, the
//! largest load (stage 4), and u(i,v,D) ∈ [0,1], a round trip to a venue on a day that
//! more than one request could take the instructor to. Hard constraints 1–4 hold in every
//! stage; each objective stage is solved and then held as a constraint at the value it
//! reached.
//!
//! Here: the model's columns and the stage flow of docs/model.md §6 (`solve_component`,
//! and `staffs` for explanations). The rows of §5 are built in `build`, in the document's
//! order; one stage is handed to HiGHS in `solve`; the screens that let `staffs` stop
//! early (§10) are in `screen`.

mod build;
mod screen;
mod solve;

use std::time::Instant;

use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint};

use super::decompose::Component;
use super::eligibility::Eligibility;
use super::instance::Instance;
use super::outcome::{Stage, StageReport, StageStatus};
use super::params::Fairness;

pub use screen::relaxation_tells;
pub use solve::relative_gap;

use screen::{Forced, Screen, bonus_screen, relaxation_screen, stays_below};

/// A solved component: the chosen pairs (indices into `Eligibility::pairs`) and the
/// figures of each stage.
pub struct ComponentSolution {
    pub chosen: Vec<usize>,
    pub stages: Vec<StageReport>,
}

/// The model of one component, built once and re-solved per stage.
struct Model {
    vars: ProblemVariables,
    /// x(i,r) per pair of the component, in `Component::pairs` order.
    x: Vec<Variable>,
    /// y(r) per request of the component.
    y: Vec<Variable>,
    z: Variable,
    /// f ∈ [0,1], the smallest share covered (fairness stage only).
    f: Option<Variable>,
    /// c(a,h) while clusters are proposed: (association, hub), in column order.
    hub_of: Vec<(usize, usize)>,
    /// u(i,v,D): its HiGHS column, and the sets K of x (component-local pair indices) whose
    /// sums it is at least.
    u: Vec<(usize, Vec<Vec<usize>>)>,
    constraints: Vec<Constraint>,
    coverage: Expression,
    travel: Expression,
    /// `travel` as (HiGHS column, coefficient).
    travel_terms: Vec<(usize, f64)>,
    /// Stage 2 (repair mode): assignments that differ from the reference rota.
    changes: Option<Expression>,
}

impl Model {
    /// Lowers every u to the largest sum of x over its cliques (for a rota: 1 iff one of its
    /// requests is taken), the round trips the rota makes. Always feasible (u has only its
    /// rows u ≥ Σ x and nonnegative coefficients in ≤ rows and in the travel that stage 3
    /// minimises), and no objective gets worse.
    fn tighten(&self, cols: &mut [f64]) {
        for (column, one_of) in &self.u {
            cols[*column] = one_of
                .iter()
                .map(|k| k.iter().map(|&l| cols[self.x_column(l)]).sum::<f64>())
                .fold(0.0, f64::max)
                .min(1.0);
        }
    }

    /// Stage 3's objective for given column values.
    fn travel_of(&self, cols: &[f64]) -> f64 {
        self.travel_terms
            .iter()
            .map(|&(column, km)| km * cols[column])
            .sum()
    }

    /// HiGHS's column of x for the component's k-th pair: variables are columns in the
    /// order they were added (all x, then all y, then z, then f if any, then c while
    /// clusters are proposed, then the others).
    fn x_column(&self, k: usize) -> usize {
        k
    }

    /// HiGHS's column of y for the component's ry-th request: right after all x.
    fn y_column(&self, ry: usize) -> usize {
        self.x.len() + ry
    }

    fn z_column(&self) -> usize {
        self.x.len() + self.y.len()
    }

    fn f_column(&self) -> usize {
        self.z_column() + 1
    }

    /// The first column of c(a,h), in `hub_of` order: c is added right after f.
    fn c_column(&self) -> usize {
        self.z_column() + 1 + usize::from(self.f.is_some())
    }

    fn n_columns(&self) -> usize {
        self.vars.len()
    }

    /// `held` and unit `ry` forced staffed (y ≥ 1) or not (y = 0): the screens' question.
    fn forced(&self, held: &[Constraint], ry: usize, staffed: bool) -> Vec<Constraint> {
        let mut rows = held.to_vec();
        rows.push(if staffed {
            constraint!(self.y[ry] >= 1)
        } else {
            constraint!(self.y[ry] <= 0)
        });
        rows
    }
}

/// Solves one component lexicographically within `time_limit` seconds, starting from
/// `warm` (pair indices of a feasible rota, normally greedy's): a stage cut short by the
/// time limit still has a solution at least that good.
pub fn solve_component(
    inst: &Instance,
    elig: &Eligibility,
    comp: &Component,
    warm: &[usize],
    limits: (f64, f64),
    on_stage: &(dyn Fn(Stage, Option<(StageStatus, f64)>) + Sync),
) -> ComponentSolution {
    solve_component_asking(inst, elig, comp, warm, limits, on_stage, None)
}

/// Whether the plan of the component staffs unit `r`, as `solve_component` would answer
/// it, but stopping early where stage 1 already tells, since every later stage holds the
/// coverage stage 1 reached: if no rota that staffs r reaches it, no later stage can staff
/// r; if no rota without r reaches it, every later stage does. Mostly told before stage 1
/// runs, by stage 1 with a bonus for staffing r (`bonus_screen`). Stage 4, which holds the
/// travel stage 3 reached, is asked the same way. Only a change after which the best
/// coverage and then the least travel can be had both with and without r pays for every
/// stage (`explain`'s candidates, most of which do not).
pub fn staffs(
    inst: &Instance,
    elig: &Eligibility,
    comp: &Component,
    warm: &[usize],
    limits: (f64, f64),
    r: usize,
    on_stage: &(dyn Fn(Stage, Option<(StageStatus, f64)>) + Sync),
) -> bool {
    let sol = solve_component_asking(inst, elig, comp, warm, limits, on_stage, Some(r));
    sol.chosen.iter().any(|&p| elig.pairs[p].r == r)
}

fn solve_component_asking(
    inst: &Instance,
    elig: &Eligibility,
    comp: &Component,
    warm: &[usize],
    (time_limit, gap): (f64, f64),
    on_stage: &(dyn Fn(Stage, Option<(StageStatus, f64)>) + Sync),
    asking: Option<usize>,
) -> ComponentSolution {
    let started = Instant::now();
    let model = Model::build(inst, elig, comp);
    // Every stage is solved through here, so that the caller hears it start and end.
    let solve = |stage: Stage, held: &[Constraint], limit: f64, gap: f64, warm: Option<&[f64]>| {
        on_stage(stage, None);
        let solved = model.solve(stage, held, limit, gap, warm);
        on_stage(
            stage,
            Some(
                solved
                    .as_ref()
                    .map_or((StageStatus::Failed, f64::NAN), |(_, r)| (r.status, r.gap)),
            ),
        );
        solved
    };
    // The screens of `staffs` (below) do not count: every stage gets the share of the time
    // it would get in the whole plan.
    let screening = std::cell::Cell::new(0.0);
    let remaining = |share: f64| {
        let spent = started.elapsed().as_secs_f64() - screening.get();
        ((time_limit - spent) * share).max(0.05)
    };
    let screened = |since: Instant| screening.set(screening.get() + since.elapsed().as_secs_f64());
    let mut stages = Vec::new();
    let mut held: Vec<Constraint> = Vec::new();
    let mut columns = model.start_from(inst, elig, comp, warm);
    let asking = asking.and_then(|r| comp.requests.binary_search(&r).ok());

    // Asked whether unit r is staffed: first the LP screen.
    if let Some(ry) = asking {
        let since = Instant::now();
        let told = relaxation_screen(inst, comp, &model, &columns, ry, remaining(0.6));
        screened(since);
        if let Some(staffed) = told {
            let chosen = model.answer(comp, &columns, staffed);
            return ComponentSolution { chosen, stages };
        }
    }

    // Stage 0 (fairness first): the smallest share, held at the value reached, before
    // coverage. No warm start: given greedy's rota (f = 0) as one, HiGHS 1.15 has declared
    // f = 0 optimal with a dual bound of 0 on an instance where f = 0.25 is feasible
    // (tests/model.rs, fairness_first_is_never_below_fairness_after); f = 0 needs no
    // start to be found.
    if let (Some(f), Fairness::First) = (model.f, inst.params.fairness) {
        match solve(Stage::FairnessFirst, &held, remaining(0.5), gap, None) {
            Ok((cols, rep)) => {
                held.push(constraint!(f >= rep.objective - 1e-7));
                columns = cols;
                stages.push(rep);
            }
            Err(_) => stages.push(failed(Stage::FairnessFirst)),
        }
    }

    // Asked whether unit r is staffed: first stage 1 with a bonus for staffing r, which
    // often answers alone (docs/model.md §10).
    let mut known_tie = false;
    // Where even the warm start's coverage is at least 1/gap, the bonus stage could not
    // answer (`bonus_screen`): not tried.
    let bonus_can_tell = model.coverage_of(inst, comp, &columns) * gap < 1.0;
    if let Some(ry) = asking.filter(|_| bonus_can_tell) {
        let since = Instant::now();
        let first = bonus_screen(inst, comp, &model, &held, ry, remaining(0.6), gap);
        screened(since);
        match first {
            Screen::Answer(chosen) => return ComponentSolution { chosen, stages },
            Screen::Tie => known_tie = true,
            Screen::Unknown => {}
        }
    }

    // Stage 1: weighted coverage, held at the value reached (or at the warm start's, if
    // the solver failed).
    let reached = match solve(Stage::Coverage, &held, remaining(0.6), gap, Some(&columns)) {
        Ok((cols, rep)) => {
            columns = cols;
            let v = rep.objective;
            stages.push(rep);
            v
        }
        Err(_) => {
            stages.push(failed(Stage::Coverage));
            model.coverage_of(inst, comp, &columns)
        }
    };
    // Weighted coverage is a sum of integers: hold the value reached, rounded down.
    let reached = (reached + 1e-6).floor();

    // Asked whether unit r is staffed, and the bonus did not tell: every later stage ends
    // in a rota of coverage at least `reached`. Stage 1 again with r forced the other way
    // than in stage 1's rota (and what stage 0 holds): proven optimal below `reached`, it
    // answers for all of them, and the later stages need not run (docs/model.md §10).
    if let Some(ry) = asking.filter(|_| !known_tie) {
        let since = Instant::now();
        let staffed_now = columns[model.y_column(ry)] > 0.5;
        let forced = model.forced(&held, ry, !staffed_now);
        let other_way = stays_below(&model, &forced, reached, remaining(0.6));
        screened(since);
        if other_way == Forced::Below {
            // Every rota of that coverage staffs r (stage 1's is one), or none does.
            let chosen = model.answer(comp, &columns, staffed_now);
            return ComponentSolution { chosen, stages };
        }
    }
    held.push(constraint!(model.coverage.clone() >= reached - 1e-6));

    // Optional fairness stage: the smallest share covered, held at the value reached. The
    // warm start's f is its own smallest share (0 is always feasible).
    if let (Some(f), Fairness::After) = (model.f, inst.params.fairness) {
        columns[model.f_column()] = 0.0;
        match solve(Stage::Fairness, &held, remaining(0.5), gap, Some(&columns)) {
            Ok((cols, rep)) => {
                let reached = rep.objective;
                held.push(constraint!(f >= reached - 1e-7));
                columns = cols;
                stages.push(rep);
            }
            Err(_) => stages.push(failed(Stage::Fairness)),
        }
    }

    // Stage 2 (repair mode): fewest changes, held at the value reached.
    if let Some(changes) = &model.changes {
        match solve(Stage::Repair, &held, remaining(0.5), gap, Some(&columns)) {
            Ok((cols, rep)) => {
                held.push(constraint!(changes.clone() <= rep.objective.round() + 1e-6));
                columns = cols;
                stages.push(rep);
            }
            Err(_) => stages.push(failed(Stage::Repair)),
        }
    }

    // Stage 3: travel, held at the value reached (with a hair of tolerance for round-off).
    match solve(Stage::Travel, &held, remaining(0.7), gap, Some(&columns)) {
        Ok((cols, rep)) => {
            let reached = rep.objective;
            let tolerance = 1e-6 * reached.abs().max(1.0);
            // Asked about unit r: stage 4 ends in a rota within this hold. Stage 3 again
            // with r forced the other way than in stage 3's rota: when no rota gets under
            // the hold (with a tolerance's margin), stage 4's has r as stage 3's has
            // (docs/model.md §10).
            if let Some(ry) = asking {
                let since = Instant::now();
                let staffed_now = cols[model.y_column(ry)] > 0.5;
                let forced = model.forced(&held, ry, !staffed_now);
                let cutoff = reached + 2.0 * tolerance;
                let other_way = model.beats(Stage::Travel, &forced, cutoff, remaining(0.7));
                screened(since);
                if other_way == Some(false) {
                    stages.push(rep);
                    let chosen = model.chosen(comp, &cols);
                    return ComponentSolution { chosen, stages };
                }
            }
            held.push(constraint!(model.travel.clone() <= reached + tolerance));
            columns = cols;
            stages.push(rep);
        }
        Err(_) => stages.push(failed(Stage::Travel)),
    }
    // Stage 4: balance; the warm start's z is its own largest load.
    columns[model.z_column()] = load_of(inst, elig, comp, &model, &columns);
    match solve(Stage::Balance, &held, remaining(1.0), gap, Some(&columns)) {
        Ok((cols, rep)) => {
            columns = cols;
            stages.push(rep);
        }
        Err(_) => stages.push(failed(Stage::Balance)),
    }
    let chosen = model.chosen(comp, &columns);
    ComponentSolution { chosen, stages }
}

impl Model {
    /// Column values of a rota given as global pair indices (sorted).
    fn start_from(
        &self,
        inst: &Instance,
        elig: &Eligibility,
        comp: &Component,
        warm: &[usize],
    ) -> Vec<f64> {
        let mut cols = vec![0.0; self.n_columns()];
        for (k, p) in comp.pairs.iter().enumerate() {
            if warm.binary_search(p).is_ok() {
                cols[self.x_column(k)] = 1.0;
                let r = elig.pairs[*p].r;
                let ry = comp
                    .requests
                    .binary_search(&r)
                    .expect("request in component");
                // y counts the units staffed: k instructors make one.
                cols[self.y_column(ry)] += 1.0 / f64::from(inst.units[r].staff);
            }
        }
        for ry in 0..comp.requests.len() {
            cols[self.y_column(ry)] = (cols[self.y_column(ry)] + 1e-9).floor();
        }
        // A round trip is made iff one of its requests is taken.
        self.tighten(&mut cols);
        cols[self.z_column()] = load_of(inst, elig, comp, self, &cols);
        // Proposed clusters: each association joins the hub of its warm-start instructors
        // (greedy keeps one per association), or its first candidate hub.
        let mut joined: std::collections::HashMap<usize, usize> = Default::default();
        for p in comp.pairs.iter().filter(|p| warm.binary_search(p).is_ok()) {
            let pair = &elig.pairs[*p];
            joined.insert(inst.requester(pair.r), inst.hub_of(pair.i));
        }
        for (k, &(a, h)) in self.hub_of.iter().enumerate() {
            if *joined.entry(a).or_insert(h) == h {
                cols[self.c_column() + k] = 1.0;
            }
        }
        cols
    }

    /// The pairs (global indices) that `cols` takes.
    fn chosen(&self, comp: &Component, cols: &[f64]) -> Vec<usize> {
        comp.pairs
            .iter()
            .enumerate()
            .filter(|&(k, _)| cols[self.x_column(k)] > 0.5)
            .map(|(_, &p)| p)
            .collect()
    }

    /// A screen's answer as a rota: the pairs of `cols` when they staff the request asked
    /// about (`staffed`; they are one rota that does), none when not.
    fn answer(&self, comp: &Component, cols: &[f64], staffed: bool) -> Vec<usize> {
        if staffed {
            self.chosen(comp, cols)
        } else {
            Vec::new()
        }
    }

    /// Stage 1's objective for given column values.
    fn coverage_of(&self, inst: &Instance, comp: &Component, cols: &[f64]) -> f64 {
        comp.requests
            .iter()
            .enumerate()
            .map(|(ry, &r)| inst.weight[r] * cols[self.y_column(ry)].round())
            .sum()
    }
}

fn failed(stage: Stage) -> StageReport {
    StageReport {
        stage,
        status: StageStatus::Failed,
        objective: f64::NAN,
        bound: f64::NAN,
        gap: f64::NAN,
        seconds: 0.0,
    }
}

/// The largest number of sessions any instructor of the component gets in `cols`.
fn load_of(
    inst: &Instance,
    elig: &Eligibility,
    comp: &Component,
    model: &Model,
    cols: &[f64],
) -> f64 {
    let mut load = std::collections::HashMap::<usize, usize>::new();
    for (k, &p) in comp.pairs.iter().enumerate() {
        if cols[model.x_column(k)] > 0.5 {
            let pair = &elig.pairs[p];
            *load.entry(pair.i).or_default() += inst.sessions[pair.r].len();
        }
    }
    load.values().copied().max().unwrap_or(0) as f64
}
