//! End-to-end tests of the `klynge` binary on the Trøndelag pilot:
//! plan → runs → rota in every format → check, plus bad input and generated datasets.
//!
//! Long because each command is tested end to end in its own test, on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;

use common::cli::{klynge, pilot, stdout};

/// Plans the pilot into a fresh database; returns the temp dir (kept alive) and the db path.
fn planned(lang: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let out = stdout(
        klynge(&db)
            .args(["--lang", lang, "plan"])
            .arg(pilot())
            .args(["--time-limit", "30"]),
    );
    (dir, db, out)
}

/// "33 of 40" → (33, 40) from the line starting with `label`.
fn fraction(summary: &str, label: &str) -> (f64, f64) {
    let line = summary
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label} in {summary}"));
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_digit() && c != '.')
                .parse()
                .ok()
        })
        .collect();
    (nums[0], nums[1])
}

#[test]
fn plan_pilot_prints_summary_stages_baseline_and_reasons() {
    let (_dir, db, out) = planned("en");
    assert!(out.contains("Run 1 stored in"), "{out}");
    let (covered, total) = fraction(&out, "Requests covered");
    assert_eq!(total, 42.0);
    assert!((30.0..42.0).contains(&covered), "{out}");
    let (weighted, _) = fraction(&out, "Weighted coverage");
    for stage in ["Stage 1", "Stage 3", "Stage 4"] {
        let line = out
            .lines()
            .find(|l| l.contains(stage))
            .unwrap_or_else(|| panic!("no {stage}: {out}"));
        assert!(line.contains("bound") && line.contains("gap"), "{line}");
    }
    // The baseline never beats the optimiser on weighted coverage.
    let base = out
        .lines()
        .find(|l| l.starts_with("Greedy baseline"))
        .expect("baseline line");
    let base_weighted: f64 = base
        .split("weighted coverage ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("baseline weighted");
    assert!(base_weighted <= weighted);
    // Designed-uncovered requests are explained.
    assert!(
        out.contains("r05: nobody who teaches the topic speaks 'so'"),
        "{out}"
    );
    assert!(
        out.contains("r39: the association has not opted in"),
        "{out}"
    );
    assert!(db.exists());
}

#[test]
fn summary_in_bokmal_by_default() {
    let (_dir, _db, out) = planned("nb");
    assert!(out.contains("Kjøring 1 lagret i"), "{out}");
    assert!(out.contains("Forespørsler dekket"));
    assert!(out.contains("Ikke dekket"));
    // People read the reasons: r27's busy instructor by name, not as `i07`.
    let r27 = out
        .lines()
        .find(|l| l.trim_start().starts_with("r27"))
        .unwrap_or_else(|| panic!("no r27 in {out}"));
    assert!(
        r27.contains("Solveig Ødegård") && !r27.contains("i07"),
        "{r27}"
    );
}

#[test]
fn runs_rota_in_every_format_and_check() {
    let (dir, db, _) = planned("en");
    let runs = stdout(klynge(&db).args(["--lang", "en", "runs"]));
    assert!(
        runs.lines()
            .nth(1)
            .is_some_and(|l| l.trim_start().starts_with("1 ")),
        "{runs}"
    );

    let table = stdout(klynge(&db).args(["--lang", "en", "rota", "1"]));
    assert!(table.contains("Seniornett Stjørdal (stjordal)"), "{table}");
    assert!(table.contains("Not covered"));
    let by_instructor =
        stdout(klynge(&db).args(["--lang", "en", "rota", "1", "--by", "instructor"]));
    assert!(
        by_instructor.contains("(i0") || by_instructor.contains("(i1"),
        "{by_instructor}"
    );

    let json = stdout(klynge(&db).args(["rota", "1", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let entries = v["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    let sessions: usize = entries
        .iter()
        .map(|e| e["sessions"].as_array().expect("sessions").len())
        .sum();

    let csv_text = stdout(klynge(&db).args(["rota", "1", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.records().count(),
        sessions,
        "one CSV row per session and instructor"
    );

    let ics_path = dir.path().join("rota.ics");
    stdout(
        klynge(&db)
            .args(["rota", "1", "--format", "ics", "--out"])
            .arg(&ics_path),
    );
    let ics = std::fs::read_to_string(&ics_path).expect("ics written");
    check_ics(&ics);

    let check = stdout(klynge(&db).args(["--lang", "en", "check", "1"]));
    assert!(check.contains("the rota is valid"), "{check}");
}

/// Structural RFC 5545 checks: CRLF lines of at most 75 octets, balanced components,
/// a VTIMEZONE for Europe/Oslo, and events with unique UIDs and local times.
fn check_ics(ics: &str) {
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line}");
    }
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    let mut stack: Vec<&str> = Vec::new();
    for l in &lines {
        if let Some(c) = l.strip_prefix("BEGIN:") {
            stack.push(c);
        } else if let Some(c) = l.strip_prefix("END:") {
            assert_eq!(stack.pop(), Some(c), "unbalanced {c}");
        }
    }
    assert!(stack.is_empty());
    assert!(lines.contains(&"VERSION:2.0"));
    assert!(lines.contains(&"TZID:Europe/Oslo"));
    let events = lines.iter().filter(|l| **l == "BEGIN:VEVENT").count();
    let uids: std::collections::BTreeSet<&&str> =
        lines.iter().filter(|l| l.starts_with("UID:")).collect();
    assert!(events > 0);
    assert_eq!(uids.len(), events, "UIDs are unique");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("DTSTART;TZID=Europe/Oslo:"))
            .count(),
        events
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("DTSTAMP:")).count(),
        events
    );
}

#[test]
fn ics_uids_are_stable_across_runs() {
    let (dir, db, _) = planned("en");
    stdout(klynge(&db).arg("plan").arg(pilot()));
    let a = stdout(klynge(&db).args(["rota", "1", "--format", "ics"]));
    let b = stdout(klynge(&db).args(["rota", "2", "--format", "ics"]));
    let uids = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&a), uids(&b));
    drop(dir);
}

