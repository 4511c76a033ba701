//! Check: re-verify a stored rota with the independent checker.

use crate::plan::{self, Violation};
use crate::run::Run;

/// Every problem the checker finds in a run's rota (none: the rota is valid).
pub fn check_run(run: &Run) -> Vec<Violation> {
    plan::check(&run.dataset, &run.check_scenario(), &run.pairs())
}
