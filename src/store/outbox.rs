//! The outbox: the messages a publication leaves for the people it concerns, and what
//! became of each (sent, failed and how often, or no address to send it to).
//!
//! Messages are written only by `Store::publish_run`, in the publication's own transaction,
//! and by `Store::create_signin_link`, in the link's; the deliverer (`app::outbox`) reads the due ones and records each attempt here.

use sqlx::Row;

use super::{Result, Store};

/// Whom a message is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipientKind {
    Instructor,
    Association,
}

impl RecipientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientKind::Instructor => "instructor",
            RecipientKind::Association => "association",
        }
    }

    fn parse(s: &str) -> RecipientKind {
        if s == "association" {
            RecipientKind::Association
        } else {
            RecipientKind::Instructor
        }
    }
}

/// A message to write with a publication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub recipient_kind: RecipientKind,
    /// The instructor's or the association's id.
    pub recipient: String,
    /// `None`: recorded as `no_address`, never sent.
    pub address: Option<String>,
    /// `nb` or `en`.
    pub lang: String,
    pub subject: String,
    pub body: String,
}

/// A stored message and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    pub address: Option<String>,
    pub lang: String,
    pub subject: String,
    pub body: String,
    /// The publication it tells of; none for a sign-in link.
    pub run_id: Option<i64>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// `pending`, `sent`, `failed` or `no_address`.
    pub status: String,
}

const COLUMNS: &str = "id, recipient_kind, recipient, address, lang, subject, body, run_id, \
     created_at, sent_at, attempts, last_error, status";

fn entry(r: &sqlx::any::AnyRow) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: r.try_get(0)?,
        recipient_kind: RecipientKind::parse(&r.try_get::<String, _>(1)?),
        recipient: r.try_get(2)?,
        address: r.try_get(3)?,
        lang: r.try_get(4)?,
        subject: r.try_get(5)?,
        body: r.try_get(6)?,
        run_id: r.try_get(7)?,
        created_at: r.try_get(8)?,
        sent_at: r.try_get(9)?,
        attempts: r.try_get::<i64, _>(10)?,
        last_error: r.try_get(11)?,
        status: r.try_get(12)?,
    })
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Writes `messages` for run `run` (none: a sign-in link) inside the caller's
/// transaction (the publication's, or the link's).
pub(super) async fn insert_messages(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    run: Option<i64>,
    messages: &[NewMessage],
) -> Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    // The transaction holds the write lock (SQLite) or will fail on a duplicate id and be
    // retried by its caller (PostgreSQL), as for runs.
    let mut id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM outbox")
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    let created = now();
    for m in messages {
        let status = if m.address.is_some() {
            "pending"
        } else {
            "no_address"
        };
        sqlx::query(
            "INSERT INTO outbox (id, recipient_kind, recipient, address, lang, subject, body, run_id, \
             created_at, attempts, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)",
        )
        .bind(id)
        .bind(m.recipient_kind.as_str())
        .bind(&m.recipient)
        .bind(m.address.as_deref())
        .bind(&m.lang)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(run)
        .bind(&created)
        .bind(status)
        .execute(&mut **tx)
        .await?;
        id += 1;
    }
    Ok(())
}

impl Store {
    /// The newest `limit` messages, newest first.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxEntry>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry)
            .collect()
    }

    /// Every message to one recipient (`instructor` or `association`), oldest first.
    pub async fn outbox_of(&self, kind: &str, recipient: &str) -> Result<Vec<OutboxEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE recipient_kind = $1 AND recipient = $2 ORDER BY id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(recipient)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry)
            .collect()
    }

    /// The messages due for delivery, oldest first: pending, or failed fewer than
    /// `max_attempts` times, and with an address.
    pub async fn due_messages(&self, max_attempts: i64) -> Result<Vec<OutboxEntry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE status IN ('pending', 'failed') \
             AND address IS NOT NULL AND attempts < $1 ORDER BY id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(max_attempts)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry)
            .collect()
    }

    /// Takes message `id` for one delivery attempt: counts the attempt, unless another
    /// deliverer took it first (its attempts are no longer `attempts`, or it is sent or
    /// erased). True when this caller may send it.
    pub async fn claim_message(&self, id: i64, attempts: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1 WHERE id = $1 AND attempts = $2 \
             AND status IN ('pending', 'failed') AND address IS NOT NULL",
        )
        .bind(id)
        .bind(attempts)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records that message `id` was handed to the mail server.
    pub async fn mark_sent(&self, id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that an attempt to send message `id` failed, and why.
    pub async fn mark_failed(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query("UPDATE outbox SET status = 'failed', last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