#[test]
fn check_finds_a_tampered_rota() {
    let (_dir, db, _) = planned("en");
    // Give one assignment to i16, who (by the fixture's design) can take no request.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}", db.display());
        let pool = sqlx::AnyPool::connect(&url).await.expect("open");
        sqlx::query(
            "UPDATE assignments SET instructor = 'i16' \
             WHERE rowid = (SELECT MIN(rowid) FROM assignments WHERE run_id = 1)",
        )
        .execute(&pool)
        .await
        .expect("tamper");
        pool.close().await;
    });
    let out = klynge(&db)
        .args(["--lang", "en", "check", "1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        (err.contains("1 problem found") || err.contains("problems found"))
            && err.contains("Instructor not eligible"),
        "{err}"
    );
}

#[test]
fn bad_dataset_is_rejected_with_location_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    for f in std::fs::read_dir(pilot()).expect("pilot") {
        let f = f.expect("entry").path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, data.join(f.file_name().expect("name"))).expect("copy");
        }
    }
    let req = std::fs::read_to_string(data.join("requests.csv")).expect("read");
    let mut lines: Vec<String> = req.lines().map(str::to_owned).collect();
    lines[2] = lines[2].replacen(",nb,", ",xx,", 1);
    std::fs::write(data.join("requests.csv"), lines.join("\n")).expect("write");
    let db = dir.path().join("k.db");
    let out = klynge(&db)
        .args(["--lang", "en", "plan"])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("requests.csv:3: column 'language': unknown language code 'xx'"),
        "{err}"
    );
    assert!(!db.exists(), "nothing may be written on bad input");
}

