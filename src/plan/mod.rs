//! Planning: from a validated dataset to a checked rota.
//!
//! The flow is the one of docs/model.md: `Instance` (sessions expanded, locations resolved) →
//! `Eligibility` (every pair tested, reasons kept) → `components` (petgraph) → the MILP per
//! component, in parallel (or the greedy baseline) → merged rota → `checker` → explanations
//! for what stays uncovered.

pub mod checker;
pub mod clusters;
pub mod conflicts;
pub mod decompose;
pub mod eligibility;
pub mod explain;
pub mod greedy;
pub mod instance;
pub mod load;
pub mod milp;
pub mod outcome;
pub mod params;
pub mod progress;
pub mod refer;
pub mod rules;

use std::collections::BTreeSet;
use std::time::Instant;

use rayon::prelude::*;

use crate::model::Dataset;

pub use checker::{CheckScenario, Violation, check};
pub use eligibility::Eligibility;
pub use explain::{Busy, Limit, Reason, Unavailable};
pub use instance::Instance;
pub use outcome::{
    Assignment, ComponentReport, Figures, Held, Outcome, Stage, StageReport, StageStatus,
    Uncovered, figures,
};
pub use params::{Answers, ClusterMode, Fairness, Params, Repair, Skill, SolverKind, Trainings};
pub use progress::{OnProgress, Progress, quiet};
pub use rules::{HardConstraint, Rule};

/// Resolves `cluster_mode = proposed`: chooses the clusters with the rota (with `solver`),
/// and returns the dataset with the proposed `cluster` column and parameters that plan
/// within it (`fixed`). Other modes pass through unchanged.
pub fn resolve_clusters(
    ds: &Dataset,
    params: &Params,
    solver: SolverKind,
) -> Result<(Dataset, Params, Option<clusters::ClusterProposal>), String> {
    if params.cluster_mode != Some(ClusterMode::Proposed) {
        return Ok((ds.clone(), params.clone(), None));
    }
    let proposal = clusters::propose(ds, params, solver)?;
    let fixed = Params {
        cluster_mode: Some(ClusterMode::Fixed),
        ..params.clone()
    };
    Ok((proposal.apply(ds), fixed, Some(proposal)))
}

/// Plans a validated dataset, telling `progress` each stage and component as it goes.
pub fn plan(ds: &Dataset, params: &Params, solver: SolverKind, progress: OnProgress) -> Outcome {
    let started = Instant::now();
    let inst = Instance::new(ds, params.clone());
    let elig = Eligibility::build(&inst);
    // The greedy rota is the baseline, and the optimiser's warm start.
    let by_hand = greedy::solve(&inst, &elig);
    let (chosen, components, baseline) = match solver {
        SolverKind::Greedy => (by_hand, Vec::new(), None),
        SolverKind::Milp => {
            let (chosen, components) = solve_milp(&inst, &elig, &by_hand, progress);
            let baseline = figures(ds, &assignments_of(&inst, &elig, &by_hand));
            (chosen, components, Some(baseline))
        }
    };
    let stages = total_stages(&components);
    let seconds = started.elapsed().as_secs_f64();
    let mut o = outcome(&inst, &elig, solver, chosen, stages, components, seconds);
    o.baseline = baseline;
    o
}

