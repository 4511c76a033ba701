//! Bokmål done properly (issue 12): every user-visible string the tests can reach — the
//! command line's human outputs, errors and help on the pilot, the report, and the pages
//! rendered through the router (the public ones, each role's, a run's page and the pages
//! of a plan, a repair and a failed job) — is scanned for English words left in bokmål
//! and for numbers written with a decimal point.
//!
//! Long because the scanner is written out here with its word lists, and each surface it
//! scans is set up in turn.
//!
//! What is data is taken out before the scan, since a name or a code is not a leak: URLs,
//! e-mail addresses, file paths, text in «guillemets» (the user's own values), topic ids,
//! language codes, and for pages the HTML tags with their attribute values. Option values
//! the user types (`--format table`, `--cluster-mode fixed`) are clap's and the user's
//! vocabulary, so help is scanned with the words that are also option values left out.

use std::path::Path;

mod common;
use common::cli::{klynge, pilot};

/// English words that have no place in bokmål text. Chosen so that none is a Norwegian
/// word too (not `to`, `at`, `time`, `for`, `under`, `data`, `status`, `total`, `hub`).
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "of",
    "with",
    "without",
    "is",
    "are",
    "was",
    "not",
    "no",
    "from",
    "by",
    "error",
    "errors",
    "warning",
    "failed",
    "unknown",
    "invalid",
    "missing",
    "expected",
    "found",
    "file",
    "directory",
    "such",
    "value",
    "values",
    "run",
    "runs",
    "request",
    "requests",
    "instructor",
    "instructors",
    "association",
    "associations",
    "session",
    "sessions",
    "covered",
    "uncovered",
    "coverage",
    "weighted",
    "travel",
    "stage",
    "bound",
    "gap",
    "greedy",
    "baseline",
    "limit",
    "week",
    "hours",
    "minutes",
    "date",
    "help",
    "usage",
    "options",
    "arguments",
    "commands",
    "print",
    "show",
    "possible",
    "env",
    "cluster",
    "clusters",
    "mode",
    "open",
    "fixed",
    "proposed",
    "published",
    "approved",
    "superseded",
    "unsaved",
    "created",
    "dataset",
    "input",
    "output",
    "range",
    "please",
    "try",
    "again",
    "because",
    "busy",
    "free",
    "away",
    "wed",
    "mon",
    "tue",
    "thu",
    "fri",
    "sat",
    "sun",
    "lent",
    "cap",
    "solver",
    "changes",
    "figures",
    "share",
    "load",
    "map",
    "made",
    "scale",
    "legend",
];

/// Words that are also option values the user types (`--cluster-mode fixed`,
/// `--format table`); not leaks in help, where they are named as values.
const OPTION_VALUES: &[&str] = &[
    "fixed",
    "open",
    "proposed",
    "greedy",
    "association",
    "instructor",
    "after",
    "first",
    "coordinator",
];

