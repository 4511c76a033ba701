//! What the service keeps besides runs: access tokens (hashed), requests submitted by small
//! associations, instructors' answers, calendar feed secrets, and the run life cycle
//! (proposed → published → superseded).

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::model::Request;

/// Who a token speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Of one cluster (subject: the hub id) or of all (subject: `*`).
    Coordinator,
    /// A small association (subject: its id): its own requests only.
    Association,
    /// An instructor (subject: their id): their own assignments only.
    Instructor,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Association => "association",
            Role::Instructor => "instructor",
        }
    }

    /// Every role's name, for help texts and choices.
    pub const NAMES: [&'static str; 3] = ["coordinator", "association", "instructor"];

    fn parse(s: &str) -> Option<Role> {
        match s {
            "coordinator" => Some(Role::Coordinator),
            "association" => Some(Role::Association),
            "instructor" => Some(Role::Instructor),
            _ => None,
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Role::parse(s).ok_or_else(|| format!("unknown role {s}"))
    }
}

/// The holder of a valid token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub role: Role,
    pub subject: String,
}

/// A request submitted through the service.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiveRequest {
    pub request: Request,
    pub note: String,
    pub created_at: String,
    pub withdrawn: bool,
}

pub(super) fn hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

pub(super) fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A (role, subject) row as the holder of a token; `None` for a role this version does not
/// know.
pub(super) fn principal_of(r: &sqlx::any::AnyRow) -> Option<Principal> {
    let role: String = r.get(0);
    Role::parse(&role).map(|role| Principal {
        role,
        subject: r.get(1),
    })
}

fn now() -> String {
    stamp(chrono::Utc::now())
}

