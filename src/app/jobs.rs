//! Plans and repairs as jobs. A web request only checks that the caller may ask, queues a
//! job (`store::jobs`) and answers at once; a worker — in every `klynge serve` unless told
//! otherwise, or alone in `klynge worker` — claims queued jobs one at a time, runs them
//! through the same `plan_now` / `repair_now` as before, and records done (with the run)
//! or failed (with why). A solve can take minutes: no request waits for one, and on
//! PostgreSQL any number of processes share the queue, each job run exactly once.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::store::{Job, Principal, Reason, Role};

use super::error::{AppError, Result};
use super::lifecycle::actor;
use super::plan::Progress;
use super::service::Service;

/// How often an idle worker looks for jobs queued by other processes (its own process
/// wakes it at once).
pub const POLL: Duration = Duration::from_millis(300);
/// How often a worker says, while it runs a job, that it is alive and how far it has come.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// A running job whose worker has not been heard of for this long is marked failed ("the
/// worker stopped"). Far above `HEARTBEAT`, so that a busy database is not mistaken for a
/// dead worker.
pub const RECLAIM_AFTER: Duration = Duration::from_secs(120);
/// How often a worker looks for such jobs.
const RECLAIM_EVERY: Duration = Duration::from_secs(30);

/// What a job runs for whom: stored as the job's `scope`.
#[derive(Serialize, Deserialize)]
struct Scope {
    role: Role,
    subject: String,
    /// The run a repair repairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    run: Option<i64>,
}

/// A job as the coordinator who may see it is shown it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: i64,
    /// `plan` or `repair`.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// How far a running job has come: `3/7` parts of the plan done; empty before the
    /// first part is done.
    pub progress: String,
    /// For a repair, the run it repairs.
    pub repairs: Option<i64>,
    /// The run it stored, once done.
    pub run: Option<i64>,
    /// Why it failed, in the caller's language.
    pub error: Option<String>,
    /// For a repair that is done: what it changed in the run it repairs.
    pub changes: Vec<crate::compare::Change>,
    /// How many times a worker has taken it.
    pub attempts: i64,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl JobView {
    /// Whether the job may still change by itself (a page showing it refreshes).
    pub fn pending(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "running")
    }

    /// Where the job stands, in plain words (`lang` by reference too, for templates).
    pub fn status_text(&self, lang: impl std::borrow::Borrow<Lang>) -> String {
        let lang = *lang.borrow();
        match self.status.as_str() {
            "queued" => lang
                .pick(
                    "I kø – venter på en ledig planlegger",
                    "Queued – waiting for a free planner",
                )
                .into(),
            "running" => match self.progress.split_once('/') {
                Some((done, total)) => match lang {
                    Lang::Nb => format!("Planlegger: {done} av {total} deler ferdig"),
                    Lang::En => format!("Planning: {done} of {total} parts done"),
                },
                None => lang.pick("Planlegger …", "Planning …").into(),
            },
            "done" => lang.pick("Ferdig", "Done").into(),
            "failed" => lang.pick("Feilet", "Failed").into(),
            other => other.into(),
        }
    }
}

impl Service {
    /// Queues a plan of `who`'s cluster (what `plan_now` plans); returns the job's id.
    pub async fn enqueue_plan(&self, who: &Principal) -> Result<i64> {
        self.enqueue(who, "plan", None).await
    }

    /// Queues a repair of run `run`, which `who` must be allowed to act on now (as for
    /// `repair_now`: another cluster's run is not found); returns the job's id.
    pub async fn enqueue_repair(&self, who: &Principal, run: i64) -> Result<i64> {
        self.run_for(who, run).await?;
        self.enqueue(who, "repair", Some(run)).await
    }

