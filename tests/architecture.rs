//! The invariants of ARCHITECTURE.md that a test can check by reading the source: which
//! floor may use which, that the command line and the web layer hold no planning, checking
//! or storing logic of their own, and that no file grows long without saying why.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The source of every file under `src/<dir>` (or the file `src/<dir>.rs`), without
/// comments, so that prose may name any module.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let base = root().join("src").join(dir);
    let files = if base.is_dir() {
        rust_files(&base)
    } else {
        vec![base.with_extension("rs")]
    };
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable source");
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (p, code)
        })
        .collect()
}

/// Fails with every place where a file under `dir` names one of `forbidden`.
fn assert_no_use(dir: &str, forbidden: &[&str]) {
    let mut found = Vec::new();
    for (path, code) in sources(dir) {
        for f in forbidden {
            for pattern in [format!("crate::{f}"), format!("klynge::{f}")] {
                if code.contains(&format!("{pattern}::")) || code.contains(&format!("{pattern};")) {
                    found.push(format!("{} uses {pattern}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a lower floor leans on a higher one:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_model_knows_nothing_of_planning_storage_or_presentation() {
    assert_no_use(
        "model",
        &[
            "plan", "travel", "run", "compare", "store", "export", "app", "server", "cli",
        ],
    );
}

#[test]
fn the_planner_knows_nothing_of_storage_or_presentation() {
    assert_no_use(
        "plan",
        &[
            "run", "compare", "store", "export", "app", "server", "cli", "scenario",
        ],
    );
    assert_no_use(
        "travel",
        &["plan", "store", "export", "app", "server", "cli"],
    );
}

#[test]
fn runs_and_comparisons_are_plain_data() {
    for dir in ["run", "compare", "hours", "whitespots"] {
        assert_no_use(dir, &["store", "export", "app", "server", "cli"]);
    }
}

#[test]
fn renderers_do_not_read_the_database() {
    assert_no_use("export", &["store", "app", "server", "cli"]);
}

#[test]
fn the_store_knows_nothing_of_comparisons_or_presentation() {
    assert_no_use("store", &["compare", "export", "app", "server", "cli"]);
}

#[test]
fn use_cases_know_nothing_of_their_callers() {
    assert_no_use("app", &["server", "cli"]);
    assert_no_use("server", &["cli"]);
}

/// The command line and the web layer parse, call `app` and render: planning, checking and
/// writing runs happen in `app` only, so each is written once.
#[test]
fn the_cli_and_the_server_hold_no_use_case_logic() {
    let forbidden = [
        "plan::plan(",
        "plan::check(",
        "resolve_clusters(",
        "save_run(",
        "Eligibility::build(",
        "Instance::new(",
        "repair_spec(",
        "whatif::fixes(",
        "spawn_blocking(",
    ];
    let mut found = Vec::new();
    let mut files = sources("server");
    files.extend(
        rust_files(&root().join("src/cli"))
            .into_iter()
            .map(|p| (p.clone(), std::fs::read_to_string(&p).expect("source"))),
    );
    for (path, code) in files {
        for f in forbidden {
            if code.contains(f) {
                found.push(format!("{} calls {f}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "use-case logic outside app/:\n{}",
        found.join("\n")
    );
}

/// A file past ~500 lines says at its top why it is long (`//! Long because …`).
#[test]
fn long_files_say_why() {
    let mut long = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for path in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&path).expect("source");
            let lines = text.lines().count();
            let says_why = text
                .lines()
                .take(20)
                .any(|l| l.starts_with("//! Long because"));
            if lines > 500 && !says_why {
                long.push(format!("{} ({lines} lines)", path.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "long files without a reason at the top:\n{}",
        long.join("\n")
    );
}