/// A time as stored: RFC 3339 in UTC with milliseconds, so that text order is time order.
pub(super) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Makes a token; only its hash is stored. The secret is returned once.
    pub async fn create_token(&self, role: Role, subject: &str) -> Result<String> {
        let secret = format!("kl_{}", random_hex(24));
        sqlx::query("INSERT INTO tokens (hash, role, subject, created_at, revoked) VALUES ($1, $2, $3, $4, 0)")
            .bind(hash(&secret))
            .bind(role.as_str())
            .bind(subject)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(secret)
    }

    /// The holder of a token, if it is valid and not revoked.
    pub async fn principal(&self, secret: &str) -> Result<Option<Principal>> {
        let row = sqlx::query("SELECT role, subject FROM tokens WHERE hash = $1 AND revoked = 0")
            .bind(hash(secret))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().and_then(principal_of))
    }

    /// Revokes a token; false if there was no such token.
    pub async fn revoke_token(&self, secret: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE tokens SET revoked = 1 WHERE hash = $1")
            .bind(hash(secret))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a submitted request under a fresh id (returned). The request's own id is
    /// replaced.
    pub async fn submit_request(&self, request: &Request, note: &str) -> Result<String> {
        let id = format!("q{}", random_hex(6));
        let mut r = request.clone();
        r.id = id.clone();
        let body = serde_json::to_string(&r).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO live_requests (id, association, body, note, created_at, withdrawn) VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(&id)
        .bind(&r.association)
        .bind(body)
        .bind(note)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// Submitted requests, oldest first; only `association`'s when given.
    pub async fn live_requests(&self, association: Option<&str>) -> Result<Vec<LiveRequest>> {
        let rows = match association {
            Some(a) => {
                sqlx::query("SELECT body, note, created_at, withdrawn FROM live_requests WHERE association = $1 ORDER BY created_at, id")
                    .bind(a)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT body, note, created_at, withdrawn FROM live_requests ORDER BY created_at, id")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                let body: String = r.try_get(0)?;
                Ok(LiveRequest {
                    request: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    note: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                    withdrawn: r.try_get::<i64, _>(3)? != 0,
                })
            })
            .collect()
    }

    /// Withdraws a submitted request of `association`; false if it has no such request.
    pub async fn withdraw_request(&self, id: &str, association: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE live_requests SET withdrawn = 1 WHERE id = $1 AND association = $2",
        )
        .bind(id)
        .bind(association)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Approves a proposed run (a coordinator has looked at it); false if it is not proposed.
    pub async fn approve_run(&self, id: i64) -> Result<bool> {
        let exists = sqlx::query("SELECT id FROM runs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(id));
        }
        let done = sqlx::query(
            "UPDATE runs SET status = 'approved' WHERE id = $1 AND status = 'proposed'",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Publishes an approved run, marks the runs in `supersedes` that are published as
    /// superseded, and writes the messages telling people what changed, all in one
    /// transaction: the messages exist exactly when the publication happened. (Which runs a
    /// publication replaces is the caller's decision: those of the same requests.) False,
    /// with nothing written, when the run is not approved (any more).
    pub async fn publish_run(
        &self,
        id: i64,
        supersedes: &[i64],
        messages: &[super::NewMessage],
    ) -> Result<bool> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_publish_run(id, supersedes, messages).await {
                // Two writers may pick the same next outbox id on PostgreSQL: try again.
                Err(StoreError::Db(sqlx::Error::Database(e)))
                    if attempt < 4 && e.is_unique_violation() =>
                {
                    continue;
                }
                other => return other,
            }
        }
    }

    async fn try_publish_run(
        &self,
        id: i64,
        supersedes: &[i64],
        messages: &[super::NewMessage],
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let exists = sqlx::query("SELECT id FROM runs WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(id));
        }
        // Checked inside the transaction, so that two publications of the same run cannot
        // both write their messages.
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let done = sqlx::query(
            "UPDATE runs SET status = 'published', published_at = $2 WHERE id = $1 AND status = 'approved'",
        )
        .bind(id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        for &old in supersedes.iter().filter(|&&old| old != id) {
            sqlx::query(
                "UPDATE runs SET status = 'superseded' WHERE status = 'published' AND id = $1",
            )
            .bind(old)
            .execute(&mut *tx)
            .await?;
        }
        super::outbox::insert_messages(&mut tx, Some(id), messages).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The ids of the published runs.
    pub async fn published_runs(&self) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT id FROM runs WHERE status = 'published' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Every publication so far, oldest first: the run's id and when it was published
    /// (RFC 3339, UTC). A superseded run that was published once is among them.
    pub async fn publications(&self) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT id, published_at FROM runs WHERE published_at IS NOT NULL \
             ORDER BY published_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Marks every still-proposed run stored under `scenario` as superseded (a newer
    /// proposal replaces them); returns how many.
    pub async fn supersede_proposals(&self, scenario: &str) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE runs SET status = 'superseded' WHERE status = 'proposed' AND scenario = $1",
        )
        .bind(scenario)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The status of a run.
    pub async fn run_status(&self, id: i64) -> Result<String> {
        let row = sqlx::query("SELECT status FROM runs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(id))?;
        Ok(row.try_get(0)?)
    }

    /// The id of the newest run with `status`, or of the newest run at all.
    pub async fn latest_run(&self, status: Option<&str>) -> Result<Option<i64>> {
        let row = match status {
            Some(s) => {
                sqlx::query("SELECT MAX(id) FROM runs WHERE status = $1")
                    .bind(s)
                    .fetch_one(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT MAX(id) FROM runs")
                    .fetch_one(&self.pool)
                    .await?
            }
        };
        Ok(row.try_get::<Option<i64>, _>(0)?)
    }

    /// Records an instructor's answer (`accepted` / `declined`) to an assignment.
    pub async fn respond(
        &self,
        run: i64,
        request: &str,
        instructor: &str,
        answer: &str,
    ) -> Result<bool> {
        let assigned = sqlx::query(
            "SELECT run_id FROM assignments WHERE run_id = $1 AND request = $2 AND instructor = $3",
        )
        .bind(run)
        .bind(request)
        .bind(instructor)
        .fetch_optional(&self.pool)
        .await?;
        if assigned.is_none() {
            return Ok(false);
        }
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM responses WHERE run_id = $1 AND request = $2 AND instructor = $3")
            .bind(run)
            .bind(request)
            .bind(instructor)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO responses (run_id, request, instructor, answer, answered_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(run)
            .bind(request)
            .bind(instructor)
            .bind(answer)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The answers given on a run: (request, instructor) → answer.
    pub async fn responses(
        &self,
        run: i64,
    ) -> Result<std::collections::BTreeMap<(String, String), String>> {
        let rows =
            sqlx::query("SELECT request, instructor, answer FROM responses WHERE run_id = $1")
                .bind(run)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
            .collect()
    }

    /// Every instructor's answers, whatever run they were given on: the newest answer per
    /// (request, instructor), of those given before `before` (an RFC 3339 time) when set.
    pub async fn answers(
        &self,
        before: Option<&str>,
    ) -> Result<std::collections::BTreeMap<(String, String), String>> {
        let rows = sqlx::query(
            "SELECT request, instructor, answer, answered_at FROM responses ORDER BY answered_at, run_id",
        )
        .fetch_all(&self.pool)
        .await?;
        // Compared as times, not as text: stored stamps differ in their precision.
        let time = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
        let before = before.and_then(time);
        let mut out = std::collections::BTreeMap::new();
        for r in &rows {
            let at: String = r.try_get(3)?;
            if let Some(b) = before
                && time(&at).is_none_or(|t| t >= b)
            {
                continue;
            }
            out.insert((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?);
        }
        Ok(out)
    }

    /// A new calendar-feed secret for an instructor (any earlier one stops working).
    pub async fn rotate_feed(&self, instructor: &str) -> Result<String> {
        let secret = random_hex(20);
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM feeds WHERE instructor = $1")
            .bind(instructor)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO feeds (secret_hash, instructor) VALUES ($1, $2)")
            .bind(hash(&secret))
            .bind(instructor)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The instructor a feed secret belongs to, while that instructor still has access (a
    /// token that is not revoked): revoking their access stops their feed too.
    pub async fn feed_owner(&self, secret: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT f.instructor FROM feeds f WHERE f.secret_hash = $1 AND EXISTS \
             (SELECT 1 FROM tokens t WHERE t.role = 'instructor' AND t.subject = f.instructor AND t.revoked = 0)",
        )
        .bind(hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.get(0)))
    }
}
