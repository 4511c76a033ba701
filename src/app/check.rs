//! Check: re-verify a stored rota with the independent checker, answers included.

use crate::plan::{self, Answers, Violation};
use crate::run::Run;
use crate::store::Store;

use super::error::Result;

/// Every problem the checker finds in a run's rota (none: the rota is valid), against the
/// answers it was planned with.
pub fn check_run(run: &Run) -> Vec<Violation> {
    plan::check(&run.dataset, &run.check_scenario(), &run.pairs())
}

/// `check_run`, with every answer given before the run was made as well: a run that was
/// changed in the database to bring back a declined pair (or drop an accepted one) fails.
pub async fn check_stored(store: &Store, run: &Run) -> Result<Vec<Violation>> {
    let mut scenario = run.check_scenario();
    let before = Answers::from_map(&store.answers(Some(&run.summary.created_at)).await?);
    for pair in before.accepted {
        if !scenario.answers.accepted.contains(&pair) && !scenario.answers.declined.contains(&pair)
        {
            scenario.answers.accepted.push(pair);
        }
    }
    for pair in before.declined {
        if !scenario.answers.declined.contains(&pair) && !scenario.answers.accepted.contains(&pair)
        {
            scenario.answers.declined.push(pair);
        }
    }
    Ok(plan::check(&run.dataset, &scenario, &run.pairs()))
}