#[test]
fn generated_dataset_plans_in_both_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let folder = dir.path().join("gen");
    let json = dir.path().join("gen.json");
    stdout(
        klynge(&db)
            .args(["generate", "--instructors", "40", "--seed", "3"])
            .arg(&folder),
    );
    stdout(
        klynge(&db)
            .args(["generate", "--instructors", "40", "--seed", "3"])
            .arg(&json),
    );
    let a = stdout(
        klynge(&db)
            .args(["--lang", "en", "plan"])
            .arg(&folder)
            .args(["--time-limit", "20"]),
    );
    let b = stdout(
        klynge(&db)
            .args(["--lang", "en", "plan"])
            .arg(&json)
            .args(["--time-limit", "20"]),
    );
    assert_eq!(
        fraction(&a, "Weighted coverage"),
        fraction(&b, "Weighted coverage")
    );
    assert!(stdout(klynge(&db).args(["--lang", "en", "check", "2"])).contains("valid"));
}

/// With many requests left over, the summary lists 20 and points to `klynge explain`, which
/// lists every one.
#[test]
fn a_long_list_of_uncovered_requests_is_cut_at_20_with_the_command_for_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let folder = dir.path().join("gen");
    stdout(
        klynge(&db)
            .args(["generate", "--instructors", "30", "--seed", "2"])
            .arg(&folder),
    );
    let out = stdout(
        klynge(&db)
            .args([
                "--lang", "en", "plan", "--solver", "greedy", "--max-km", "3",
            ])
            .arg(&folder),
    );
    let (covered, total) = fraction(&out, "Requests covered");
    let uncovered = (total - covered) as usize;
    assert!(uncovered > 20, "{out}");
    let listed = out
        .lines()
        .skip_while(|l| !l.starts_with("Not covered"))
        .filter(|l| l.starts_with("  r") || l.starts_with("  g"))
        .count();
    assert_eq!(listed, 20, "{out}");
    assert!(
        out.contains(&format!(
            "… and {} more: `klynge explain 1`",
            uncovered - 20
        )),
        "{out}"
    );
}

/// Without a terminal (here: a pipe), a running plan prints a line every interval with the
/// stage, the component and the gap; the summary on standard output is unchanged.
/// The progress lines (those starting with `prefix`) of a run that succeeded, at least
/// one, and all of standard error for messages.
fn progress_lines(out: &std::process::Output, prefix: &str) -> (Vec<String>, String) {
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<String> = err
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_owned)
        .collect();
    assert!(!lines.is_empty(), "no progress line: {err}");
    (lines, err)
}

#[test]
fn a_plan_without_a_terminal_prints_progress_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let folder = dir.path().join("gen");
    stdout(
        klynge(&db)
            .args(["generate", "--instructors", "150", "--seed", "4"])
            .arg(&folder),
    );
    let out = klynge(&db)
        .env("KLYNGE_PROGRESS_SECONDS", "0.02")
        .args(["--lang", "en", "plan"])
        .arg(&folder)
        .output()
        .expect("runs");
    let (lines, err) = progress_lines(&out, "klynge: planning, ");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(": stage ") && l.contains(" of ") && l.contains("component")),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Weighted coverage"));
}

/// `klynge explain RUN` without a terminal counts the requests explained on standard
/// error every few seconds, and the explanations themselves stay on standard output.
#[test]
fn explaining_a_whole_run_without_a_terminal_prints_progress_lines() {
    let (_dir, db, _) = planned("nb");
    let out = klynge(&db)
        .env("KLYNGE_PROGRESS_SECONDS", "0.01")
        .args(["explain", "1"])
        .output()
        .expect("runs");
    let (lines, err) = progress_lines(&out, "klynge: forklarer, ");
    // The pilot leaves 8 requests uncovered.
    assert!(
        lines
            .iter()
            .all(|l| l.ends_with(" av 8 forespørsler forklart")),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("forklart"));
}

