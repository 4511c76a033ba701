//! The run life cycle in the service: which runs a coordinator sees, approving and
//! publishing them.

use crate::store::{Principal, RunSummary};

use super::error::{AppError, Result};
use super::service::Service;

impl Service {
    /// The runs `who` may see, newest first.
    pub async fn runs(&self, who: &Principal) -> Result<Vec<RunSummary>> {
        let mut out = Vec::new();
        for summary in self.store.runs().await? {
            if who.subject == "*" || self.sees_run(who, &self.store.run(summary.id).await?) {
                out.push(summary);
            }
        }
        Ok(out)
    }

    pub async fn approve(&self, who: &Principal, id: i64) -> Result<()> {
        self.run_for(who, id).await?;
        if self.store.approve_run(id).await? {
            Ok(())
        } else {
            Err(AppError::NotProposed)
        }
    }

    /// Publishes a run of `who`'s cluster. It replaces the published runs that plan for
    /// any of the same associations; another cluster's published rota stays published.
    pub async fn publish(&self, who: &Principal, id: i64) -> Result<()> {
        let run = self.run_for(who, id).await?;
        let ours: std::collections::BTreeSet<&str> = run
            .dataset
            .requests
            .iter()
            .map(|r| r.association.as_str())
            .collect();
        let mut supersedes = Vec::new();
        for old in self.store.published_runs().await? {
            let other = self.store.run(old).await?;
            // A run without requests overlaps everything: it replaced the whole rota.
            if other.dataset.requests.is_empty()
                || ours.is_empty()
                || other
                    .dataset
                    .requests
                    .iter()
                    .any(|r| ours.contains(r.association.as_str()))
            {
                supersedes.push(old);
            }
        }
        Ok(self.store.publish_run(id, &supersedes).await?)
    }
}
