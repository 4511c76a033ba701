//! A fuzz harness on stable Rust: mutated datasets fed to the readers, validation and the
//! planner. Every case must end in a clean result — a dataset that plans to a rota the
//! checker accepts, or a list of problems that each name a file — never a panic or a hang.
//!
//! Two kinds of input, each for the CSV folder and for the JSON file:
//! - byte-level mutations of the Trøndelag pilot (flipped bytes, cut lines, doubled lines,
//!   cells replaced by hostile values such as `-0390-03-01`, `NaN` or 50,000 characters);
//! - structure-aware ones (JSON): the pilot or a small generated dataset with values
//!   replaced anywhere in the tree by hostile ones of any type, entries doubled or dropped.
//!
//! One case in ten that is rejected also goes through `klynge plan`, which must exit 2 and
//! write no database.
//!
//! `cargo test` runs a short, fixed-seed round. The long run, whose counts are quoted in
//! the README:
//!
//! ```sh
//! KLYNGE_FUZZ_MINUTES=10 cargo test --release --test fuzz -- --ignored --nocapture
//! ```
//!
//! A failing case prints its seed; `KLYNGE_FUZZ_SEED=N` replays it (and the cases after
//! it).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use klynge::app::plan::plan_checked;
use klynge::ingest;
use klynge::plan::{Params, SolverKind};

/// Values that once broke something, or sit on an edge.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "-0390-03-01",
    "0000-01-01",
    "+262142-12-31",
    "2100-12-31",
    "1999-12-31",
    "2027-02-30",
    "24:00",
    "23:59",
    "25:00",
    "-1",
    "0",
    "4294967296",
    "18446744073709551616",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "300",
    "255",
    "1,5",
    "\"",
    "\"\"",
    ";",
    ";;",
    "\u{feff}",
    "ø",
    "\u{0}",
    "<script>alert(1)</script>",
    "hub",
    "small",
    "trondheim",
    "malvik",
    "i07",
    "r03",
    "mon",
    "søn",
    "true",
    "nb;so;ar",
    "{}",
    "[]",
    "null",
];

fn pilot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag")
}

/// The pilot's CSV files, name and bytes.
fn pilot_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(pilot_dir())
        .expect("pilot")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "csv").then(|| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).expect("pilot file"),
                )
            })
        })
        .collect();
    files.sort();
    files
}

fn hostile(rng: &mut StdRng) -> Vec<u8> {
    match rng.random_range(0..10) {
        0 => "x".repeat(rng.random_range(1000..50_000)).into_bytes(),
        1 => (0..rng.random_range(1..8)).map(|_| rng.random()).collect(),
        _ => HOSTILE[rng.random_range(0..HOSTILE.len())]
            .as_bytes()
            .to_vec(),
    }
}

/// One byte-level mutation of `text`.
fn mutate_bytes(rng: &mut StdRng, text: &mut Vec<u8>) {
    if text.is_empty() {
        text.extend(hostile(rng));
        return;
    }
    let at = rng.random_range(0..text.len());
    match rng.random_range(0..8) {
        0 => text[at] = rng.random(),
        1 => {
            let end = (at + rng.random_range(1..64)).min(text.len());
            text.drain(at..end);
        }
        2 => {
            let v = hostile(rng);
            text.splice(at..at, v);
        }
        // A cell (the text between two separators) replaced by a hostile value.
        3 | 4 => {
            let sep = |b: &u8| matches!(b, b',' | b'\n' | b':' | b'"');
            let start = text[..at].iter().rposition(sep).map_or(0, |p| p + 1);
            let end = text[at..]
                .iter()
                .position(sep)
                .map_or(text.len(), |p| at + p);
            let v = hostile(rng);
            text.splice(start..end, v);
        }
        // A line doubled (a duplicate id), or dropped (a dangling reference).
        5 | 6 => {
            let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            let k = rng.random_range(0..lines.len());
            let mut out: Vec<u8> = Vec::with_capacity(text.len());
            for (j, l) in lines.iter().enumerate() {
                let times = match (j == k, rng.random_bool(0.5)) {
                    (true, true) => 2,
                    (true, false) => 0,
                    _ => 1,
                };
                for _ in 0..times {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                }
            }
            *text = out;
        }
        _ => text.truncate(at),
    }
}

