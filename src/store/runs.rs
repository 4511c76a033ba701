//! Runs in the database: writing one in a single transaction, listing them, and reading
//! one back as plain data (`crate::run::Run`).

use std::str::FromStr;

use sqlx::Row;

use super::data::put_dataset;
use super::{Result, Store, StoreError, enum_text, from_json, json};
use crate::model::Dataset;
use crate::plan::{
    Assignment, ClusterMode, ComponentReport, Figures, Outcome, Params, Reason, Stage, StageReport,
    StageStatus, Uncovered,
};
use crate::run::{Run, RunSummary};

/// What `plan` hands to the store.
pub struct NewRun<'a> {
    pub scenario: &'a str,
    pub dataset_name: &'a str,
    pub dataset: &'a Dataset,
    pub params: &'a Params,
    pub outcome: &'a Outcome,
    /// The greedy baseline's figures, kept for comparison.
    pub baseline: Option<&'a Figures>,
}

/// Rows per multi-row INSERT. Not more: sqlx's SQLite driver resolves each `$N` by name,
/// which costs O(parameters²) per statement (1 000 rows made SQLite slower than 100;
/// measured with benches/store.rs).
const ROWS_PER_INSERT: usize = 100;

/// `prefix` followed by `rows` groups of `columns` numbered placeholders:
/// "($1, $2), ($3, $4)".
fn multi_row_insert(prefix: &str, columns: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(prefix.len() + rows * columns * 6);
    sql.push_str(prefix);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * columns + c + 1));
        }
        sql.push(')');
    }
    sql
}

