//! The audit trail: who changed what, and when.

use serde::Serialize;
use sqlx::Row;

use super::{Result, Store};

/// One change, as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: String,
    /// Who did it: a token's role and subject (`instructor:i07`), or `cli`.
    pub actor: String,
    /// What was done: `import`, `submit`, `withdraw`, `answer`, `approve`, `publish`,
    /// `add instructor`, `edit association`, `retire instructor`, `change own times`, ...
    pub action: String,
    /// What it concerns: a run (`run 3`), a request, a dataset.
    pub subject: String,
    pub detail: String,
}

impl Store {
    /// Records one change.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest `limit` changes, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT at, actor, action, subject, detail FROM audit ORDER BY at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get(0)?,
                    actor: r.try_get(1)?,
                    action: r.try_get(2)?,
                    subject: r.try_get(3)?,
                    detail: r.try_get(4)?,
                })
            })
            .collect()
    }
}
