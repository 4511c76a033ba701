//! Explain: why requests of a run are uncovered, and the single changes that would cover
//! them, each confirmed by planning again.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::plan::{Params, Reason, Uncovered};
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
    // Each candidate change is re-planned with the run's own parameters and time limit:
    // with less time than the whole plan had, a component's later stages could stop
    // early and a candidate be confirmed that the plan would not bear out (or the other
    // way round). The screens end most candidates long before any limit.
    let params = Params {
        // The mode the rota was planned in: proposed clusters are fixed in the run's data.
        cluster_mode: Some(run.cluster_mode),
        ..run.params.clone()
    };
    // The run's data is prepared once for all the requests explained.
    let whatif = WhatIf::new(&run.dataset, &params);
    let todo: Vec<&Uncovered> = run
        .uncovered
        .iter()
        .filter(|u| request.is_none_or(|r| r == u.request))
        .collect();
    let mut out = Vec::with_capacity(todo.len());
    in_order(
        &todo,
        |u| whatif.fixes((&u.request, u.part), &run.assignments),
        |u, fixes| {
            let e = Explanation {
                request: u.request.clone(),
                part: u.part,
                reasons: u.reasons.clone(),
                fixes,
                referrals: u.referrals.clone(),
            };
            on_request(&e);
            out.push(e);
        },
    );
    Ok(Explained::Uncovered(out))
}

/// `work` on every item in parallel, `done` on each result in the items' order, on the
/// calling thread, as soon as it and all before it are known. Requests are explained side
/// by side because one whose candidate re-plans a large component would otherwise leave
/// the other core idle while it runs (its candidates are parallel among themselves, but
/// often only one of them is slow). The caller must not be one of rayon's workers (the
/// CLI calls it from its main thread): it waits while the work runs on rayon's pool.
fn in_order<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut done: impl FnMut(&T, R),
) {
    let (tx, rx) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        let work = &work;
        scope.spawn(move || {
            items
                .par_iter()
                .enumerate()
                .for_each_with(tx, |tx, (k, item)| {
                    // The receiver lives until every sender is gone.
                    let _ = tx.send((k, work(item)));
                });
        });
        let mut ready: BTreeMap<usize, R> = BTreeMap::new();
        let mut next = 0;
        for (k, result) in rx {
            ready.insert(k, result);
            while let Some(result) = ready.remove(&next) {
                done(&items[next], result);
                next += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::in_order;

    #[test]
    fn results_come_in_the_items_order_whatever_order_they_finish_in() {
        // Early items take longest, so they finish last.
        let items: Vec<u64> = (0..16).collect();
        let mut seen = Vec::new();
        in_order(
            &items,
            |&k| {
                std::thread::sleep(std::time::Duration::from_millis(2 * (16 - k)));
                k * 10
            },
            |&k, r| seen.push((k, r)),
        );
        let expected: Vec<(u64, u64)> = (0..16).map(|k| (k, k * 10)).collect();
        assert_eq!(seen, expected);
    }
}