/// What one case did.
#[derive(Debug, PartialEq)]
enum Outcome {
    Planned,
    Rejected,
}

/// Loads `path`, and plans it if it loads. A clean rejection lists problems that each name
/// a file; a dataset that loads must plan to a rota the checker accepts. With `via_cli`,
/// a rejected dataset is also given to `klynge plan`, which must exit 2 and create no
/// database.
fn run_case(path: &Path, via_cli: bool) -> Outcome {
    match ingest::load(path) {
        Err(problems) => {
            assert!(!problems.0.is_empty(), "an error with no problem");
            for p in &problems.0 {
                assert!(!p.file.is_empty(), "a problem without a file: {p}");
                assert!(p.render(klynge::i18n::Lang::Nb).len() < 2_000, "{p}");
            }
            if via_cli {
                let db = path.with_extension("db");
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_klynge"))
                    .arg("--db")
                    .arg(&db)
                    .arg("plan")
                    .arg(path)
                    .env_remove("DATABASE_URL")
                    .output()
                    .expect("klynge runs");
                assert_eq!(out.status.code(), Some(2), "{out:?}");
                assert!(!db.exists(), "a database was written on bad input");
            }
            Outcome::Rejected
        }
        Ok(ds) => {
            let params = Params {
                time_limit_s: 2.0,
                threads: 1,
                ..Params::default()
            };
            for solver in [SolverKind::Greedy, SolverKind::Milp] {
                if let Err(e) = plan_checked(&ds, &params, solver, &|_| {}) {
                    panic!(
                        "a loaded dataset failed to plan: {}",
                        e.render(klynge::i18n::Lang::En, true)
                    );
                }
            }
            Outcome::Planned
        }
    }
}

/// A CSV-folder case: the pilot with 1–4 mutations. Returns the folder.
fn csv_case(rng: &mut StdRng, dir: &Path, files: &[(String, Vec<u8>)]) -> PathBuf {
    let case = dir.join("csv");
    let _ = std::fs::remove_dir_all(&case);
    std::fs::create_dir_all(&case).expect("case folder");
    let mut files = files.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let k = rng.random_range(0..files.len());
        mutate_bytes(rng, &mut files[k].1);
    }
    for (name, bytes) in &files {
        std::fs::write(case.join(name), bytes).expect("case file");
    }
    case
}

/// A JSON case: the pilot as JSON (pretty or minified), mutated by bytes or by value.
fn json_case(rng: &mut StdRng, dir: &Path, pilot: &serde_json::Value) -> PathBuf {
    let path = dir.join("case.json");
    let bytes = if rng.random_bool(0.5) {
        // Structure-aware: the pilot, or a small generated dataset, changed value by value.
        let mut v = if rng.random_bool(0.3) {
            let ds = klynge::generate::generate(rng.random_range(3..30), rng.random());
            serde_json::to_value(ds).expect("generated dataset as JSON")
        } else {
            pilot.clone()
        };
        for _ in 0..rng.random_range(1..=4) {
            mutate_value(rng, &mut v);
        }
        serde_json::to_vec(&v).expect("json")
    } else {
        let mut text = if rng.random_bool(0.5) {
            serde_json::to_vec_pretty(pilot).expect("json")
        } else {
            serde_json::to_vec(pilot).expect("json")
        };
        for _ in 0..rng.random_range(1..=4) {
            mutate_bytes(rng, &mut text);
        }
        text
    };
    std::fs::write(&path, bytes).expect("case file");
    path
}

