//! The run life cycle: proposed → approved → published → superseded. A run is published
//! only after a coordinator has approved it; publishing replaces the published runs of the
//! same requests (another cluster's or another term's rota stays), and leaves a message in
//! the outbox for everyone whose part of the rota changed (`notify`). The command line and
//! the service both go through here.

use crate::run::Run;
use crate::store::{AuditEntry, Principal, RunSummary, Store};

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
        approve(&self.store, &actor(who), id).await
    }

    /// The audit trail, newest first: for a coordinator of all clusters only (it names
    /// every cluster's people and runs).
    pub async fn audit_log(&self, who: &Principal, limit: i64) -> Result<Vec<AuditEntry>> {
        if who.subject != "*" {
            return Err(AppError::AllClustersOnly);
        }
        Ok(self.store.audit_log(limit).await?)
    }

    /// The taught hours of the published courses of `who`'s cluster, under `rules`. A run
    /// may plan several clusters at once: only this cluster's courses of it count.
    pub async fn hours(
        &self,
        who: &Principal,
        rules: &crate::hours::HoursRules,
    ) -> Result<crate::hours::Hours> {
        let mut runs = published_runs(&self.store).await?;
        for run in &mut runs {
            run.dataset
                .requests
                .retain(|r| self.coordinator_sees(who, &r.association));
        }
        Ok(crate::hours::hours(&runs, rules))
    }

    /// Publishes an approved run of `who`'s cluster.
    pub async fn publish(&self, who: &Principal, id: i64) -> Result<()> {
        let run = self.run_for(who, id).await?;
        publish(&self.store, &actor(who), &run).await
    }
}

/// Approves a proposed run (a coordinator has looked at it).
/// Who did something, as the audit trail records it: `coordinator:trondheim`.
pub fn actor(who: &Principal) -> String {
    let role = match who.role {
        crate::store::Role::Coordinator => "coordinator",
        crate::store::Role::Association => "association",
        crate::store::Role::Instructor => "instructor",
    };
    format!("{role}:{}", who.subject)
}

/// Every published run (the rotas people follow), newest first.
pub async fn published_runs(store: &Store) -> Result<Vec<Run>> {
    let mut out = Vec::new();
    for summary in store.runs().await? {
        if summary.status == "published" {
            out.push(store.run(summary.id).await?);
        }
    }
    Ok(out)
}

/// Approves a proposed run (a coordinator has looked at it); `by` is recorded.
pub async fn approve(store: &Store, by: &str, id: i64) -> Result<()> {
    if store.approve_run(id).await? {
        store.audit(by, "approve", &format!("run {id}"), "").await?;
        Ok(())
    } else {
        Err(AppError::NotProposed)
    }
}

/// Publishes an approved run. It replaces the published runs that plan any of the same
/// requests; a run of other requests (another cluster, another term) stays published.
/// Publishing a published run again changes nothing.
pub async fn publish(store: &Store, by: &str, run: &Run) -> Result<()> {
    let id = run.summary.id;
    match store.run_status(id).await?.as_str() {
        "approved" => {}
        "published" => return Ok(()),
        _ => return Err(AppError::NotApproved(id)),
    }
    // A publication replaces the published runs that plan any of the same requests (a
    // re-plan or a repair of the same term). Another cluster's run, or another term's,
    // plans other requests and stays published.
    let ours: std::collections::BTreeSet<&str> =
        run.dataset.requests.iter().map(|r| r.id.as_str()).collect();
    let mut supersedes = Vec::new();
    for old in store.published_runs().await? {
        let other = store.run(old).await?;
        // A run without requests replaced the whole rota, and is replaced by any.
        if other.dataset.requests.is_empty()
            || ours.is_empty()
            || other
                .dataset
                .requests
                .iter()
                .any(|r| ours.contains(r.id.as_str()))
        {
            supersedes.push(old);
        }
    }
    // What people are told is computed from the rota they knew (the runs replaced) and
    // the new one, and written with the publication itself: both happen, or neither.
    let mut replaced_runs = Vec::new();
    for &old in supersedes.iter().filter(|&&old| old != id) {
        replaced_runs.push(store.run(old).await?);
    }
    let messages = super::notify::messages(run, &replaced_runs);
    if !store.publish_run(id, &supersedes, &messages).await? {
        // Published (or withdrawn) by someone else in the meantime.
        return match store.run_status(id).await?.as_str() {
            "published" => Ok(()),
            _ => Err(AppError::NotApproved(id)),
        };
    }
    let replaced: Vec<String> = supersedes.iter().map(|r| format!("run {r}")).collect();
    store
        .audit(by, "publish", &format!("run {id}"), &replaced.join(", "))
        .await?;
    Ok(())
}