/// Takes out what is data, not text: URLs, e-mail addresses, paths and file names,
/// «quoted values» and `commands in backticks` (what the user types), `<placeholders>`,
/// and words with underscores (codes).
fn text_only(s: &str) -> String {
    let mut out = String::new();
    let mut quoted = 0usize;
    let mut angled = false;
    let mut ticked = false;
    for c in s.chars() {
        match c {
            '«' => quoted += 1,
            '»' => quoted = quoted.saturating_sub(1),
            '<' => angled = true,
            '>' => angled = false,
            '`' => ticked = !ticked,
            _ if quoted > 0 || angled || ticked => {}
            _ => out.push(c),
        }
    }
    out.split_whitespace()
        .filter(|w| {
            !(w.contains("://")
                || w.contains('@')
                || (w.contains('/') && w.chars().filter(|&c| c == '/').count() > 1)
                || w.starts_with('/')
                || w.contains('_')
                || is_file_name(w)
                || w.starts_with("--"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `associations.csv`, `report.html`: a point followed by a letter inside a word.
fn is_file_name(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    w.char_indices().any(|(k, c)| {
        c == '.'
            && k > 0
            && w[k + 1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_lowercase())
    })
}

/// The English words in `s` (whole words, any case), leaving out `allowed`.
fn english_words(s: &str, allowed: &[&str]) -> Vec<String> {
    let text = text_only(s);
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .filter(|w| {
            let w = w.to_lowercase();
            ENGLISH.contains(&w.as_str()) && !allowed.contains(&w.as_str())
        })
        .map(str::to_owned)
        .collect()
}

/// Numbers written with a decimal point (`82.5`): a run of digits and points with exactly
/// one point between digits, not ending in a point. Dates (`18.01.2027`, `ons 20.01.`),
/// versions and addresses have more points, or end in one, and pass.
fn point_decimals(s: &str) -> Vec<String> {
    let text = text_only(s);
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        if chars[k].is_ascii_digit() {
            let start = k;
            while k < chars.len() && (chars[k].is_ascii_digit() || chars[k] == '.') {
                k += 1;
            }
            let run: String = chars[start..k].iter().collect();
            let preceded = start > 0 && chars[start - 1].is_alphanumeric();
            if run.matches('.').count() == 1 && !run.ends_with('.') && !preceded {
                found.push(run);
            }
        } else {
            k += 1;
        }
    }
    found
}

/// A page's visible text: scripts and styles out, tags (with their attribute values) out,
/// the common entities decoded.
fn visible(html: &str) -> String {
    let mut s = html.to_owned();
    for tag in ["script", "style", "title"] {
        while let Some(a) = s.find(&format!("<{tag}")) {
            let end = s[a..]
                .find(&format!("</{tag}>"))
                .map_or(s.len(), |e| a + e + tag.len() + 3);
            s.replace_range(a..end, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "‹")
        .replace("&gt;", "›")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
}

/// Every leak in `text`, labelled by where it was seen.
fn leaks(label: &str, text: &str, allowed: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = english_words(text, allowed)
        .into_iter()
        .map(|w| format!("{label}: English word «{w}»"))
        .collect();
    out.extend(
        point_decimals(text)
            .into_iter()
            .map(|d| format!("{label}: decimal point in «{d}»")),
    );
    out
}

/// Output and error of one command, whatever its exit status.
fn run(db: &Path, args: &[&str]) -> String {
    let out = klynge(db).args(args).output().expect("runs");
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_scanner_finds_what_it_should_and_passes_what_it_should() {
    let bad = "Kjøring 1: 82.5 % dekket, status proposed, klyngemodus fixed, error";
    let found = leaks("x", bad, &[]);
    assert_eq!(found.len(), 4, "{found:?}");
    let good = "Kjøring 1: 82,5 % dekket 18.01.2027, ons 20.01., «proposed» r16 kari.bakken@example.org https://a.example.org/x 127.0.0.1";
    assert!(
        leaks("x", good, &[]).is_empty(),
        "{:?}",
        leaks("x", good, &[])
    );
    assert_eq!(
        visible("<p title=\"the error\">Hei <b>du</b></p><style>p{}</style>").trim(),
        "Hei  du"
    );
}

#[test]
fn the_command_line_in_bokmal_has_no_english_and_no_decimal_points() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let pilot = pilot();
    let pilot = pilot.to_str().expect("path");
    let mut found = Vec::new();
    let mut check = |label: &str, args: &[&str]| {
        let text = run(&db, args);
        found.extend(leaks(label, &text, &[]));
        text
    };
    check(
        "plan",
        &[
            "plan",
            pilot,
            "--time-limit",
            "20",
            "--scenario",
            "standard",
        ],
    );
    check(
        "plan km40",
        &[
            "plan",
            pilot,
            "--time-limit",
            "20",
            "--scenario",
            "km40",
            "--max-km",
            "40",
            "--nok-per-km",
            "3,5",
        ],
    );
    check("runs", &["runs"]);
    check("rota", &["rota", "1"]);
    check("rota by instructor", &["rota", "1", "--by", "instructor"]);
    check("check", &["check", "1"]);
    check("compare", &["compare", "1", "2"]);
    check("explain", &["explain", "1", "r27"]);
    check("suggest", &["suggest", "1", "r27"]);
    check("hours", &["hours", "1"]);
    check("whitespots", &["whitespots", pilot]);
    check("offers", &["offers", "Stjørdal", "--from", "11.01.2027"]);
    check("approve", &["approve", "1"]);
    check("publish", &["publish", "1"]);
    check("runs after publishing", &["runs"]);
    check("audit", &["audit"]);
    check("outbox", &["outbox"]);
    // Errors: a missing run, a missing file, bad JSON, bad flags and values.
    let missing = check("missing run", &["rota", "99"]);
    assert!(missing.contains("99"), "{missing}");
    let nofile = check("missing dataset", &["plan", "/nonexistent/dataset.json"]);
    assert!(nofile.contains("finner ikke filen"), "{nofile}");
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{\"associations\": 1e999}").expect("write");
    check("bad json", &["plan", bad_json.to_str().expect("path")]);
    let flag = check("unknown flag", &["runs", "--bogus"]);
    assert!(flag.contains("ukjent valg"), "{flag}");
    check("bad value", &["rota", "1", "--format", "foo"]);
    check("missing value", &["rota", "1", "--format"]);
    check("unknown command", &["frobnicate"]);
    check("bad number", &["plan", "--time-limit", "lang"]);
    // The report: its visible text.
    let report = dir.path().join("r.html");
    check(
        "report",
        &[
            "report",
            "1",
            "2",
            "--trainings",
            "0",
            "--out",
            report.to_str().expect("path"),
        ],
    );
    let html = std::fs::read_to_string(&report).expect("report");
    found.extend(leaks("report", &visible(&html), &[]));
    // Help of the program and of every command.
    let top = run(&db, &["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Kommandoer"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 20, "{top}");
    let nested = [
        "scenario run",
        "person export",
        "person erase",
        "outbox send",
        "token create",
        "token revoke",
    ];
    // Help names the commands themselves (`runs`, `hours`, `scenario run`): what the user
    // types, not text.
    let mut typed: Vec<&str> = OPTION_VALUES.to_vec();
    typed.extend(commands.iter().map(String::as_str));
    typed.extend(nested.iter().flat_map(|n| n.split(' ')));
    typed.push("help");
    found.extend(leaks("--help", &top, &typed));
    for c in commands.iter().map(String::as_str).chain(nested) {
        let mut args: Vec<&str> = c.split(' ').collect();
        args.push("--help");
        let text = run(&db, &args);
        assert!(text.contains("Bruk:"), "{c}: {text}");
        found.extend(leaks(&format!("{c} --help"), &text, &typed));
    }
    assert!(
        found.is_empty(),
        "{} leaks in bokmål:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[tokio::test]
async fn the_pages_in_bokmal_have_no_english_and_no_decimal_points() {
    let f = common::service::fixture().await;
    // A plan, a repair of it and a job that fails: the run page and the three job pages.
    let planned = common::service::queue_and_follow(&f.state, "/api/runs", &f.coord_all).await;
    assert_eq!(planned["status"], "done", "{planned}");
    let run = planned["run"].as_i64().expect("run");
    let repaired = common::service::repair(&f.state, &f.coord_all, run).await;
    let failed = f
        .state
        .store
        .enqueue_job(
            "unknown",
            "coordinator:*",
            r#"{"role":"coordinator","subject":"*"}"#,
        )
        .await
        .expect("enqueue");
    let start = std::time::Instant::now();
    loop {
        let (_, text) = common::service::api(
            &f.state,
            "GET",
            &format!("/api/jobs/{failed}"),
            &f.coord_all,
            None,
        )
        .await;
        if text.contains("\"failed\"") {
            break;
        }
        assert!(start.elapsed().as_secs() < 60, "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut found = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let job = |j: &serde_json::Value| format!("/coordinator/jobs/{}", j["id"]);
    let pages = [
        ("/".to_owned(), None),
        ("/tilbud/Stjørdal".to_owned(), None),
        ("/coordinator".to_owned(), Some(&f.coord_hub)),
        ("/coordinator/people".to_owned(), Some(&f.coord_hub)),
        ("/coordinator/hours".to_owned(), Some(&f.coord_hub)),
        (format!("/coordinator/runs/{run}"), Some(&f.coord_all)),
        (
            format!("/coordinator/runs/{run}?by=instructor"),
            Some(&f.coord_all),
        ),
        (job(&planned), Some(&f.coord_all)),
        (job(&repaired), Some(&f.coord_all)),
        (format!("/coordinator/jobs/{failed}"), Some(&f.coord_all)),
        ("/association".to_owned(), Some(&f.malvik)),
        ("/instructor".to_owned(), Some(&f.i01)),
    ];
    for (uri, token) in pages {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .as_deref()
            .map(|b| vec![("authorization", b)])
            .unwrap_or_default();
        let uri = uri.replace("ø", "%C3%B8");
        let (status, _, html) =
            common::service::send(&f.state, "GET", &uri, &headers, String::new()).await;
        assert!(status.is_success(), "{uri}: {status}");
        let text = visible(&html);
        found.extend(leaks(&format!("page {uri}"), &text, &[]));
        seen.push((uri, text));
    }
    // The scan saw the pages themselves: the run's uncovered requests with their reasons,
    // a job that is done with its run, and one that failed with why.
    let text_of = |uri: &str| {
        seen.iter()
            .find(|(u, _)| u == uri)
            .map_or("", |(_, t)| t.as_str())
    };
    let run_page = text_of(&format!("/coordinator/runs/{run}"));
    assert!(
        run_page.contains("Ikke dekket") && run_page.contains("Hvorfor"),
        "{run_page}"
    );
    let done = text_of(&job(&planned));
    assert!(done.contains(&format!("kjøring {run}")), "{done}");
    let fail = text_of(&format!("/coordinator/jobs/{failed}"));
    assert!(fail.contains("planleggingen feilet"), "{fail}");
    // An error from the API in the caller's language.
    let (status, body) = common::service::api(
        &f.state,
        "POST",
        &format!("/api/runs/{}/approve", run + 1000),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::NOT_FOUND, "{body}");
    // The key is for programs; the message is for people.
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let message = json["error"].as_str().expect("an error message");
    found.extend(leaks("api error", message, &[]));
    assert!(
        found.is_empty(),
        "{} leaks in bokmål:\n{}",
        found.len(),
        found.join("\n")
    );
}