    async fn enqueue(&self, who: &Principal, kind: &str, run: Option<i64>) -> Result<i64> {
        let scope = Scope {
            role: who.role,
            subject: who.subject.clone(),
            run,
        };
        let scope = serde_json::to_string(&scope).expect("plain data always serializes");
        let id = self.store.enqueue_job(kind, &actor(who), &scope).await?;
        self.job_queued.notify_one();
        Ok(id)
    }

    /// A job, if `who` may see it: a coordinator of all clusters sees every job, another
    /// coordinator the jobs asked for by their cluster. Anything else is not found, as for
    /// runs (nothing leaks).
    pub async fn job(&self, who: &Principal, id: i64, lang: Lang) -> Result<JobView> {
        let job = self.job_for(who, id).await?;
        let scope: Option<Scope> = serde_json::from_str(&job.scope).ok();
        let repairs = scope.and_then(|s| s.run);
        let changes = match (repairs, job.run_id) {
            (Some(old), Some(new)) => crate::compare::diff(
                &self.store.run(old).await?.assignments,
                &self.store.run(new).await?.assignments,
            ),
            _ => Vec::new(),
        };
        Ok(JobView {
            id: job.id,
            kind: job.kind,
            status: job.status,
            progress: job.progress,
            repairs,
            run: job.run_id,
            error: job.error.map(|r| lang.pick(&r.nb, &r.en).to_owned()),
            changes,
            attempts: job.attempts,
            created_at: job.created_at,
            started_at: job.started_at,
            finished_at: job.finished_at,
        })
    }

    /// Puts a failed job that `who` may see back in the queue.
    pub async fn retry_job(&self, who: &Principal, id: i64) -> Result<()> {
        self.job_for(who, id).await?;
        if !self.store.retry_job(id).await? {
            return Err(AppError::JobNotFailed(id));
        }
        self.job_queued.notify_one();
        Ok(())
    }

    async fn job_for(&self, who: &Principal, id: i64) -> Result<Job> {
        let job = self.store.job(id).await?;
        let asker: Option<Scope> = serde_json::from_str(&job.scope).ok();
        let sees = who.role == Role::Coordinator
            && (who.subject == "*" || asker.is_some_and(|s| s.subject == who.subject));
        if sees {
            Ok(job)
        } else {
            Err(AppError::Store(crate::store::StoreError::NoJob(id)))
        }
    }

    /// Runs one claimed job to its run: the same use cases as the synchronous calls.
    async fn execute(&self, job: &Job, progress: Progress) -> Result<i64> {
        let scope: Scope = serde_json::from_str(&job.scope).map_err(|_| AppError::Planning)?;
        let who = Principal {
            role: scope.role,
            subject: scope.subject,
        };
        match (job.kind.as_str(), scope.run) {
            ("plan", _) => self.plan_now_with(&who, progress).await,
            ("repair", Some(run)) => {
                let run = self.run_for(&who, run).await?;
                Ok(self.repair_run(&run, progress).await?.id)
            }
            _ => Err(AppError::Planning),
        }
    }
}

