//! Suggest: who could take a request of a run, nearest first, and what each choice costs
//! (the checker's verdict on the rota with that instructor added).

use crate::model::Request;
use crate::plan::{self, Eligibility, HardConstraint, Instance, Params, Violation};
use crate::run::Run;

use super::error::{AppError, Result};

/// One instructor who could take the request.
pub struct Suggestion {
    pub instructor: String,
    pub name: String,
    pub km_one_way: f64,
    /// The round-trip km the request adds to the instructor's travel in the run: one round
    /// trip per venue and day they do not travel to already (docs/model.md §3).
    pub round_trip_km: f64,
    /// What taking it would break in the run's rota for this instructor (none: free).
    pub clashes: Vec<Violation>,
}

pub struct Suggestions {
    pub request: Request,
    pub sessions: usize,
    pub options: Vec<Suggestion>,
}

pub fn suggest(run: &Run, request: &str) -> Result<Suggestions> {
    let Some(req) = run.dataset.requests.iter().find(|r| r.id == request) else {
        return Err(AppError::UnknownRequest(request.to_owned()));
    };
    let inst = Instance::new(
        &run.dataset,
        Params {
            cluster_mode: Some(run.cluster_mode),
            ..run.params.clone()
        },
    );
    let elig = Eligibility::build(&inst);
    // A request in parts: its first session the run leaves unstaffed (or its first).
    let units = &inst.request_index[request];
    let staffed = |u: usize| {
        run.assignments
            .iter()
            .any(|a| a.request == request && a.part == inst.units[u].part)
    };
    let r = units
        .iter()
        .copied()
        .find(|&u| !staffed(u))
        .unwrap_or(units[0]);
    let part = inst.units[r].part;
    let n = inst.sessions[r].len();
    let mut pairs: Vec<&plan::eligibility::Pair> =
        elig.by_request[r].iter().map(|&p| &elig.pairs[p]).collect();
    pairs.sort_by(|a, b| a.travel.km.total_cmp(&b.travel.km));
    let scenario = run.check_scenario();
    let others: Vec<plan::Held> = run
        .assignments
        .iter()
        .filter(|a| a.request != request || a.part != part)
        .map(plan::Held::from)
        .collect();
    let options = pairs
        .into_iter()
        .map(|p| {
            let ins = &run.dataset.instructors[p.i];
            let mut rota = others.clone();
            rota.push(plan::Held::new(request, part, ins.id.clone()));
            let theirs: Vec<plan::Assignment> = run
                .assignments
                .iter()
                .filter(|a| a.instructor == ins.id && (a.request != request || a.part != part))
                .cloned()
                .collect();
            let mut with = theirs.clone();
            with.push(plan::Assignment {
                request: request.to_owned(),
                part,
                instructor: ins.id.clone(),
                km: p.travel.km,
                minutes: p.travel.minutes,
            });
            let km = |rota: &[plan::Assignment]| plan::figures(&run.dataset, rota).total_km;
            let clashes = plan::check(&run.dataset, &scenario, &rota)
                .into_iter()
                .filter(|v| {
                    v.instructor.as_deref() == Some(ins.id.as_str())
                        && v.constraint != HardConstraint::Staffing
                })
                .collect();
            Suggestion {
                instructor: ins.id.clone(),
                name: ins.name.clone(),
                km_one_way: p.travel.km,
                round_trip_km: km(&with) - km(&theirs),
                clashes,
            }
        })
        .collect();
    Ok(Suggestions {
        request: req.clone(),
        sessions: n,
        options,
    })
}