impl Store {
    /// Writes a run, its input (once per distinct dataset), its rota and its figures in one
    /// transaction. Returns the new run's id.
    pub async fn save_run(&self, run: &NewRun<'_>) -> Result<i64> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_save_run(run).await {
                // Two writers may pick the same next id on PostgreSQL: try again.
                Err(StoreError::Db(sqlx::Error::Database(e)))
                    if attempt < 4 && e.is_unique_violation() =>
                {
                    continue;
                }
                other => return other,
            }
        }
    }

    async fn try_save_run(&self, run: &NewRun<'_>) -> Result<i64> {
        let ds = run.dataset;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut tx = self.write_tx().await?;

        let hash = put_dataset(&mut tx, run.dataset_name, ds, &now).await?;

        let params_json = json(run.params);
        let scenario_known: Option<String> =
            sqlx::query("SELECT name FROM scenarios WHERE name = $1")
                .bind(run.scenario)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.get(0));
        if scenario_known.is_some() {
            sqlx::query("UPDATE scenarios SET params = $1 WHERE name = $2")
                .bind(&params_json)
                .bind(run.scenario)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("INSERT INTO scenarios (name, params) VALUES ($1, $2)")
                .bind(run.scenario)
                .bind(&params_json)
                .execute(&mut *tx)
                .await?;
        }

        let id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 FROM runs")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let o = run.outcome;
        let f = &o.figures;
        sqlx::query(
            "INSERT INTO runs (id, scenario, dataset, created_at, status, solver, params, cluster_mode, \
             requests_total, requests_covered, sessions_total, sessions_covered, weighted_covered, weighted_total, \
             instructors_used, total_km, max_load, seconds, components, baseline) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        )
        .bind(id)
        .bind(run.scenario)
        .bind(&hash)
        .bind(&now)
        .bind("proposed")
        .bind(enum_text(&o.solver))
        .bind(&params_json)
        .bind(enum_text(&o.cluster_mode))
        .bind(f.requests_total as i64)
        .bind(f.requests_covered as i64)
        .bind(f.sessions_total as i64)
        .bind(f.sessions_covered as i64)
        .bind(f.weighted_covered)
        .bind(f.weighted_total)
        .bind(f.instructors_used as i64)
        .bind(f.total_km)
        .bind(f.max_load as i64)
        .bind(o.seconds)
        .bind(json(&o.components))
        .bind(run.baseline.map(json))
        .execute(&mut *tx)
        .await?;
        for s in &o.stages {
            sqlx::query(
                "INSERT INTO run_stages (run_id, stage, status, objective, bound, gap, seconds) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i64::from(s.stage.number()))
            .bind(enum_text(&s.status))
            .bind(finite(s.objective))
            .bind(finite(s.bound))
            .bind(finite(s.gap))
            .bind(s.seconds)
            .execute(&mut *tx)
            .await?;
        }
        // Many rows per statement: a national rota has tens of thousands, and one round trip
        // each is what made storing slow (benches/store.rs).
        for chunk in o.assignments.chunks(ROWS_PER_INSERT) {
            let sql = multi_row_insert(
                "INSERT INTO assignments (run_id, request, part, instructor, km, minutes) VALUES ",
                6,
                chunk.len(),
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for a in chunk {
                q = q
                    .bind(id)
                    .bind(&a.request)
                    .bind(part_column(a.part))
                    .bind(&a.instructor)
                    .bind(a.km)
                    .bind(i64::from(a.minutes));
            }
            q.execute(&mut *tx).await?;
        }
        for chunk in o.uncovered.chunks(ROWS_PER_INSERT) {
            let sql = multi_row_insert(
                "INSERT INTO uncovered (run_id, request, part, reasons, referrals) VALUES ",
                5,
                chunk.len(),
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for u in chunk {
                q = q
                    .bind(id)
                    .bind(&u.request)
                    .bind(part_column(u.part))
                    .bind(json(&u.reasons))
                    .bind(json(&u.referrals));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// All runs, newest first.
    pub async fn runs(&self) -> Result<Vec<RunSummary>> {
        let rows = sqlx::query(SUMMARY_SELECT_ALL.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One run with its input, rota, uncovered requests and solver figures.
    pub async fn run(&self, id: i64) -> Result<Run> {
        let row = sqlx::query(SUMMARY_SELECT_ONE.as_str())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(id))?;
        let summary = summary_from_row(&row)?;
        let snapshot: String = row.try_get("snapshot")?;
        let dataset: Dataset = from_json(&snapshot)?;
        let params: Params = from_json(&row.try_get::<String, _>("params")?)?;
        let cluster_mode = ClusterMode::from_str(&row.try_get::<String, _>("cluster_mode")?)
            .map_err(StoreError::Corrupt)?;

        let assignments = sqlx::query(
            "SELECT request, instructor, km, minutes, part FROM assignments WHERE run_id = $1 ORDER BY request, part, instructor",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Assignment {
                request: r.try_get(0)?,
                part: part_of_column(r.try_get(4)?),
                instructor: r.try_get(1)?,
                km: r.try_get(2)?,
                minutes: r.try_get::<i64, _>(3)? as u32,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let uncovered = sqlx::query(
            "SELECT request, reasons, referrals, part FROM uncovered WHERE run_id = $1 ORDER BY request, part",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let reasons: Vec<Reason> = from_json(&r.try_get::<String, _>(1)?)?;
            Ok(Uncovered {
                request: r.try_get(0)?,
                part: part_of_column(r.try_get(3)?),
                reasons,
                referrals: from_json(&r.try_get::<String, _>(2)?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let stages = sqlx::query(
            "SELECT stage, status, objective, bound, gap, seconds FROM run_stages WHERE run_id = $1 ORDER BY stage",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let n = r.try_get::<i64, _>(0)?;
            let stage = u8::try_from(n)
                .ok()
                .and_then(Stage::from_number)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown stage {n}")))?;
            let status: StageStatus = from_json(&format!("\"{}\"", r.try_get::<String, _>(1)?))?;
            Ok(StageReport {
                stage,
                status,
                objective: r.try_get::<Option<f64>, _>(2)?.unwrap_or(f64::NAN),
                bound: r.try_get::<Option<f64>, _>(3)?.unwrap_or(f64::NAN),
                gap: r.try_get::<Option<f64>, _>(4)?.unwrap_or(f64::INFINITY),
                seconds: r.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Run {
            summary,
            dataset,
            params,
            cluster_mode,
            assignments,
            uncovered,
            stages,
        })
    }

    /// The baseline figures stored with a run, if any, and its components.
    pub async fn run_extras(&self, id: i64) -> Result<(Option<Figures>, Vec<ComponentReport>)> {
        let row = sqlx::query("SELECT baseline, components FROM runs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(id))?;
        let baseline = match row.try_get::<Option<String>, _>(0)? {
            Some(b) => Some(from_json(&b)?),
            None => None,
        };
        Ok((baseline, from_json(&row.try_get::<String, _>(1)?)?))
    }
}

const SUMMARY_COLUMNS: &str = "r.id, r.scenario, d.name AS dataset_name, d.snapshot, r.created_at, r.status, r.solver, \
     r.params, r.cluster_mode, r.requests_total, r.requests_covered, r.sessions_total, r.sessions_covered, \
     r.weighted_covered, r.weighted_total, r.instructors_used, r.total_km, r.max_load";

static SUMMARY_SELECT_ALL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {} FROM runs r JOIN datasets d ON d.hash = r.dataset ORDER BY r.id DESC",
        SUMMARY_COLUMNS.replace("d.snapshot", "'' AS snapshot")
    )
});
static SUMMARY_SELECT_ONE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM runs r JOIN datasets d ON d.hash = r.dataset WHERE r.id = $1"
    )
});

fn summary_from_row(r: &sqlx::any::AnyRow) -> Result<RunSummary> {
    let n = |col: &str| -> Result<usize> { Ok(r.try_get::<i64, _>(col)? as usize) };
    Ok(RunSummary {
        id: r.try_get("id")?,
        scenario: r.try_get("scenario")?,
        dataset: r.try_get("dataset_name")?,
        created_at: r.try_get("created_at")?,
        status: r.try_get("status")?,
        solver: r.try_get("solver")?,
        figures: Figures {
            requests_total: n("requests_total")?,
            requests_covered: n("requests_covered")?,
            sessions_total: n("sessions_total")?,
            sessions_covered: n("sessions_covered")?,
            weighted_covered: r.try_get("weighted_covered")?,
            weighted_total: r.try_get("weighted_total")?,
            instructors_used: n("instructors_used")?,
            total_km: r.try_get("total_km")?,
            max_load: n("max_load")?,
        },
    })
}

fn finite(v: f64) -> NullableF64 {
    NullableF64(v.is_finite().then_some(v))
}

/// A nullable DOUBLE PRECISION parameter for `sqlx::Any`.
///
/// sqlx 0.9's PostgreSQL driver maps a NULL tagged `Double` to a float4 NULL (and one
/// tagged `Real` to float8), which PostgreSQL rejects for a DOUBLE PRECISION parameter
/// ("incorrect binary data format"). So a NULL is tagged `Real` here; SQLite ignores the tag.
pub(super) struct NullableF64(pub(super) Option<f64>);

impl sqlx::Type<sqlx::Any> for NullableF64 {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <f64 as sqlx::Type<sqlx::Any>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Any> for NullableF64 {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx_core::any::AnyArgumentBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        use sqlx_core::any::{AnyTypeInfoKind, AnyValueKind};
        match self.0 {
            Some(v) => {
                buf.0.push(AnyValueKind::Double(v));
                Ok(sqlx::encode::IsNull::No)
            }
            None => {
                buf.0.push(AnyValueKind::Null(AnyTypeInfoKind::Real));
                Ok(sqlx::encode::IsNull::Yes)
            }
        }
    }
}

/// A part as the tables hold it: the session's position, or −1 for all of a course (the
/// part is in the primary key, which cannot hold NULL; migrations/0010_parts.sql).
fn part_column(part: Option<u32>) -> i64 {
    part.map_or(-1, i64::from)
}

fn part_of_column(v: i64) -> Option<u32> {
    u32::try_from(v).ok()
}