/// This worker's name in the queue: host, process id and a random part (two workers in
/// one process, or a restarted process with the same id, are still told apart).
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// The worker: claims queued jobs one at a time and runs each, until `stop` completes. A
/// job that fails or panics is marked failed with why, and the worker goes on. A job still
/// running when `stop` comes is marked failed ("stopped"), to be retried. Jobs of workers
/// that stopped without saying so are marked failed by whichever worker looks next.
pub async fn run_worker(service: Arc<Service>, stop: impl Future<Output = ()> + Send) {
    let me = worker_id();
    let mut stop = std::pin::pin!(stop);
    let mut reclaimed: Option<Instant> = None;
    loop {
        if reclaimed.is_none_or(|t| t.elapsed() >= RECLAIM_EVERY) {
            reclaim(&service).await;
            reclaimed = Some(Instant::now());
        }
        match service.store.claim_job(&me).await {
            Ok(Some(job)) => {
                tokio::select! {
                    () = run_job(&service, &me, &job) => {}
                    () = &mut stop => {
                        let why = Reason {
                            nb: "arbeidsprosessen ble stoppet; prøv igjen".into(),
                            en: "the worker was stopped; try again".into(),
                        };
                        let _ = service.store.fail_job(job.id, &me, &why).await;
                        return;
                    }
                }
                // Another job may be waiting: look again at once.
                continue;
            }
            Ok(None) => {}
            Err(e) => eprintln!("klynge worker {me}: {e}"),
        }
        tokio::select! {
            () = &mut stop => return,
            () = service.job_queued.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Marks failed the running jobs whose worker has not been heard of for `RECLAIM_AFTER`.
async fn reclaim(service: &Service) {
    let why = Reason {
        nb: "arbeidsprosessen stoppet før jobben var ferdig; prøv igjen".into(),
        en: "the worker stopped before the job was done; try again".into(),
    };
    let age = chrono::Duration::from_std(RECLAIM_AFTER).unwrap_or(chrono::Duration::MAX);
    match service.store.reclaim_jobs(age, &why).await {
        Ok(ids) if !ids.is_empty() => eprintln!("klynge: jobs {ids:?} lost their worker: failed"),
        Ok(_) => {}
        Err(e) => eprintln!("klynge: looking for lost jobs: {e}"),
    }
}

/// Aborts the task when dropped: a worker that is stopped mid-job leaves nothing running.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs one claimed job on its own task (a panic there ends the task, not the worker),
/// telling the queue every `HEARTBEAT` that it is alive and how far it is, and records how
/// it ended.
async fn run_job(service: &Arc<Service>, me: &str, job: &Job) {
    let parts = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let progress: Progress = {
        let parts = parts.clone();
        Arc::new(move |step| {
            if let crate::plan::Progress::Component { done, total } = step {
                parts.0.store(done, Ordering::Relaxed);
                parts.1.store(total, Ordering::Relaxed);
            }
        })
    };
    let mut task = AbortOnDrop(tokio::spawn({
        let service = service.clone();
        let job = job.clone();
        async move { service.execute(&job, progress).await }
    }));
    let ended = loop {
        tokio::select! {
            ended = &mut task.0 => break ended,
            () = tokio::time::sleep(HEARTBEAT) => {
                let total = parts.1.load(Ordering::Relaxed);
                let text = if total == 0 {
                    String::new()
                } else {
                    format!("{}/{total}", parts.0.load(Ordering::Relaxed))
                };
                if let Err(e) = service.store.job_progress(job.id, me, &text).await {
                    eprintln!("klynge worker {me}: job {}: {e}", job.id);
                }
            }
        }
    };
    let recorded = match ended {
        Ok(Ok(run)) => service.store.finish_job(job.id, me, run).await.map(|ok| {
            if !ok {
                // Taken back meanwhile (it is marked failed): the run stays, a complete
                // proposal like any other.
                eprintln!(
                    "klynge worker {me}: job {} was taken back; its run {run} is kept",
                    job.id
                );
            }
        }),
        Ok(Err(e)) => {
            if e.kind() == super::ErrorKind::Internal {
                eprintln!(
                    "klynge worker {me}: job {}: {}",
                    job.id,
                    e.render(Lang::En, true)
                );
            }
            let why = Reason {
                nb: e.render(Lang::Nb, false),
                en: e.render(Lang::En, false),
            };
            service.store.fail_job(job.id, me, &why).await.map(|_| ())
        }
        Err(stopped) => {
            eprintln!("klynge worker {me}: job {} stopped: {stopped}", job.id);
            let why = Reason {
                nb: "planleggingen stoppet uventet".into(),
                en: "planning stopped unexpectedly".into(),
            };
            service.store.fail_job(job.id, me, &why).await.map(|_| ())
        }
    };
    if let Err(e) = recorded {
        // The job stays running; when its heartbeat is old enough a worker marks it failed.
        eprintln!("klynge worker {me}: job {}: {e}", job.id);
    }
}
