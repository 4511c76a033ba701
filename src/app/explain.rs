//! Explain: why requests of a run are uncovered, and the single changes that would cover
//! them, each confirmed by planning again.

use crate::plan::{Params, Reason};
use crate::run::Run;
use crate::whatif::{Fix, WhatIf};

use super::error::{AppError, Result};

pub struct Explanation {
    pub request: String,
    /// The session, for a drop-in or one-to-one guidance.
    pub part: Option<u32>,
    pub reasons: Vec<Reason>,
    pub fixes: Vec<Fix>,
    /// Where else the association can go meanwhile (refer, never reject).
    pub referrals: Vec<crate::plan::refer::Referral>,
}

pub enum Explained {
    /// The one request asked about is covered, by these instructors.
    Covered { request: String, by: Vec<String> },
    /// Every uncovered request (or the one asked about), in the run's order.
    Uncovered(Vec<Explanation>),
}

/// `request`: one request (an error if the run's input has no such request), or all.
/// `on_request` is called with each explanation as soon as it is known, since each takes
/// several re-plans.
pub fn explain(
    run: &Run,
    request: Option<&str>,
    on_request: &dyn Fn(&Explanation),
) -> Result<Explained> {
    if let Some(r) = request {
        if !run.dataset.requests.iter().any(|x| x.id == r) {
            return Err(AppError::UnknownRequest(r.to_owned()));
        }
        let mut by: Vec<String> = run
            .assignments
            .iter()
            .filter(|a| a.request == r)
            .map(|a| a.instructor.clone())
            .collect();
        by.sort();
        by.dedup();
        // A drop-in or guidance with sessions left uncovered: those are explained.
        let partly = run.uncovered.iter().any(|u| u.request == r);
        if !by.is_empty() && !partly {
            return Ok(Explained::Covered {
                request: r.to_owned(),
                by,
            });
        }
    }
    // Each candidate change is re-planned: keep those solves short.
    let params = Params {
        time_limit_s: run.params.time_limit_s.min(10.0),
        // The mode the rota was planned in: proposed clusters are fixed in the run's data.
        cluster_mode: Some(run.cluster_mode),
        ..run.params.clone()
    };
    // The run's data is prepared once for all the requests explained.
    let whatif = WhatIf::new(&run.dataset, &params);
    let mut out = Vec::new();
    for u in run
        .uncovered
        .iter()
        .filter(|u| request.is_none_or(|r| r == u.request))
    {
        let e = Explanation {
            request: u.request.clone(),
            part: u.part,
            reasons: u.reasons.clone(),
            fixes: whatif.fixes((&u.request, u.part), &run.assignments),
            referrals: u.referrals.clone(),
        };
        on_request(&e);
        out.push(e);
    }
    Ok(Explained::Uncovered(out))
}
