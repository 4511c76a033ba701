//! Plans are jobs: the queue in the store (each job claimed exactly once, failed with its
//! reason, retried, taken back from a worker that stopped), the API and pages that queue
//! and follow jobs, and two real `klynge serve` processes sharing one PostgreSQL queue.
//!
//! Long because the queue's promise (each job runs exactly once, nothing half-written) is
//! tested at every level it is kept: the store, the service's API and pages, and processes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use klynge::plan::{Params, SolverKind};
use klynge::store::{NewRun, Reason, Store};
use serde_json::Value;

mod common;

use common::pg::pg_database;
use common::service::{api, fixture, follow, send};

const SCOPE_ALL: &str = r#"{"role":"coordinator","subject":"*"}"#;

fn reason(what: &str) -> Reason {
    Reason {
        nb: format!("{what} (nb)"),
        en: format!("{what} (en)"),
    }
}

/// A stored run to finish jobs with (greedy: fast, and as real as any).
async fn some_run(store: &Store) -> i64 {
    let ds =
        klynge::ingest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"))
            .expect("pilot");
    let p = Params::default();
    let o = klynge::plan::plan(&ds, &p, SolverKind::Greedy, &|_| {});
    store
        .save_run(&NewRun {
            scenario: "test",
            dataset_name: "trondelag",
            dataset: &ds,
            params: &p,
            outcome: &o,
            baseline: None,
        })
        .await
        .expect("save")
}

