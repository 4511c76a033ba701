//! Personal data of volunteers (GDPR): everything stored about one instructor can be
//! exported, and erased.
//!
//! Erasure removes the name, e-mail address, home location, availability and blackouts from
//! every stored input (snapshots and tables), the person's tokens (with their sessions and
//! sign-in links) and calendar feed, and
//! their messages: unsent ones are deleted, sent ones keep only that something was sent
//! when (no address, no text). The instructor's
//! id (a pseudonym) stays in past runs, so that their figures still add up; a stored rota
//! that includes an erased person can no longer be fully re-checked (`klynge check` reports
//! the availability it can no longer see).

use serde_json::{Value, json};
use sqlx::Row;

use super::{Result, Store, StoreError};
use crate::model::Dataset;

/// The name an erased instructor gets.
pub const ERASED: &str = "(slettet / erased)";

impl Store {
    /// Everything stored about instructor `id`, as JSON.
    pub async fn export_person(&self, id: &str) -> Result<Value> {
        let mut records = Vec::new();
        for row in sqlx::query("SELECT hash, name, snapshot FROM datasets ORDER BY created_at")
            .fetch_all(&self.pool)
            .await?
        {
            let snapshot: String = row.try_get(2)?;
            let ds: Dataset =
                serde_json::from_str(&snapshot).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if let Some(i) = ds.instructors.iter().find(|i| i.id == id) {
                records.push(json!({ "dataset": row.try_get::<String, _>(1)?, "dataset_hash": row.try_get::<String, _>(0)?, "instructor": i }));
            }
        }
        let assignments: Vec<Value> = sqlx::query("SELECT run_id, request, km, minutes FROM assignments WHERE instructor = $1 ORDER BY run_id, request")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| -> Result<Value> {
                Ok(json!({ "run": r.try_get::<i64, _>(0)?, "request": r.try_get::<String, _>(1)?,
                           "km_one_way": r.try_get::<f64, _>(2)?, "travel_minutes": r.try_get::<i64, _>(3)? }))
            })
            .collect::<Result<_>>()?;
        let answers: Vec<Value> = sqlx::query("SELECT run_id, request, answer, answered_at FROM responses WHERE instructor = $1 ORDER BY run_id, request")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| -> Result<Value> {
                Ok(json!({ "run": r.try_get::<i64, _>(0)?, "request": r.try_get::<String, _>(1)?,
                           "answer": r.try_get::<String, _>(2)?, "answered_at": r.try_get::<String, _>(3)? }))
            })
            .collect::<Result<_>>()?;
        let tokens: Vec<Value> = sqlx::query("SELECT created_at, revoked FROM tokens WHERE role = 'instructor' AND subject = $1")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| -> Result<Value> {
                Ok(json!({ "created_at": r.try_get::<String, _>(0)?, "revoked": r.try_get::<i64, _>(1)? != 0 }))
            })
            .collect::<Result<_>>()?;
        // What they did, and what coordinators did to their record (`edit instructor i07`).
        let audit: Vec<Value> = sqlx::query(
            "SELECT at, action, subject, detail FROM audit WHERE actor = $1 OR subject = $2 ORDER BY at",
        )
        .bind(format!("instructor:{id}"))
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| -> Result<Value> {
            Ok(json!({ "at": r.try_get::<String, _>(0)?, "action": r.try_get::<String, _>(1)?,
                       "subject": r.try_get::<String, _>(2)?, "detail": r.try_get::<String, _>(3)? }))
        })
        .collect::<Result<_>>()?;
        let messages: Vec<Value> = self
            .outbox_of("instructor", id)
            .await?
            .into_iter()
            .map(|m| {
                json!({ "run": m.run_id, "address": m.address, "lang": m.lang, "subject": m.subject,
                        "body": m.body, "created_at": m.created_at, "sent_at": m.sent_at,
                        "status": m.status, "attempts": m.attempts, "last_error": m.last_error })
            })
            .collect();
        let has_feed = sqlx::query("SELECT instructor FROM feeds WHERE instructor = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .is_some();
        Ok(
            json!({ "instructor": id, "records": records, "assignments": assignments, "answers": answers,
                   "tokens": tokens, "calendar_feed": has_feed, "audit": audit, "messages": messages }),
        )
    }

    /// Erases instructor `id`'s personal data everywhere it is stored, in one transaction.
    /// Returns how many stored inputs held them.
    pub async fn erase_person(&self, id: &str) -> Result<usize> {
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query("SELECT hash, snapshot FROM datasets")
            .fetch_all(&mut *tx)
            .await?;
        let mut touched = 0;
        for row in rows {
            let hash: String = row.try_get(0)?;
            let snapshot: String = row.try_get(1)?;
            let mut ds: Dataset =
                serde_json::from_str(&snapshot).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let Some(i) = ds.instructors.iter_mut().find(|i| i.id == id) else {
                continue;
            };
            i.name = ERASED.into();
            i.email = None;
            i.lat = None;
            i.lon = None;
            i.availability.clear();
            i.blackouts.clear();
            sqlx::query("UPDATE datasets SET snapshot = $1 WHERE hash = $2")
                .bind(ds.to_canonical_json())
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
            touched += 1;
        }
        sqlx::query("UPDATE instructors SET name = $1, lat = NULL, lon = NULL WHERE id = $2")
            .bind(ERASED)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for table in ["availability", "blackouts", "feeds"] {
            let sql = format!("DELETE FROM {table} WHERE instructor = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        // A message not yet sent will never be: it goes. One that was sent keeps that it
        // was, and when, without the address or the text.
        sqlx::query(
            "DELETE FROM outbox WHERE recipient_kind = 'instructor' AND recipient = $1 AND status <> 'sent'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE outbox SET address = NULL, body = $1, last_error = NULL \
             WHERE recipient_kind = 'instructor' AND recipient = $2",
        )
        .bind(ERASED)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The trail keeps what was done, not by whom.
        sqlx::query("UPDATE audit SET actor = $1 WHERE actor = $2")
            .bind(format!("instructor:{ERASED}"))
            .bind(format!("instructor:{id}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM login_sessions WHERE token_hash IN (SELECT hash FROM tokens WHERE role = 'instructor' AND subject = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM signin_links WHERE token_hash IN (SELECT hash FROM tokens WHERE role = 'instructor' AND subject = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM tokens WHERE role = 'instructor' AND subject = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(touched)
    }
}
