//! What people see of the runs: the published rota, and newer proposals that would change
//! it, marked as such. Associations and instructors read it here (calendar feeds in
//! `calendar.rs`).

use super::error::Result;
use super::service::Service;

impl Service {
    /// The runs people see: every published run (newest first), and the newer runs not yet
    /// published (proposals), newest first.
    pub(super) async fn views(&self) -> Result<Views> {
        let mut published = Vec::new();
        let mut proposals = Vec::new();
        for summary in self.store.runs().await? {
            match summary.status.as_str() {
                "published" => published.push(self.store.run(summary.id).await?),
                "proposed" | "approved" => proposals.push(self.store.run(summary.id).await?),
                _ => {}
            }
        }
        let newest_published = published.iter().map(|r| r.summary.id).max().unwrap_or(0);
        proposals.retain(|r| r.summary.id > newest_published);
        Ok(Views {
            published,
            proposals,
        })
    }
}

/// The runs people see: the published ones and the newer proposals, newest first.
pub(super) struct Views {
    pub(super) published: Vec<crate::run::Run>,
    pub(super) proposals: Vec<crate::run::Run>,
}

impl Views {
    /// The run whose rota a request's association sees: the newest published run that
    /// plans the request; before any is published, the newest proposal that does.
    pub(super) fn shown_for(&self, request: &str) -> Option<&crate::run::Run> {
        let plans = |r: &&crate::run::Run| r.dataset.requests.iter().any(|x| x.id == request);
        self.published
            .iter()
            .find(plans)
            .or_else(|| self.proposals.iter().find(plans))
    }

    /// A newer proposal than `shown` that plans the request.
    pub(super) fn pending_for(
        &self,
        request: &str,
        shown: Option<&crate::run::Run>,
    ) -> Option<&crate::run::Run> {
        let after = shown.map_or(0, |s| s.summary.id);
        self.proposals
            .iter()
            .find(|r| r.summary.id > after && r.dataset.requests.iter().any(|x| x.id == request))
    }
}

/// The instructors a run gives a request, sorted.
pub(super) fn staffing(run: &crate::run::Run, request: &str) -> Vec<String> {
    let mut v: Vec<String> = run
        .assignments
        .iter()
        .filter(|a| a.request == request)
        .map(|a| a.instructor.clone())
        .collect();
    v.sort();
    v
}

pub(super) const FALLBACK_STAMP: &str = "20270101T000000Z";

/// A stored RFC 3339 time as iCalendar's UTC stamp (`YYYYMMDDTHHMMSSZ`).
pub fn ics_stamp(created_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(created_at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y%m%dT%H%M%SZ")
                .to_string()
        })
        .unwrap_or_else(|_| FALLBACK_STAMP.into())
}