/// Structure-aware: one value somewhere in the tree replaced by a hostile one of any type.
fn mutate_value(rng: &mut StdRng, v: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let children = match v {
        Value::Array(a) if !a.is_empty() => a.len(),
        Value::Object(o) if !o.is_empty() => o.len(),
        _ => 0,
    };
    if children == 0 || rng.random_bool(0.15) {
        *v = match rng.random_range(0..8) {
            0 => Value::Null,
            1 => json!(rng.random_range(-1_000_000i64..1_000_000)),
            2 => json!(f64::MAX),
            3 => json!(u64::MAX),
            4 => json!([]),
            5 => json!({}),
            _ => Value::String(String::from_utf8_lossy(&hostile(rng)).into_owned()),
        };
        return;
    }
    let k = rng.random_range(0..children);
    match v {
        Value::Array(a) => {
            if rng.random_bool(0.1) {
                let copy = a[k].clone();
                a.push(copy);
            } else if rng.random_bool(0.1) {
                a.remove(k);
            } else {
                mutate_value(rng, &mut a[k]);
            }
        }
        Value::Object(o) => {
            if rng.random_bool(0.1) {
                let key = o.keys().nth(k).cloned().expect("key");
                o.remove(&key);
            } else if let Some((_, child)) = o.iter_mut().nth(k) {
                mutate_value(rng, child);
            }
        }
        _ => {}
    }
}

#[derive(Default, Debug)]
struct Counts {
    cases: u64,
    planned: u64,
    rejected: u64,
    panics: u64,
    hangs: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Csv,
    Json,
}

/// Runs cases of `form` from `seed` until `cases` are done or `budget` is spent. Each case
/// runs on its own thread, so that a panic is caught and a hang (no answer within a
/// minute) is counted rather than waited for.
fn fuzz(form: Form, seed: u64, cases: u64, budget: Duration) -> Counts {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = pilot_files();
    let pilot = serde_json::to_value(ingest::load(&pilot_dir()).expect("pilot loads"))
        .expect("pilot as JSON");
    let started = Instant::now();
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    let mut n = 0;
    while n < cases && started.elapsed() < budget {
        let case_seed = seed + n;
        n += 1;
        let mut rng = StdRng::seed_from_u64(case_seed);
        let path = match form {
            Form::Csv => csv_case(&mut rng, dir.path(), &files),
            Form::Json => json_case(&mut rng, dir.path(), &pilot),
        };
        let (tx, rx) = mpsc::channel();
        let case_path = path.clone();
        std::thread::spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| run_case(&case_path, n % 10 == 1)));
            let _ = tx.send(r);
        });
        counts.cases += 1;
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(Outcome::Planned)) => counts.planned += 1,
            Ok(Ok(Outcome::Rejected)) => counts.rejected += 1,
            Ok(Err(_)) => {
                counts.panics += 1;
                failures.push(format!("panic: KLYNGE_FUZZ_SEED={case_seed}"));
            }
            Err(_) => {
                counts.hangs += 1;
                failures.push(format!("hang: KLYNGE_FUZZ_SEED={case_seed}"));
                // The hung thread keeps its files: give the next case a new folder.
                return finish(counts, failures, form);
            }
        }
    }
    finish(counts, failures, form)
}

fn finish(counts: Counts, failures: Vec<String>, form: Form) -> Counts {
    let name = if form == Form::Csv { "CSV" } else { "JSON" };
    eprintln!("fuzz {name}: {counts:?}");
    assert!(
        failures.is_empty(),
        "{name}: {} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    counts
}

fn seed() -> u64 {
    std::env::var("KLYNGE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

#[test]
fn fuzz_short_csv() {
    let c = fuzz(Form::Csv, seed(), 120, Duration::from_secs(600));
    // The round must exercise both ends: some cases plan, some are rejected.
    assert!(c.planned > 0 && c.rejected > 0, "{c:?}");
}

#[test]
fn fuzz_short_json() {
    let c = fuzz(Form::Json, seed(), 120, Duration::from_secs(600));
    assert!(c.planned > 0 && c.rejected > 0, "{c:?}");
}

fn minutes() -> Duration {
    let m: f64 = std::env::var("KLYNGE_FUZZ_MINUTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    Duration::from_secs_f64(m * 60.0)
}

#[test]
#[ignore = "long: KLYNGE_FUZZ_MINUTES=10 cargo test --release --test fuzz -- --ignored"]
fn fuzz_long_csv() {
    fuzz(Form::Csv, seed() * 1_000_003, u64::MAX, minutes());
}

#[test]
#[ignore = "long: KLYNGE_FUZZ_MINUTES=10 cargo test --release --test fuzz -- --ignored"]
fn fuzz_long_json() {
    fuzz(Form::Json, seed() * 2_000_003, u64::MAX, minutes());
}