#[test]
fn scenarios_compare_explain_and_suggest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let sc = |n: &str| pilot().join("scenarios").join(n);
    let out = stdout(
        klynge(&db)
            .args(["--lang", "en", "scenario", "run"])
            .arg(sc("today.toml"))
            .arg(sc("km40.toml"))
            .arg(sc("km80.toml"))
            .arg(sc("proposed.toml")),
    );
    assert!(
        out.contains("scenario 'today'")
            && out.contains("scenario 'km40'")
            && out.contains("scenario 'km80'"),
        "{out}"
    );
    assert!(
        out.contains("Proposed clusters:")
            && out.contains("scenario 'proposed', dataset trondelag"),
        "{out}"
    );

    let table = stdout(klynge(&db).args(["--lang", "en", "compare", "1", "2", "3"]));
    assert!(
        table.contains("Round-trip km") && table.contains("Travel cost (NOK)"),
        "{table}"
    );
    assert!(
        table.contains("Changes from run 1 to 2") && table.contains("Changes from run 1 to 3"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(
        klynge(&db).args(["compare", "1", "2", "3", "--format", "json"]),
    ))
    .expect("json");
    assert_eq!(json["runs"].as_array().map(Vec::len), Some(3));
    let csv_text = stdout(klynge(&db).args(["compare", "1", "2", "--format", "csv"]));
    assert!(csv_text.lines().count() > 10);

    let r27 = stdout(klynge(&db).args(["--lang", "en", "explain", "1", "r27"]));
    assert!(
        r27.contains("Because every eligible instructor is busy"),
        "{r27}"
    );
    assert!(r27.contains("were dropped"), "{r27}");
    // People read names: the instructors the reasons and changes speak of are named, and
    // no instructor id (`i05`) stands where a name should.
    let pilot_names: Vec<(String, String)> =
        std::fs::read_to_string(pilot().join("instructors.csv"))
            .expect("instructors.csv")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split(',');
                Some((f.next()?.to_owned(), f.next()?.to_owned()))
            })
            .collect();
    for text in [&r27, &stdout(klynge(&db).args(["explain", "1"]))] {
        assert!(
            pilot_names
                .iter()
                .any(|(_, name)| text.contains(name.as_str())),
            "no instructor named: {text}"
        );
        for (id, _) in &pilot_names {
            let bare = text
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == id);
            assert!(!bare, "the id {id} where its name should be: {text}");
        }
    }
    let km40 = stdout(klynge(&db).args(["--lang", "en", "explain", "2"]));
    assert!(
        km40.contains("(limit 40 km)") && km40.contains("covered if everyone's travel limit were"),
        "{km40}"
    );
    let nb = stdout(klynge(&db).args(["explain", "1", "r05"]));
    assert!(
        nb.contains("Årsak: ingen som underviser i emnet snakker språket «so»"),
        "{nb}"
    );

    let geo: serde_json::Value = serde_json::from_str(&stdout(
        klynge(&db).args(["rota", "1", "--format", "geojson"]),
    ))
    .expect("geojson");
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().expect("features");
    let kinds = |k: &str| {
        features
            .iter()
            .filter(|f| f["properties"]["kind"] == k)
            .count()
    };
    assert_eq!(
        kinds("hub") + kinds("small"),
        12,
        "the pilot's associations"
    );
    let rota_json: serde_json::Value =
        serde_json::from_str(&stdout(klynge(&db).args(["rota", "1", "--format", "json"])))
            .expect("json");
    assert_eq!(
        kinds("assignment"),
        rota_json["entries"].as_array().map_or(0, Vec::len)
    );
    for f in features {
        let c = &f["geometry"]["coordinates"];
        let first = if f["geometry"]["type"] == "Point" {
            c.clone()
        } else {
            c[0].clone()
        };
        let (lon, lat) = (
            first[0].as_f64().expect("lon"),
            first[1].as_f64().expect("lat"),
        );
        assert!(
            (8.0..12.5).contains(&lon) && (62.0..64.5).contains(&lat),
            "[lon, lat] order: {first}"
        );
    }

    let report = dir.path().join("report.html");
    stdout(
        klynge(&db)
            .args(["--lang", "en", "report", "1", "2", "3", "4", "--out"])
            .arg(&report),
    );
    let html = std::fs::read_to_string(&report).expect("report written");
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(
        html.matches("<svg").count() >= 1 + 4 + 4,
        "coverage chart, 4 load charts, 4 maps"
    );
    for name in ["today", "km80", "km40", "proposed", "Seniornett Oppdal"] {
        assert!(html.contains(name), "{name} missing");
    }
    // Training advice for the first run (three trainings by default), confirmed by
    // planning again: on the pilot 633 → 680.
    let advice = html
        .split("id=\"advice\"")
        .nth(1)
        .expect("a training advice section");
    assert!(
        advice.contains("<td style=\"text-align:left\">learns helsenorge</td>")
            && advice.contains("Confirmed by planning again: weighted coverage 633 → 680"),
        "{advice}"
    );
    assert_eq!(
        advice
            .split("<h2")
            .next()
            .unwrap_or("")
            .matches("<tr>")
            .count(),
        1 + 3,
        "a heading and three trainings"
    );
    // The white spots of the first run's data: a map and a table, Namsos the largest.
    let spots = html
        .split("<h2>White spots</h2>")
        .nth(1)
        .expect("a white spots section");
    assert!(
        spots.contains("id=\"white-spots-map\"") && spots.contains("white spot (area: population)"),
        "{spots}"
    );
    assert!(
        spots.contains("<tr><td>Namsos</td><td>Trøndelag</td><td>15,083</td><td>17</td>"),
        "{spots}"
    );
    assert!(
        !html.contains("src=") && !html.contains("http"),
        "the report must not load anything"
    );

    let suggest = stdout(klynge(&db).args(["--lang", "en", "suggest", "1", "r27"]));
    assert!(
        suggest.contains("(i07)") && suggest.contains("costs"),
        "{suggest}"
    );
}

