//! The cluster's data in the database. Every input is stored once per distinct dataset
//! (keyed by the SHA-256 of its canonical JSON, in tables and as that JSON); one of them is
//! the current data: what `klynge plan` without a folder and `klynge serve` plan.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::runs::NullableF64;
use super::{Result, Store, from_json};
use crate::model::{AssociationKind, Dataset, weekday_code};

impl Store {
    /// The current data and the name it was imported under, if any was imported.
    pub async fn current_data(&self) -> Result<Option<(Dataset, String)>> {
        let row = sqlx::query(
            "SELECT d.snapshot, d.name FROM current_data c JOIN datasets d ON d.hash = c.dataset WHERE c.slot = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => {
                let snapshot: String = r.try_get(0)?;
                Ok(Some((from_json(&snapshot)?, r.try_get(1)?)))
            }
            None => Ok(None),
        }
    }

    /// The hash of the current data (`None`: nothing imported): whether it has changed
    /// since it was last read, in one small query.
    pub async fn current_data_hash(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query("SELECT dataset FROM current_data WHERE slot = 1")
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?,
        )
    }

    /// Makes `ds` the current data, in one transaction (stored as an input if new).
    pub async fn set_current_data(&self, name: &str, ds: &Dataset) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut tx = self.write_tx().await?;
        let hash = put_dataset(&mut tx, name, ds, &now).await?;
        sqlx::query("DELETE FROM current_data WHERE slot = 1")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO current_data (slot, dataset, updated_at) VALUES (1, $1, $2)")
            .bind(&hash)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One change to the current data as the audit trail records it.
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

impl Store {
    /// Replaces the current data with `ds` if it is still the data with hash `expected`
    /// (`None`: nothing imported yet), recording `change` in the audit trail, all in one
    /// transaction. Returns false, changing nothing, when someone else changed the data
    /// first: the caller reads them again and retries, so that no edit is lost.
    pub async fn replace_current_data(
        &self,
        expected: Option<&str>,
        name: &str,
        ds: &Dataset,
        change: &Change<'_>,
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut tx = self.write_tx().await?;
        // SQLite's write transaction (BEGIN IMMEDIATE) already holds the lock.
        let select = if self.is_sqlite {
            "SELECT dataset FROM current_data WHERE slot = 1"
        } else {
            "SELECT dataset FROM current_data WHERE slot = 1 FOR UPDATE"
        };
        let current: Option<String> = sqlx::query(select)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        if current.as_deref() != expected {
            return Ok(false);
        }
        let hash = put_dataset(&mut tx, name, ds, &now).await?;
        sqlx::query("DELETE FROM current_data WHERE slot = 1")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO current_data (slot, dataset, updated_at) VALUES (1, $1, $2)")
            .bind(&hash)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&now)
        .bind(change.actor)
        .bind(change.action)
        .bind(change.subject)
        .bind(change.detail)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Stores a dataset (once per distinct content) inside `tx`; returns its hash.
pub(super) async fn put_dataset(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    name: &str,
    ds: &Dataset,
    now: &str,
) -> Result<String> {
    let snapshot = ds.to_canonical_json();
    let hash = format!("{:x}", Sha256::digest(snapshot.as_bytes()));
    let now = now.to_owned();
    let known: Option<String> = sqlx::query("SELECT hash FROM datasets WHERE hash = $1")
        .bind(&hash)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.get(0));
    if known.is_none() {
        sqlx::query(
            "INSERT INTO datasets (hash, name, snapshot, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&hash)
        .bind(name)
        .bind(&snapshot)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
        for a in &ds.associations {
            sqlx::query(
                    "INSERT INTO associations (dataset, id, name, kind, lat, lon, municipality, opt_in, cluster) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&hash)
                .bind(&a.id)
                .bind(&a.name)
                .bind(if a.kind == AssociationKind::Hub { "hub" } else { "small" })
                .bind(a.lat)
                .bind(a.lon)
                .bind(&a.municipality)
                .bind(i16::from(a.opt_in))
                .bind(a.cluster.clone())
                .execute(&mut **tx)
                .await?;
        }
        for i in &ds.instructors {
            sqlx::query(
                    "INSERT INTO instructors (dataset, id, name, association, lat, lon, topics, languages, max_km, \
                     max_sessions_per_week, max_sessions_total, max_hours_per_week) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(&hash)
                .bind(&i.id)
                .bind(&i.name)
                .bind(&i.association)
                .bind(NullableF64(i.lat))
                .bind(NullableF64(i.lon))
                .bind(i.topics.join(";"))
                .bind(i.languages.join(";"))
                .bind(i.max_km)
                .bind(i64::from(i.max_sessions_per_week))
                .bind(i.max_sessions_total.map(i64::from))
                .bind(NullableF64(i.max_hours_per_week))
                .execute(&mut **tx)
                .await?;
            for s in &i.availability {
                sqlx::query(
                    "INSERT INTO availability (dataset, instructor, weekday, start_time, end_time) \
                         VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&hash)
                .bind(&i.id)
                .bind(weekday_code(s.weekday))
                .bind(s.start.to_string())
                .bind(s.end.to_string())
                .execute(&mut **tx)
                .await?;
            }
            for b in &i.blackouts {
                sqlx::query("INSERT INTO blackouts (dataset, instructor, from_date, to_date) VALUES ($1, $2, $3, $4)")
                        .bind(&hash)
                        .bind(&i.id)
                        .bind(b.from.to_string())
                        .bind(b.to.to_string())
                        .execute(&mut **tx)
                        .await?;
            }
        }
        for r in &ds.requests {
            sqlx::query(
                    "INSERT INTO requests (dataset, id, association, topic, language, instructors_needed, priority, \
                     venue_lat, venue_lon) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&hash)
                .bind(&r.id)
                .bind(&r.association)
                .bind(&r.topic)
                .bind(&r.language)
                .bind(i64::from(r.instructors_needed))
                .bind(i64::from(r.priority))
                .bind(NullableF64(r.venue_lat))
                .bind(NullableF64(r.venue_lon))
                .execute(&mut **tx)
                .await?;
            for s in r.all_sessions() {
                sqlx::query(
                    "INSERT INTO sessions (dataset, request, session_date, start_time, end_time) \
                         VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&hash)
                .bind(&r.id)
                .bind(s.date.to_string())
                .bind(s.start.to_string())
                .bind(s.end.to_string())
                .execute(&mut **tx)
                .await?;
            }
        }
    }

    Ok(hash)
}