/// 40 jobs, 8 claimers at once over `stores` (one pool each, as separate processes have):
/// every job is claimed, none twice, each on its first attempt.
async fn claims_are_exactly_once(stores: Vec<Arc<Store>>) {
    let mut queued = BTreeSet::new();
    for _ in 0..40 {
        queued.insert(
            stores[0]
                .enqueue_job("plan", "coordinator:*", SCOPE_ALL)
                .await
                .expect("enqueue"),
        );
    }
    assert_eq!(queued.len(), 40, "every job has its own id");
    let claimers: Vec<_> = (0..8)
        .map(|c| {
            let store = stores[c % stores.len()].clone();
            tokio::spawn(async move {
                let me = format!("claimer-{c}");
                let mut mine = Vec::new();
                while let Some(job) = store.claim_job(&me).await.expect("claim") {
                    assert_eq!(job.status, "running");
                    assert_eq!(job.worker.as_deref(), Some(me.as_str()));
                    mine.push(job.id);
                    tokio::task::yield_now().await;
                }
                mine
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for c in claimers {
        claimed.extend(c.await.expect("claimer"));
    }
    let distinct: BTreeSet<i64> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), 40, "each job claimed once: {claimed:?}");
    assert_eq!(distinct, queued);
    for job in stores[0].jobs().await.expect("jobs") {
        assert_eq!(
            (job.status.as_str(), job.attempts),
            ("running", 1),
            "{job:?}"
        );
    }
    assert!(stores[0].claim_job("late").await.expect("claim").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_takes_each_job_exactly_once_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("open");
    claims_are_exactly_once(vec![Arc::new(store)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_takes_each_job_exactly_once_on_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let a = Store::open(&db.url).await.expect("open");
    let b = Store::open(&db.url).await.expect("open");
    claims_are_exactly_once(vec![Arc::new(a), Arc::new(b)]).await;
    db.finish().await;
}

/// Failed keeps its reason; only the claiming worker may end a job; retry puts a failed
/// job back with its attempts counted; done needs the run.
#[tokio::test]
async fn a_failed_job_keeps_its_reason_and_can_be_retried() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("open");
    let id = store
        .enqueue_job("plan", "coordinator:*", SCOPE_ALL)
        .await
        .expect("enqueue");
    assert!(
        !store.retry_job(id).await.expect("retry"),
        "a queued job is not retried"
    );
    let job = store.claim_job("w1").await.expect("claim").expect("a job");
    assert_eq!(job.id, id);
    assert!(
        !store.fail_job(id, "w2", &reason("no")).await.expect("fail"),
        "not w2's job"
    );
    assert!(
        store
            .fail_job(id, "w1", &reason("boom"))
            .await
            .expect("fail")
    );
    let failed = store.job(id).await.expect("job");
    assert_eq!(failed.status, "failed");
    assert_eq!(failed.error, Some(reason("boom")));
    let run = some_run(&store).await;
    assert!(
        !store.finish_job(id, "w1", run).await.expect("finish"),
        "a failed job is not done"
    );
    assert!(store.retry_job(id).await.expect("retry"));
    assert!(!store.retry_job(id).await.expect("retry"), "only once");
    let again = store.job(id).await.expect("job");
    assert_eq!(
        (again.status.as_str(), again.error.clone()),
        ("queued", None)
    );
    let job = store.claim_job("w2").await.expect("claim").expect("again");
    assert_eq!((job.id, job.attempts), (id, 2));
    assert!(store.job_progress(id, "w2", "1/3").await.expect("progress"));
    assert_eq!(store.job(id).await.expect("job").progress, "1/3");
    assert!(store.finish_job(id, "w2", run).await.expect("finish"));
    let done = store.job(id).await.expect("job");
    assert_eq!((done.status.as_str(), done.run_id), ("done", Some(run)));
    assert!(
        !store.retry_job(id).await.expect("retry"),
        "a done job is not retried"
    );
}

/// A running job whose worker went silent is marked failed ("the worker stopped") and can
/// be retried; one whose worker is alive is left alone; the silent worker, if it comes
/// back, can no longer mark it done.
#[tokio::test]
async fn a_job_whose_worker_stopped_is_marked_failed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("k.db").display().to_string())
        .await
        .expect("open");
    let dead = store
        .enqueue_job("plan", "coordinator:*", SCOPE_ALL)
        .await
        .expect("enqueue");
    let alive = store
        .enqueue_job("plan", "coordinator:*", SCOPE_ALL)
        .await
        .expect("enqueue");
    store.claim_job("dead").await.expect("claim").expect("job");
    store.claim_job("alive").await.expect("claim").expect("job");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        store
            .job_progress(alive, "alive", "")
            .await
            .expect("heartbeat")
    );
    let stopped = reason("the worker stopped");
    let taken = store
        .reclaim_jobs(chrono::Duration::milliseconds(200), &stopped)
        .await
        .expect("reclaim");
    assert_eq!(taken, vec![dead]);
    let job = store.job(dead).await.expect("job");
    assert_eq!((job.status.as_str(), job.error), ("failed", Some(stopped)));
    assert_eq!(store.job(alive).await.expect("job").status, "running");
    let run = some_run(&store).await;
    assert!(!store.finish_job(dead, "dead", run).await.expect("finish"));
    assert!(
        !store
            .job_progress(dead, "dead", "2/3")
            .await
            .expect("heartbeat")
    );
    assert!(store.retry_job(dead).await.expect("retry"));
    assert_eq!(
        store.claim_job("w").await.expect("claim").map(|j| j.id),
        Some(dead)
    );
}

/// The API answers 202 at once with where to follow the job; the worker runs it and the
/// job ends done with its run. The pages do the same with a redirect to the job's page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_queues_a_plan_and_the_job_ends_with_its_run() {
    let f = fixture().await;
    let bearer = format!("Bearer {}", f.coord_all);
    let queued = send(
        &f.state,
        "POST",
        "/api/runs",
        &[("authorization", bearer.as_str())],
        String::new(),
    )
    .await;
    let job = follow(&f.state, &f.coord_all, queued).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["kind"], "plan");
    assert_eq!(job["attempts"], 1);
    let run = job["run"].as_i64().expect("run");
    let stored = f.state.store.run(run).await.expect("the run is stored");
    assert_eq!(stored.summary.status, "proposed");
    assert_eq!(
        f.state.store.runs().await.expect("runs").len(),
        1,
        "one job, one run"
    );

    // The page: Plan now goes to the job's page, which shows the run once done.
    let (s, headers, _) = send(
        &f.state,
        "POST",
        "/coordinator/plan?lang=en",
        &[("authorization", bearer.as_str())],
        String::new(),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let location = headers["location"].to_str().expect("location").to_owned();
    assert_eq!(location, "/coordinator/jobs/2?lang=en");
    let start = Instant::now();
    let html = loop {
        let (s, _, html) = send(
            &f.state,
            "GET",
            &location,
            &[("authorization", bearer.as_str())],
            String::new(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        if !html.contains("http-equiv=\"refresh\"") {
            break html;
        }
        assert!(
            html.contains("Queued") || html.contains("Planning"),
            "{html}"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "{html}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(html.contains("Done") && html.contains("run 2"), "{html}");

    // Repair of the run: the job lists the changes (none: nothing changed).
    let repaired = common::service::repair(&f.state, &f.coord_all, run).await;
    assert_eq!(repaired["changes"], serde_json::json!([]), "{repaired}");
}

/// A job that fails is failed with its reason, in the caller's language, and the worker
/// goes on; retried, it runs again (a second attempt).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_fails_says_why_and_can_be_retried_over_the_api() {
    let f = fixture().await;
    // A job no worker can run (as a job stored by a newer version could be).
    let bad = f
        .state
        .store
        .enqueue_job("unknown", "coordinator:*", SCOPE_ALL)
        .await
        .expect("enqueue");
    let wait = |lang: &'static str| {
        let f = &f;
        async move {
            let start = Instant::now();
            loop {
                let (s, text) = api(
                    &f.state,
                    "GET",
                    &format!("/api/jobs/{bad}{lang}"),
                    &f.coord_all,
                    None,
                )
                .await;
                assert_eq!(s, StatusCode::OK, "{text}");
                let job: Value = serde_json::from_str(&text).expect("json");
                if job["status"] == "failed" {
                    return job;
                }
                assert!(start.elapsed() < Duration::from_secs(30), "{text}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    };
    let job = wait("?lang=en").await;
    assert_eq!(job["error"], "planning failed", "{job}");
    assert_eq!(job["attempts"], 1);
    assert_eq!(wait("").await["error"], "planleggingen feilet");
    // The worker is still there: a plan after it runs.
    assert!(common::service::plan(&f.state, &f.coord_all).await >= 1);
    let (s, headers, body) = send(
        &f.state,
        "POST",
        &format!("/api/jobs/{bad}/retry"),
        &[("authorization", format!("Bearer {}", f.coord_all).as_str())],
        String::new(),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    let again = follow(&f.state, &f.coord_all, (s, headers, body)).await;
    assert_eq!(
        (again["status"].as_str(), again["attempts"].as_i64()),
        (Some("failed"), Some(2))
    );
    // The coordinator of one cluster does not see it: another's job is not found.
    let (s, _) = api(
        &f.state,
        "GET",
        &format!("/api/jobs/{bad}"),
        &f.coord_hub,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// Two `klynge serve` processes on one PostgreSQL database.

/// A child process, killed when dropped (a failing test leaves no server behind).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn klynge(db: &str) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_klynge"));
    c.args(["--db", db, "--lang", "en"]);
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// One HTTP/1.1 request to `port` on loopback: (status, body).
async fn http(port: u16, method: &str, path: &str, token: &str) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    Ok((status, body))
}

/// The issue's test: two `klynge serve` processes on one PostgreSQL database, 20 plan jobs
/// queued at once over HTTP (half to each): each runs exactly once — 20 jobs done, 20
/// distinct runs, one attempt each — and both workers take part.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_serve_processes_on_one_postgres_run_each_of_20_jobs_once() {
    let Some(db) = pg_database().await else {
        eprintln!("\n!!!!! SKIPPING the two-process job test: no PostgreSQL !!!!!\n");
        return;
    };
    // A synthetic cluster big enough that a plan takes about a second: the two workers'
    // jobs then run side by side, not one after the other by chance.
    let logs = tempfile::tempdir().expect("tempdir");
    let data = logs.path().join("data.json");
    let made = klynge(&db.url)
        .args(["generate", "--instructors", "200"])
        .arg(&data)
        .output()
        .expect("generate");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let imported = klynge(&db.url)
        .arg("import")
        .arg(&data)
        .output()
        .expect("import");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let made = klynge(&db.url)
        .args(["token", "create", "--role", "coordinator", "--for", "*"])
        .output()
        .expect("token");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = String::from_utf8_lossy(&made.stdout).trim().to_owned();

    let ports = [free_port(), free_port()];
    let _servers: Vec<Child> = ports
        .iter()
        .enumerate()
        .map(|(n, port)| {
            let log =
                std::fs::File::create(logs.path().join(format!("serve{n}.log"))).expect("log");
            Child(
                klynge(&db.url)
                    .args([
                        "serve",
                        "--listen",
                        &format!("127.0.0.1:{port}"),
                        "--time-limit",
                        "2",
                    ])
                    .stdout(std::process::Stdio::null())
                    .stderr(log)
                    .spawn()
                    .expect("serve starts"),
            )
        })
        .collect();
    for port in ports {
        let start = Instant::now();
        while http(port, "GET", "/api/openapi.json", "")
            .await
            .map(|r| r.0)
            .ok()
            != Some(200)
        {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "serve on {port} did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    let started = Instant::now();
    let queued: Vec<_> = (0..20)
        .map(|n| {
            let token = token.clone();
            let port = ports[n % 2];
            tokio::spawn(
                async move { http(port, "POST", "/api/runs", &token).await.expect("POST") },
            )
        })
        .collect();
    let mut ids = BTreeSet::new();
    for q in queued {
        let (status, body) = q.await.expect("task");
        assert_eq!(status, 202, "{body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        ids.insert(v["job"].as_i64().expect("job id"));
    }
    assert_eq!(ids.len(), 20, "20 distinct jobs: {ids:?}");

    let store = Store::open(&db.url).await.expect("open");
    let jobs = loop {
        let jobs = store.jobs().await.expect("jobs");
        if jobs
            .iter()
            .all(|j| j.status == "done" || j.status == "failed")
        {
            break jobs;
        }
        let log0 = std::fs::read_to_string(logs.path().join("serve0.log")).unwrap_or_default();
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "jobs still pending: {jobs:?}\n{log0}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let wall = started.elapsed();
    let logs_text: String = (0..2)
        .map(|n| {
            std::fs::read_to_string(logs.path().join(format!("serve{n}.log"))).unwrap_or_default()
        })
        .collect();
    assert_eq!(jobs.len(), 20, "{jobs:?}");
    for j in &jobs {
        assert_eq!(j.status, "done", "{j:?}\n{logs_text}");
        assert_eq!(j.attempts, 1, "each job attempted once: {j:?}");
    }
    let runs: BTreeSet<i64> = jobs.iter().filter_map(|j| j.run_id).collect();
    assert_eq!(runs.len(), 20, "each job its own run: {jobs:?}");
    assert_eq!(
        store.runs().await.expect("runs").len(),
        20,
        "no run without its job"
    );
    let mut per_worker: BTreeMap<String, usize> = BTreeMap::new();
    for j in &jobs {
        *per_worker
            .entry(j.worker.clone().expect("worker"))
            .or_default() += 1;
    }
    println!(
        "20 plan jobs on two klynge serve processes: {:.1} s wall time; jobs per worker: {per_worker:?}",
        wall.as_secs_f64()
    );
    assert_eq!(per_worker.len(), 2, "both workers ran jobs: {per_worker:?}");
    // And at the same time: some job of one ran while a job of the other did.
    let overlap = jobs.iter().any(|a| {
        jobs.iter().any(|b| {
            a.worker != b.worker
                && a.started_at.as_deref() < b.finished_at.as_deref()
                && b.started_at.as_deref() < a.finished_at.as_deref()
        })
    });
    assert!(overlap, "the two workers never ran at once: {jobs:?}");
    store.close().await;
    drop(_servers);
    db.finish().await;
}