#[test]
fn every_command_works_on_postgres_through_database_url() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(pg) = rt.block_on(common::pg::pg_database()) else {
        return;
    };
    let cmd = || {
        let mut c = Command::cargo_bin("klynge").expect("binary");
        c.env("DATABASE_URL", &pg.url).env("KLYNGE_LANG", "en");
        c
    };
    let out = stdout(cmd().arg("plan").arg(pilot()));
    assert!(out.contains("Run 1 stored in postgres://"), "{out}");
    stdout(
        cmd()
            .arg("plan")
            .arg(pilot())
            .args(["--solver", "greedy", "--scenario", "by-hand"]),
    );
    let runs = stdout(cmd().arg("runs"));
    assert!(
        runs.contains("by-hand") && runs.contains("default"),
        "{runs}"
    );
    let csv_text = stdout(cmd().args(["rota", "1", "--format", "csv"]));
    assert!(csv_text.lines().count() > 100, "{csv_text}");
    assert!(stdout(cmd().args(["check", "2"])).contains("the rota is valid"));
    let cmp = stdout(cmd().args(["compare", "1", "2"]));
    assert!(cmp.contains("Changes from run 1 to 2"), "{cmp}");
    rt.block_on(pg.finish());
}

#[test]
fn proposed_clusters_are_printed_and_saved_as_the_cluster_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let saved = dir.path().join("associations.csv");
    let out = stdout(
        klynge(&db)
            .args(["--lang", "en", "plan"])
            .arg(pilot())
            .args(["--cluster-mode", "proposed", "--save-clusters"])
            .arg(&saved),
    );
    assert!(
        out.contains("Proposed clusters:") && out.contains("trondheim (demand"),
        "{out}"
    );
    // The saved file is the pilot's associations.csv with the proposed cluster column:
    // one hub, so every opted-in small association joins it.
    let text = std::fs::read_to_string(&saved).expect("saved");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (kind, opt_in, cluster) = (col("kind"), col("opt_in"), col("cluster"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 12);
    for r in &rows {
        let expected = if &r[kind] == "small" && &r[opt_in] == "true" {
            "trondheim"
        } else {
            ""
        };
        assert_eq!(&r[cluster], expected, "{r:?}");
    }
}

