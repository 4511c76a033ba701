//! The planning model of docs/model.md as a MILP, solved stage by stage with HiGHS.
//!
//! Variables: x(i,r) ∈ {0,1} for eligible pairs, y(r) ∈ {0,1} per request, z ≥ 0, the
//! largest load (stage 4), and u(i,v,D) ∈ [0,1], a round trip to a venue on a day that
//! more than one request could take the instructor to. Hard constraints 1–4 hold in every
//! stage; each objective stage is solved and then held as a constraint at the value it
//! reached.
//!
//! Long because the model and its stages are one piece of mathematics: every row of
//! docs/model.md §5 and every stage of §6 is here, in the document's order.

use std::time::Instant;

use good_lp::{
    Constraint, Expression, ProblemVariables, SolverModel, Variable, constraint, highs, variable,
};
use highs::HighsModelStatus;

use super::conflicts::cliques;
use super::decompose::Component;
use super::eligibility::Eligibility;
use super::instance::{Instance, iso_week};
use super::load::{trips, weekly_teaching};
use super::outcome::{Stage, StageReport, StageStatus};
use super::params::{ClusterMode, Fairness};

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
    fn build(inst: &Instance, elig: &Eligibility, comp: &Component) -> Model {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = comp
            .pairs
            .iter()
            .map(|_| vars.add(variable().binary()))
            .collect();
        // y(r) ∈ {0,1}, or the desks staffed of a one-to-one block ∈ {0..desks}.
        let y: Vec<Variable> = comp
            .requests
            .iter()
            .map(|&r| match inst.units[r].most {
                1 => vars.add(variable().binary()),
                most => vars.add(variable().integer().min(0).max(most)),
            })
            .collect();
        let z = vars.add(variable().min(0));
        let f = inst
            .params
            .fairness
            .is_on()
            .then(|| vars.add(variable().min(0).max(1)));
        let local_pair = |p: usize| comp.pairs.binary_search(&p).expect("pair in component");

        let mut constraints = Vec::new();
        let mut coverage = Expression::from(0);
        let mut travel = Expression::from(0);
        let mut travel_terms = Vec::new();
        let mut u = Vec::new();

        // 1. Σᵢ x(i,r) = k(r)·y(r) (k = 1 per desk of a one-to-one block).
        for (ry, &r) in comp.requests.iter().enumerate() {
            let k = f64::from(inst.units[r].staff);
            let staffed: Expression = elig.by_request[r].iter().map(|&p| x[local_pair(p)]).sum();
            constraints.push(constraint!(staffed == k * y[ry]));
            coverage += inst.weight[r] * y[ry];
            // (1a) A drop-in in several languages: Σ_{i speaks ℓ} x(i,r) ≥ y(r) for each ℓ.
            for l in &inst.units[r].cover {
                let speakers: Expression = elig.by_request[r]
                    .iter()
                    .filter(|&&p| inst.ds.instructors[elig.pairs[p].i].languages.contains(l))
                    .map(|&p| x[local_pair(p)])
                    .sum();
                constraints.push(constraint!(speakers >= y[ry]));
            }
        }

        // Proposed clusters (docs/model.md §7): c(a,h) = 1 when small association a joins
        // hub h; exactly one hub per association, and x(i,r) ≤ c(a(r), hub(i)).
        let mut hub_of: Vec<(usize, usize)> = Vec::new();
        if inst.cluster_mode == ClusterMode::Proposed {
            let mut c: std::collections::HashMap<(usize, usize), Variable> = Default::default();
            for (local, &p) in comp.pairs.iter().enumerate() {
                let pair = &elig.pairs[p];
                let key = (inst.requester(pair.r), inst.hub_of(pair.i));
                let joined = *c.entry(key).or_insert_with(|| {
                    hub_of.push(key);
                    vars.add(variable().binary())
                });
                constraints.push(constraint!(x[local] <= joined));
            }
            let mut joins: std::collections::BTreeMap<usize, Expression> = Default::default();
            for (&(a, _), &joined) in &c {
                *joins.entry(a).or_default() += joined;
            }
            for (_, one) in joins {
                constraints.push(constraint!(one == 1));
            }
        }

        // Training advice (docs/model.md §10b): a pair that needs trainings is usable only
        // if they are chosen, t(i,skill) ≥ x(i,r), and at most `budget` are chosen.
        if let Some(tr) = &inst.params.trainings {
            let t: Vec<Variable> = tr
                .candidates
                .iter()
                .map(|_| vars.add(variable().binary()))
                .collect();
            for (local, &p) in comp.pairs.iter().enumerate() {
                let pair = &elig.pairs[p];
                let (ins, req) = (&inst.ds.instructors[pair.i], inst.request(pair.r));
                for k in tr.needed(&ins.id, req) {
                    constraints.push(constraint!(x[local] <= t[k]));
                }
            }
            let chosen: Expression = t.iter().copied().sum();
            constraints.push(constraint!(chosen <= tr.budget as f64));
        }

        for &i in &comp.instructors {
            let ins = &inst.ds.instructors[i];
            // 2. One row per maximal clique of overlapping (travel-widened) sessions. An
            // instructor allowed one session a week needs none: the members of a clique
            // meet on one date, so each has a session in its week, and that week's row
            // (3) already lets at most one of them be taken (docs/model.md §5).
            let cliques = if ins.max_sessions_per_week <= 1 {
                Vec::new()
            } else {
                cliques(inst, elig, i)
            };
            for clique in cliques {
                let together: Expression = clique.iter().map(|&p| x[local_pair(p)]).sum();
                constraints.push(constraint!(together <= 1));
            }
            // 3. Weekly sessions and hours; total sessions.
            let mut weeks: std::collections::BTreeMap<u32, (Expression, u32, Expression, f64)> =
                Default::default();
            let empty = || (Expression::from(0), 0, Expression::from(0), 0.0);
            let mut total = Expression::from(0);
            let mut total_max = 0usize;
            for &p in &elig.by_instructor[i] {
                let pair = &elig.pairs[p];
                let xv = x[local_pair(p)];
                let n = inst.sessions[pair.r].len();
                total += n as f64 * xv;
                total_max += n;
                for (w, (sessions, hours)) in weekly_teaching(inst, pair.r) {
                    let e = weeks.entry(w).or_insert_with(empty);
                    e.0 += f64::from(sessions) * xv;
                    e.1 += sessions;
                    e.2 += hours * xv;
                    e.3 += hours;
                }
            }
            // Round trips, one per venue-day: u(i,v,D) ≥ Σ_{r∈K} x(i,r) for every set K of
            // requests of G(i,v,D) of which i can take at most one; the sum itself when K is
            // all of G(i,v,D) (one request, or none two of which go together). Days with the
            // same G share one u.
            for trip in trips(inst, elig, i) {
                // (HiGHS column, variable) of the terms that count the trips.
                let went: Vec<(usize, Variable)> = match trip.one_of.as_slice() {
                    [all] => all
                        .iter()
                        .map(|&p| (local_pair(p), x[local_pair(p)]))
                        .collect(),
                    many => {
                        let column = vars.len();
                        let uv = vars.add(variable().min(0).max(1));
                        let one_of: Vec<Vec<usize>> = many
                            .iter()
                            .map(|k| k.iter().map(|&p| local_pair(p)).collect())
                            .collect();
                        for k in &one_of {
                            let sum: Expression = k.iter().map(|&l| x[l]).sum();
                            constraints.push(constraint!(uv >= sum));
                        }
                        u.push((column, one_of));
                        vec![(column, uv)]
                    }
                };
                let km = 2.0 * trip.km * trip.dates.len() as f64;
                let mut hours: std::collections::BTreeMap<u32, f64> = Default::default();
                for d in &trip.dates {
                    *hours.entry(iso_week(*d)).or_default() += 2.0 * f64::from(trip.minutes) / 60.0;
                }
                for (column, went) in went {
                    travel += km * went;
                    travel_terms.push((column, km));
                    for (&w, &h) in &hours {
                        let e = weeks.entry(w).or_insert_with(empty);
                        e.2 += h * went;
                        e.3 += h;
                    }
                }
            }
            for (_, (sessions, most_sessions, hours, most_hours)) in weeks {
                if most_sessions > ins.max_sessions_per_week {
                    constraints.push(constraint!(sessions <= ins.max_sessions_per_week));
                }
                if let Some(h) = ins.max_hours_per_week.filter(|&h| most_hours > h) {
                    constraints.push(constraint!(hours <= h));
                }
            }
            if let Some(t) = ins.max_sessions_total.filter(|&t| total_max > t as usize) {
                constraints.push(constraint!(total.clone() <= t));
            }
            // Stage 4's load variable: z ≥ sessions given to i.
            constraints.push(constraint!(total <= z));
        }
        // 4. Lending caps (open mode): the sessions a capped hub's instructors give outside
        // its cluster. Rows that cannot bind are left out.
        let mut lent: std::collections::BTreeMap<usize, (Expression, usize, u32)> =
            Default::default();
        for (local, &p) in comp.pairs.iter().enumerate() {
            let pair = &elig.pairs[p];
            if let Some((h, cap)) = inst.capped_lending(pair.i, pair.r) {
                let n = inst.sessions[pair.r].len();
                let e = lent
                    .entry(h)
                    .or_insert_with(|| (Expression::from(0), 0, cap));
                e.0 += n as f64 * x[local];
                e.1 += n;
            }
        }
        for (_, (sessions, most, cap)) in lent {
            if most > cap as usize {
                constraints.push(constraint!(sessions <= cap));
            }
        }

        // Fairness: Σ_{r of a} a(r)·y(r) ≥ f · Σ_{r of a} a(r)·most(r) for every association
        // a with a request in the component; a(r) is sessions, or slots per desk.
        if let Some(f) = f {
            let mut by_assoc: std::collections::BTreeMap<&str, (Expression, f64)> =
                Default::default();
            for (ry, &r) in comp.requests.iter().enumerate() {
                let n = inst.units[r].amount;
                let e = by_assoc
                    .entry(inst.request(r).association.as_str())
                    .or_insert_with(|| (Expression::from(0), 0.0));
                e.0 += n * y[ry];
                e.1 += n * f64::from(inst.units[r].most);
            }
            for (_, (covered, requested)) in by_assoc {
                constraints.push(constraint!(covered >= requested * f));
            }
        }
        // Answers are law: an accepted pair is pinned in every plan. (A declined pair is
        // not eligible, so it has no x at all.) An answer is given to (request, instructor):
        // for a course that is its one x; for a request in parts, the parts the instructor
        // holds in the rota being repaired, or else at least one of them (docs/model.md §4).
        // The rota being repaired as (unit, instructor) indices, and as (request,
        // instructor) for answers given to a whole request: looked up once per pair.
        let reference: std::collections::HashSet<(usize, usize)> = inst
            .params
            .repair
            .iter()
            .flat_map(|rep| &rep.reference)
            .filter_map(|h| {
                let unit = inst.unit_of(&h.request, h.part)?;
                Some((unit, *inst.instructor_index.get(h.instructor.as_str())?))
            })
            .collect();
        let held_by: std::collections::HashSet<(usize, usize)> = reference
            .iter()
            .map(|&(u, i)| (inst.units[u].request, i))
            .collect();
        let mut parts_of_answer: std::collections::BTreeMap<(usize, usize), Vec<usize>> =
            Default::default();
        for (k, &p) in comp.pairs.iter().enumerate() {
            let pair = &elig.pairs[p];
            if !inst.is_accepted(pair.i, pair.r) {
                continue;
            }
            if inst.units[pair.r].part.is_none() || reference.contains(&(pair.r, pair.i)) {
                constraints.push(constraint!(x[k] == 1));
            }
            parts_of_answer
                .entry((inst.units[pair.r].request, pair.i))
                .or_default()
                .push(k);
        }
        for ((r, i), ks) in parts_of_answer {
            if inst.ds.requests[r].format.is_course() || held_by.contains(&(r, i)) {
                continue;
            }
            let some: Expression = ks.iter().map(|&k| x[k]).sum();
            constraints.push(constraint!(some >= 1));
        }
        // Repair mode: stage 2 counts the changes from the reference rota:
        // Σ_{(i,r) in the reference} (1 − x) + Σ_{(i,r) not in it} x.
        // A reference pair of this component's units that is not eligible any more (a
        // decline, a drop-out) has no x: it changes for certain, a constant 1.
        let changes = inst.params.repair.as_ref().map(|rep| {
            let mut changes = Expression::from(0);
            let mut with_x = 0usize;
            for (k, &p) in comp.pairs.iter().enumerate() {
                if reference.contains(&(elig.pairs[p].r, elig.pairs[p].i)) {
                    changes += 1.0 - x[k];
                    with_x += 1;
                } else {
                    changes += x[k];
                }
            }
            let of_component = rep
                .reference
                .iter()
                .filter(|h| {
                    inst.request_index
                        .get(h.request.as_str())
                        .is_some_and(|units| {
                            units.iter().any(|&u| {
                                inst.units[u].part == h.part
                                    && comp.requests.binary_search(&u).is_ok()
                            })
                        })
                })
                .count();
            changes + (of_component - with_x.min(of_component)) as f64
        });
        Model {
            vars,
            x,
            y,
            z,
            f,
            hub_of,
            u,
            changes,
            constraints,
            coverage,
            travel,
            travel_terms,
        }
    }

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

    /// Solves one stage from a warm start; returns the column values and the figures.
    fn solve(
        &self,
        stage: Stage,
        extra: &[Constraint],
        time_limit: f64,
        gap: f64,
        warm: Option<&[f64]>,
    ) -> Result<(Vec<f64>, StageReport), String> {
        let started = Instant::now();
        let vars = self.vars.clone();
        let (objective_expr, maximise): (Expression, bool) = match stage {
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
        };
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
        for (option, on) in SUB_MIP_HEURISTICS {
            model.set_option(*option, *on);
        }
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
/// it, but stopping early where stage 1 already tells: if no rota that staffs r reaches
/// the coverage stage 1 reached (the bound of stage 1 with r staffed is below it), no later
/// stage can staff r, since each holds that coverage. Only a change that might staff r
/// pays for the later stages (`explain`'s candidates, most of which do not).
pub fn staffs(
    inst: &Instance,
    elig: &Eligibility,
    comp: &Component,
    warm: &[usize],
    limits: (f64, f64),
    r: usize,
) -> bool {
    let sol = solve_component_asking(inst, elig, comp, warm, limits, &|_, _| {}, Some(r));
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
    let remaining = |share: f64| ((time_limit - started.elapsed().as_secs_f64()) * share).max(0.05);
    let mut stages = Vec::new();
    let mut held: Vec<Constraint> = Vec::new();
    let mut columns = model.start_from(inst, elig, comp, warm);

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

    // Asked whether unit r is staffed: stage 1 again with r staffed (and what stage 0
    // holds). If it is proven optimal below the coverage held, no later stage can staff
    // r: stop here, without it.
    if let Some(ry) = asking.and_then(|r| comp.requests.binary_search(&r).ok()) {
        let mut staffed = held.clone();
        staffed.push(constraint!(model.y[ry] >= 1));
        let forced = model.solve(Stage::Coverage, &staffed, remaining(0.6), gap, None);
        if forced.as_ref().is_ok_and(|(_, rep)| {
            rep.status == StageStatus::Optimal && rep.bound.max(rep.objective) < reached - 1e-6
        }) {
            return ComponentSolution {
                chosen: Vec::new(),
                stages,
            };
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
            held.push(constraint!(
                model.travel.clone() <= reached + 1e-6 * reached.abs().max(1.0)
            ));
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
    let chosen = comp
        .pairs
        .iter()
        .enumerate()
        .filter(|&(k, _)| columns[model.x_column(k)] > 0.5)
        .map(|(_, &p)| p)
        .collect();
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
                cols[self.x.len() + ry] += 1.0 / f64::from(inst.units[r].staff);
            }
        }
        for ry in 0..comp.requests.len() {
            cols[self.x.len() + ry] = (cols[self.x.len() + ry] + 1e-9).floor();
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

    /// Stage 1's objective for given column values.
    fn coverage_of(&self, inst: &Instance, comp: &Component, cols: &[f64]) -> f64 {
        comp.requests
            .iter()
            .enumerate()
            .map(|(ry, &r)| inst.weight[r] * cols[self.x.len() + ry].round())
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