fn solve_milp(
    inst: &Instance,
    elig: &Eligibility,
    warm: &[usize],
    progress: OnProgress,
) -> (Vec<usize>, Vec<ComponentReport>) {
    let comps = model_components(inst, elig);
    let threads = inst.params.threads.max(1);
    let total_size: usize = comps.iter().map(|c| c.size()).sum::<usize>().max(1);
    let limit = inst.params.time_limit_s.max(0.1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let solved: Vec<(Vec<usize>, ComponentReport)> = pool.install(|| {
        comps
            .par_iter()
            .enumerate()
            .map(|(k, c)| {
                let share = time_share(limit, c.size(), total_size, threads);
                let on_stage = |stage, ended| {
                    progress(Progress::Stage {
                        component: k + 1,
                        components: comps.len(),
                        stage,
                        ended,
                    })
                };
                let sol = milp::solve_component(
                    inst,
                    elig,
                    c,
                    warm,
                    (share, inst.params.mip_rel_gap),
                    &on_stage,
                );
                let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                progress(Progress::Component {
                    done: n,
                    total: comps.len(),
                });
                (
                    sol.chosen,
                    ComponentReport {
                        requests: c.requests.len(),
                        instructors: c.instructors.len(),
                        pairs: c.pairs.len(),
                        stages: sol.stages,
                    },
                )
            })
            .collect()
    });
    let mut chosen = Vec::new();
    let mut reports = Vec::new();
    for (c, r) in solved {
        chosen.extend(c);
        reports.push(r);
    }
    chosen.sort_unstable();
    (chosen, reports)
}

/// The components of the eligibility graph, merged where the model couples them
/// (docs/model.md §8): each is solved as one problem.
fn model_components(inst: &Instance, elig: &Eligibility) -> Vec<decompose::Component> {
    let mut comps = decompose::components(elig, inst.n_instructors(), inst.n_requests());
    if inst.params.fairness == Fairness::First {
        // The smallest share over all associations is a floor for every later stage: the
        // global optimum needs one model (docs/model.md, stage 0).
        comps = decompose::merge_by(comps, |_| "all");
    } else if inst.params.fairness.is_on() || inst.cluster_mode == ClusterMode::Proposed {
        // An association's share, and its one hub while clusters are proposed, couple the
        // components its requests fall in.
        let assoc_of: Vec<&str> = (0..inst.n_requests())
            .map(|r| inst.request(r).association.as_str())
            .collect();
        comps = decompose::merge_by(comps, |r| assoc_of[r]);
    }
    // A hub's lending cap couples every component its instructors can lend in.
    let capped: Vec<Option<usize>> = elig
        .pairs
        .iter()
        .map(|p| inst.capped_lending(p.i, p.r).map(|(h, _)| h))
        .collect();
    if capped.iter().any(Option::is_some) {
        comps = decompose::merge_where(comps, |c| {
            c.pairs
                .iter()
                .filter_map(|&p| capped[p])
                .map(|h| inst.ds.associations[h].id.clone())
                .collect()
        });
    }
    if inst.params.trainings.is_some() {
        // The training budget is shared by every component: one model.
        comps = decompose::merge_by(comps, |_| "all");
    }
    comps
}

/// A component's share of the time limit, as if the workers were always busy
/// (docs/model.md §8).
fn time_share(limit: f64, size: usize, total_size: usize, threads: usize) -> f64 {
    (limit * size as f64 / total_size as f64 * threads as f64).clamp(limit.min(1.0), limit)
}

/// Whether an optimal plan of `ds` staffs `request` (one `part` of it, for a request in
/// parts). Only the component the request falls in is solved: components share no
/// variable and no constraint, so the others cannot change the answer. What `explain` asks
/// of every candidate change, at the cost of one component instead of the whole plan.
pub fn covers(ds: &Dataset, params: &Params, request: &str, part: Option<u32>) -> bool {
    let inst = Instance::new(ds, params.clone());
    let Some(r) = inst.unit_of(request, part) else {
        return false;
    };
    let elig = Eligibility::build(&inst);
    covers_unit(&inst, &elig, r)
}

/// `covers` for unit r of an instance whose eligibility is already known (`explain` makes
/// a candidate's from the plan's own, `Eligibility::retest_instructor`).
pub fn covers_unit(inst: &Instance, elig: &Eligibility, r: usize) -> bool {
    if elig.by_request.get(r).is_none_or(Vec::is_empty) {
        return false;
    }
    let comps = model_components(inst, elig);
    let Some(comp) = comps.iter().find(|c| c.requests.binary_search(&r).is_ok()) else {
        return false;
    };
    let total_size: usize = comps.iter().map(|c| c.size()).sum::<usize>().max(1);
    let limit = inst.params.time_limit_s.max(0.1);
    let share = time_share(limit, comp.size(), total_size, inst.params.threads.max(1));
    // Greedy on the component alone finds there what it finds on the whole instance: no
    // instructor of the component serves a request outside it.
    let warm = greedy::solve_for(inst, elig, &comp.requests);
    let limits = (share, inst.params.mip_rel_gap);
    milp::staffs(inst, elig, comp, &warm, limits, r, &|_, _| {})
}

/// Stage figures summed over components: objectives and bounds add up (stage 4's are the
/// maximum over components), the status is the worst, the gap is recomputed.
fn total_stages(components: &[ComponentReport]) -> Vec<StageReport> {
    let mut out: Vec<StageReport> = Vec::new();
    for stage in [
        Stage::FairnessFirst,
        Stage::Coverage,
        Stage::Fairness,
        Stage::Repair,
        Stage::Travel,
        Stage::Balance,
    ] {
        let reps: Vec<&StageReport> = components
            .iter()
            .flat_map(|c| &c.stages)
            .filter(|s| s.stage == stage)
            .collect();
        if reps.is_empty() {
            continue;
        }
        let (objective, bound) = if matches!(stage, Stage::Fairness | Stage::FairnessFirst) {
            // The smallest share over all components.
            (
                reps.iter().map(|r| r.objective).fold(1.0, f64::min),
                reps.iter().map(|r| r.bound).fold(1.0, f64::min),
            )
        } else if stage == Stage::Balance {
            (
                reps.iter().map(|r| r.objective).fold(0.0, f64::max),
                reps.iter().map(|r| r.bound).fold(0.0, f64::max),
            )
        } else {
            (
                reps.iter().map(|r| r.objective).sum(),
                reps.iter().map(|r| r.bound).sum(),
            )
        };
        let status = if reps.iter().any(|r| r.status == StageStatus::Failed) {
            StageStatus::Failed
        } else if reps.iter().any(|r| r.status == StageStatus::TimeLimit) {
            StageStatus::TimeLimit
        } else {
            StageStatus::Optimal
        };
        out.push(StageReport {
            stage,
            status,
            objective,
            bound,
            gap: milp::relative_gap(objective, bound),
            seconds: reps.iter().map(|r| r.seconds).sum(),
        });
    }
    out
}

fn outcome(
    inst: &Instance,
    elig: &Eligibility,
    solver: SolverKind,
    chosen: Vec<usize>,
    stages: Vec<StageReport>,
    components: Vec<ComponentReport>,
    seconds: f64,
) -> Outcome {
    let ds = inst.ds;
    let assignments = assignments_of(inst, elig, &chosen);
    let covered: BTreeSet<usize> = chosen.iter().map(|&p| elig.pairs[p].r).collect();
    let uncovered = (0..inst.n_requests())
        .filter(|r| !covered.contains(r))
        .map(|r| Uncovered {
            request: inst.request(r).id.clone(),
            part: inst.units[r].part,
            reasons: explain::reasons(inst, elig, r, &chosen),
            referrals: refer::referrals(ds, inst.request(r)),
        })
        .collect();
    Outcome {
        solver,
        cluster_mode: inst.cluster_mode,
        figures: figures(ds, &assignments),
        assignments,
        uncovered,
        stages,
        components,
        eligible_pairs: elig.pairs.len(),
        seconds,
        baseline: None,
    }
}

/// Chosen pairs as assignments.
fn assignments_of(inst: &Instance, elig: &Eligibility, chosen: &[usize]) -> Vec<Assignment> {
    chosen
        .iter()
        .map(|&p| {
            let pair = &elig.pairs[p];
            Assignment {
                request: inst.request(pair.r).id.clone(),
                part: inst.units[pair.r].part,
                instructor: inst.ds.instructors[pair.i].id.clone(),
                km: pair.travel.km,
                minutes: pair.travel.minutes,
            }
        })
        .collect()
}

/// The repair of a stored rota: its assignments are the reference of stage 2.
pub fn repair_spec(assignments: &[Assignment]) -> Repair {
    Repair {
        reference: assignments.iter().map(Held::from).collect(),
    }
}