#[test]
fn unknown_run_is_a_clear_error_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let out = klynge(&db).args(["rota", "7"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Ingen kjøring med id 7"));
    let out = klynge(&db)
        .args(["--lang", "en", "check", "7"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("No run with id 7"));
}

#[test]
fn a_dataset_without_requests_plans_to_an_empty_rota() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("empty");
    std::fs::create_dir(&data).expect("mkdir");
    for f in ["associations.csv", "instructors.csv", "requests.csv"] {
        let text = std::fs::read_to_string(pilot().join(f)).expect("read");
        let keep = if f == "associations.csv" { 2 } else { 1 };
        std::fs::write(
            data.join(f),
            text.lines().take(keep).collect::<Vec<_>>().join("\n"),
        )
        .expect("write");
    }
    let db = dir.path().join("k.db");
    let out = stdout(klynge(&db).args(["--lang", "en", "plan"]).arg(&data));
    assert!(
        out.contains("Requests covered       0 of 0")
            && out.contains("Weighted coverage      0 of 0"),
        "{out}"
    );
    assert!(!out.contains("-0"), "{out}");
    assert!(stdout(klynge(&db).args(["--lang", "en", "check", "1"])).contains("valid"));
}

/// Numbers that are not finite, or outside their range, are refused before anything is read
/// or written — each flag named.
#[test]
fn non_finite_and_out_of_range_options_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    for (flag, value) in [
        ("--detour-factor", "inf"),
        ("--gap", "inf"),
        ("--speed-kmh", "inf"),
        ("--max-km", "NaN"),
        ("--time-limit", "0"),
        ("--nok-per-km", "-1"),
        ("--threads", "0"),
    ] {
        let out = klynge(&db)
            .args(["--lang", "en", "plan"])
            .arg(pilot())
            .arg(format!("{flag}={value}"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("Invalid value for {flag}")),
            "{flag}: {err}"
        );
        assert!(!db.exists(), "nothing may be written on bad input");
    }
}

