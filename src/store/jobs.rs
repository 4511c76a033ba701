//! The job queue: plans and repairs asked for on the web, run by a worker in some
//! `klynge serve` or `klynge worker` process.
//!
//! A job goes queued → running → done (with its run) or failed (with its reason); a failed
//! job can be put back in the queue. What makes this safe with several processes on one
//! PostgreSQL database:
//!
//! - **A claim is one statement**: the oldest queued job is set running for one worker in a
//!   single `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`. Two workers
//!   claiming at once lock different rows (the second skips the row the first holds, and a
//!   row already set running no longer matches), so each job is taken once. SQLite has no
//!   row locks and needs none: the claim runs in a `BEGIN IMMEDIATE` transaction, which
//!   holds the only write lock.
//! - **Every later step names its worker**: progress, heartbeat, done and failed change the
//!   job only while it is still running for the worker that claimed it. A job taken back
//!   from a worker that stopped (see `reclaim_jobs`) cannot then be marked done by it.
//! - **Done needs a run**: the schema refuses a done job without `run_id`. The run is
//!   stored first (its own transaction), then the job is marked done. If the worker dies
//!   between the two, the run is complete but its job stays running until its heartbeat is
//!   older than the reclaim age, and is then marked failed ("the worker stopped"); it can
//!   be retried. So: never a done job without its run, never a half-written run; at worst a
//!   complete proposed run whose job says failed.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Result, Store, StoreError, from_json, json};

/// A job as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: i64,
    /// `plan` or `repair`.
    pub kind: String,
    /// Who asked, as the audit trail names them (`coordinator:trondheim`).
    pub who: String,
    /// What to run, as JSON: the principal, and for a repair the run to repair.
    pub scope: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// How far the running job has come (`3/7`: parts of the plan done), or empty.
    pub progress: String,
    /// The worker that claimed it last (`host-pid-random`).
    pub worker: Option<String>,
    /// How many times a worker has claimed it.
    pub attempts: i64,
    /// The run it stored (done jobs only).
    pub run_id: Option<i64>,
    pub error: Option<Reason>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub heartbeat_at: Option<String>,
}

/// Why a job failed, in both languages (the store cannot know the reader's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub nb: String,
    pub en: String,
}

const COLUMNS: &str = "id, kind, who, scope, status, progress, worker, attempts, run_id, error, \
                       created_at, started_at, finished_at, heartbeat_at";

/// Now, as the text every time stamp of the queue is kept in (sortable as text).
fn now() -> String {
    stamp(chrono::Utc::now())
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn job_of(r: &sqlx::any::AnyRow) -> Result<Job> {
    let error: Option<String> = r.try_get("error")?;
    Ok(Job {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        who: r.try_get("who")?,
        scope: r.try_get("scope")?,
        status: r.try_get("status")?,
        progress: r.try_get("progress")?,
        worker: r.try_get("worker")?,
        attempts: r.try_get("attempts")?,
        run_id: r.try_get("run_id")?,
        error: error.as_deref().map(from_json).transpose()?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        heartbeat_at: r.try_get("heartbeat_at")?,
    })
}

impl Store {
    /// Puts a job in the queue; returns its id.
    pub async fn enqueue_job(&self, kind: &str, who: &str, scope: &str) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        if !self.is_sqlite {
            // Two enqueues must not pick the same next id. SQLite's BEGIN IMMEDIATE already
            // serialises writers; on PostgreSQL this lock does (it lets readers and claims
            // of existing rows through after a moment: the transaction is short).
            sqlx::query("LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM jobs")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, who, scope, status, progress, attempts, created_at) \
             VALUES ($1, $2, $3, $4, 'queued', '', 0, $5)",
        )
        .bind(id)
        .bind(kind)
        .bind(who)
        .bind(scope)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes the oldest queued job for `worker`, if there is one: it is running, claimed by
    /// `worker`, one more attempt. Exactly one claimer gets each job (see the module).
    pub async fn claim_job(&self, worker: &str) -> Result<Option<Job>> {
        let lock = if self.is_sqlite {
            ""
        } else {
            " FOR UPDATE SKIP LOCKED"
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', worker = $1, attempts = attempts + 1, \
             progress = '', error = NULL, started_at = $2, heartbeat_at = $2, finished_at = NULL \
             WHERE status = 'queued' AND id = \
             (SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1{lock}) \
             RETURNING {COLUMNS}"
        );
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(worker)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.as_ref().map(job_of).transpose()
    }

    /// Records how far a running job has come, and that its worker is alive. False when
    /// the job is no longer running for `worker` (it was taken back).
    pub async fn job_progress(&self, id: i64, worker: &str, progress: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET progress = $1, heartbeat_at = $2 \
             WHERE id = $3 AND worker = $4 AND status = 'running'",
        )
        .bind(progress)
        .bind(now())
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a running job done with the run it stored. False when the job is no longer
    /// running for `worker`.
    pub async fn finish_job(&self, id: i64, worker: &str, run: i64) -> Result<bool> {
        let at = now();
        let done = sqlx::query(
            "UPDATE jobs SET status = 'done', run_id = $1, progress = '', finished_at = $2, \
             heartbeat_at = $2 WHERE id = $3 AND worker = $4 AND status = 'running'",
        )
        .bind(run)
        .bind(&at)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a running job failed, with why. False when the job is no longer running for
    /// `worker`.
    pub async fn fail_job(&self, id: i64, worker: &str, why: &Reason) -> Result<bool> {
        let at = now();
        let done = sqlx::query(
            "UPDATE jobs SET status = 'failed', error = $1, finished_at = $2, heartbeat_at = $2 \
             WHERE id = $3 AND worker = $4 AND status = 'running'",
        )
        .bind(json(why))
        .bind(&at)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a failed job back in the queue (its attempts are kept, its reason cleared).
    /// False when the job is not failed.
    pub async fn retry_job(&self, id: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'queued', progress = '', error = NULL, worker = NULL, \
             started_at = NULL, finished_at = NULL, heartbeat_at = NULL \
             WHERE id = $1 AND status = 'failed'",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks failed, with `why`, every running job whose worker has not been heard of for
    /// `age` (it stopped, or lost the database). They are not put back in the queue by
    /// themselves: a plan that keeps killing its worker would otherwise kill every worker
    /// in turn; someone retries it. Returns their ids.
    pub async fn reclaim_jobs(&self, age: chrono::Duration, why: &Reason) -> Result<Vec<i64>> {
        let cutoff = stamp(chrono::Utc::now() - age);
        let rows = sqlx::query(
            "UPDATE jobs SET status = 'failed', error = $1, finished_at = $2 \
             WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $3) \
             RETURNING id",
        )
        .bind(json(why))
        .bind(now())
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)?)).collect()
    }

    /// The job with this id.
    pub async fn job(&self, id: i64) -> Result<Job> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NoJob(id))?;
        job_of(&row)
    }

    /// Every job, oldest first.
    pub async fn jobs(&self) -> Result<Vec<Job>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job_of).collect()
    }
}
