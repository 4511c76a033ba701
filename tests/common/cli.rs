//! Running the `klynge` binary in tests: on a database of the test's own, with no
//! language or database from the environment.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The pilot dataset folder.
pub fn pilot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag")
}

/// `klynge --db DB`, untouched by DATABASE_URL and KLYNGE_LANG.
pub fn klynge(db: &Path) -> Command {
    let mut c = Command::cargo_bin("klynge").expect("binary");
    c.arg("--db")
        .arg(db)
        .env_remove("DATABASE_URL")
        .env_remove("KLYNGE_LANG");
    c
}

/// Runs `c`, asserts that it succeeded, and returns its standard output.
pub fn stdout(c: &mut Command) -> String {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}