/// A token is made only for a subject in the data: the given dataset, or else the input
/// of the newest run.
#[test]
fn tokens_are_made_only_for_subjects_in_the_data() {
    let (_dir, db, _) = planned("en");
    for (role, subject) in [
        ("coordinator", "oslo"),
        ("association", "trondheim"),
        ("instructor", "i99"),
        ("coordinator", ""),
    ] {
        let out = klynge(&db)
            .args([
                "--lang", "en", "token", "create", "--role", role, "--for", subject,
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{role} {subject}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not in the data"),
            "{out:?}"
        );
    }
    for (role, subject) in [
        ("coordinator", "*"),
        ("coordinator", "trondheim"),
        ("association", "malvik"),
        ("instructor", "i07"),
    ] {
        let token = stdout(klynge(&db).args(["token", "create", "--role", role, "--for", subject]));
        assert!(token.trim().starts_with("kl_"), "{token}");
    }
    // Against a dataset given on the command line, before any run exists.
    let dir = tempfile::tempdir().expect("tempdir");
    let fresh = dir.path().join("fresh.db");
    let out = klynge(&fresh)
        .args([
            "token",
            "create",
            "--role",
            "instructor",
            "--for",
            "i99",
            "--dataset",
        ])
        .arg(pilot())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    stdout(
        klynge(&fresh)
            .args([
                "token",
                "create",
                "--role",
                "instructor",
                "--for",
                "i07",
                "--dataset",
            ])
            .arg(pilot()),
    );
}

/// The life cycle on the command line: publishing needs approval.
#[test]
fn approve_then_publish() {
    let (_dir, db, _) = planned("en");
    let out = klynge(&db)
        .args(["--lang", "en", "publish", "1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not approved"),
        "{out:?}"
    );
    assert!(stdout(klynge(&db).args(["--lang", "en", "approve", "1"])).contains("approved"));
    let out = klynge(&db)
        .args(["--lang", "en", "approve", "1"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "only a proposed run is approved"
    );
    assert!(stdout(klynge(&db).args(["--lang", "en", "publish", "1"])).contains("published"));
    assert!(stdout(klynge(&db).args(["runs"])).contains("publisert"));
}

/// The database holds the cluster's data: import (all or nothing, with what changed),
/// plan without a folder, export back.
#[test]
fn import_plan_and_export_the_current_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    // Nothing imported yet: planning without a folder says what to do.
    let out = klynge(&db)
        .args(["--lang", "en", "plan"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("klynge import"),
        "{out:?}"
    );
    // Reports compared with runs of spaces folded to one.
    let folded = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = folded(stdout(
        klynge(&db).args(["--lang", "en", "import"]).arg(pilot()),
    ));
    assert!(
        first.contains("Instructors 28 added, 0 changed, 0 retired"),
        "{first}"
    );
    let again = folded(stdout(
        klynge(&db).args(["--lang", "en", "import"]).arg(pilot()),
    ));
    assert!(
        again.contains("Instructors 0 added, 0 changed, 0 retired"),
        "{again}"
    );
    // A changed copy: one instructor's limit, one request gone.
    let changed = dir.path().join("changed");
    std::fs::create_dir(&changed).expect("mkdir");
    for f in std::fs::read_dir(pilot()).expect("pilot") {
        let f = f.expect("entry").path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, changed.join(f.file_name().expect("name"))).expect("copy");
        }
    }
    let edit = |file: &str, f: &dyn Fn(Vec<String>) -> Vec<String>| {
        let text = std::fs::read_to_string(changed.join(file)).expect("read");
        let lines = f(text.lines().map(str::to_owned).collect());
        std::fs::write(changed.join(file), lines.join("\n") + "\n").expect("write");
    };
    edit("instructors.csv", &|mut l| {
        l[1] = l[1].replacen(",60,", ",70,", 1);
        l
    });
    edit("requests.csv", &|l| {
        l.into_iter().filter(|x| !x.starts_with("r40,")).collect()
    });
    let report = folded(stdout(
        klynge(&db).args(["--lang", "en", "import"]).arg(&changed),
    ));
    assert!(
        report.contains("Instructors 0 added, 1 changed, 0 retired"),
        "{report}"
    );
    assert!(
        report.contains("Requests 0 added, 0 changed, 1 retired"),
        "{report}"
    );
    // A bad dataset changes nothing.
    edit("requests.csv", &|mut l| {
        l[2] = l[2].replacen(",nb,", ",xx,", 1);
        l
    });
    let out = klynge(&db)
        .args(["--lang", "en", "import"])
        .arg(&changed)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    // Planning without a folder plans the current data (39 requests now).
    let summary = stdout(klynge(&db).args(["--lang", "en", "plan", "--time-limit", "30"]));
    assert!(summary.contains("of 41 ("), "{summary}");
    // Export writes it back; it reads as the same data.
    let back = dir.path().join("back");
    stdout(klynge(&db).args(["export"]).arg(&back));
    let exported = klynge::ingest::load(&back).expect("exported data loads");
    assert_eq!(exported.requests.len(), 41);
    assert_eq!(
        exported
            .instructors
            .iter()
            .find(|i| i.id == "i01")
            .expect("i01")
            .max_km,
        70.0
    );
}

/// Every change is recorded: who, when, what.
#[test]
fn the_audit_trail_records_imports_approvals_and_publications() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    assert!(stdout(klynge(&db).args(["--lang", "en", "audit"])).contains("No changes yet"));
    stdout(klynge(&db).arg("import").arg(pilot()));
    stdout(klynge(&db).args(["plan", "--time-limit", "30"]));
    stdout(klynge(&db).args(["approve", "1"]));
    stdout(klynge(&db).args(["publish", "1"]));
    let log = stdout(klynge(&db).args(["--lang", "en", "audit"]));
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(
        lines[0].contains("cli") && lines[0].contains("published") && lines[0].contains("run 1"),
        "{log}"
    );
    assert!(
        lines[1].contains("approved") && lines[1].contains("run 1"),
        "{log}"
    );
    assert!(
        lines[2].contains("imported data") && lines[2].contains("instructors +28 ~0 -0"),
        "{log}"
    );
    // In bokmål: the action in words, the run as "kjøring", the time in Oslo time.
    let nb = stdout(klynge(&db).args(["audit"]));
    let first = nb.lines().next().unwrap_or_default();
    assert!(
        first.contains("publiserte") && first.contains("kjøring 1") && first.contains(" kl. "),
        "{nb}"
    );
}

/// `plan --fairness first` lifts the smallest share before coverage, and `compare` shows
/// the price next to it (on the pilot: weighted coverage 633 → 611, smallest share of what
/// can be covered 0 % → 72.4 %: Malvik, whose guidance has one desk of two).
#[test]
fn fairness_first_and_its_price_in_compare() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let run = |args: &[&str]| {
        let out = klynge(&db).args(args).output().expect("klynge runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let pilot = pilot();
    let pilot = pilot.to_str().expect("path");
    run(&["--lang", "en", "plan", pilot]);
    let fair = run(&["--lang", "en", "plan", pilot, "--fairness", "first"]);
    assert!(
        fair.contains("Stage 0 (smallest share covered for an association): optimal; value 72.4 %"),
        "{fair}"
    );
    let table = run(&["--lang", "en", "compare", "1", "2"]);
    let row = table
        .lines()
        .find(|l| l.starts_with("Smallest share covered"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("0.0 % (Seniornett Selbu)") && row.contains("72.4 % (Seniornett Malvik)"),
        "{row}"
    );
    let weighted = table
        .lines()
        .find(|l| l.starts_with("Weighted coverage"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        weighted.contains("633/795") && weighted.contains("611/795"),
        "{weighted}"
    );
}

/// A file klynge does not read in a dataset folder (a misspelt `netwrk.csv`) is a warning
/// naming it and the known files; the data still plan.
#[test]
fn an_unknown_file_in_a_dataset_folder_is_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    for f in std::fs::read_dir(pilot()).expect("pilot") {
        let f = f.expect("entry").path();
        if f.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&f, data.join(f.file_name().expect("name"))).expect("copy");
        }
    }
    std::fs::write(data.join("netwrk.csv"), "from,to,km,minutes\n").expect("write");
    let db = dir.path().join("k.db");
    let out = klynge(&db)
        .args(["--lang", "en", "plan"])
        .arg(&data)
        .args(["--time-limit", "10"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("Warning: klynge does not read") && err.contains("netwrk.csv"),
        "{err}"
    );
    assert!(
        err.contains("network.csv"),
        "the known names are listed: {err}"
    );
    // The pilot itself (README.md and scenarios/ beside the CSV files) warns of nothing.
    let out = klynge(&db)
        .args(["--lang", "en", "plan"])
        .arg(pilot())
        .args(["--solver", "greedy"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Warning"));
}

/// `--max-minutes` is the scenario's one-way limit in minutes: on the Fosen fixture the
/// ferry route to Indre Fosen takes 77 minutes, so at 60 nobody may go there.
#[test]
fn plan_max_minutes_keeps_everyone_this_side_of_the_ferry() {
    let fosen = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fosen");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let out = stdout(
        klynge(&db)
            .args(["--lang", "en", "plan"])
            .arg(&fosen)
            .args(["--max-minutes", "60"]),
    );
    assert!(out.contains("Requests covered       1 of 2"), "{out}");
    assert!(
        out.contains("77 minutes one way (limit 60 minutes)"),
        "{out}"
    );
}

/// `klynge rota 1 | head -1`: the reader goes away before klynge has printed, and klynge
/// ends quietly (as Unix tools do) instead of panicking on the closed pipe.
#[test]
fn printing_into_a_closed_pipe_ends_quietly() {
    let (_dir, db, _) = planned("nb");
    for args in [&["rota", "1"][..], &["explain", "1"], &["runs"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_klynge"))
            .env_remove("DATABASE_URL")
            .env_remove("KLYNGE_LANG")
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("klynge starts");
        // Close the reading end at once: every line klynge prints goes into a closed pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("klynge ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "klynge {args:?} into a closed pipe: {stderr}"
        );
    }
}
