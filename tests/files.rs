//! Files that open (issue 12): the rota and a comparison as .xlsx workbooks holding the
//! rows of their CSV, CSV for a Norwegian spreadsheet (`--excel`), the flags that do not go
//! together, and calendars that phones keep up to date — SEQUENCE and LAST-MODIFIED from
//! the publications, a refresh interval, co-instructors named, the public overview naming
//! nobody.
//!
//! Long because each format is tested end to end through the command line, on the pilot,
//! and the calendar over a whole publish–repair–publish cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};

mod common;

use common::cli::{klynge, pilot, stdout};

/// The pilot planned once (run 1), in a fresh database.
fn planned() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    stdout(
        klynge(&db)
            .arg("plan")
            .arg(pilot())
            .args(["--time-limit", "30"]),
    );
    (dir, db)
}

/// Every row of a CSV (header first), read with `delimiter`.
fn csv_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| {
            rec.expect("a CSV record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// Every worksheet of a workbook, its rows one after another, as calamine reads them.
fn xlsx_rows(path: &Path) -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(path).expect("the workbook opens");
    let mut rows = Vec::new();
    for name in book.sheet_names().to_vec() {
        let range = book.worksheet_range(&name).expect("a worksheet");
        rows.extend(range.rows().map(<[Data]>::to_vec));
    }
    rows
}

/// Whether a workbook cell holds what the spreadsheet CSV shows, as the type it should be:
/// numbers as numbers (`53,1`), dates as dates (`12.01.2027`), times as times (`10:00`).
fn same(cell: &Data, shown: &str) -> bool {
    match cell {
        Data::Empty => shown.is_empty(),
        Data::String(s) => s == shown,
        Data::Float(f) => shown
            .replace(',', ".")
            .parse::<f64>()
            .is_ok_and(|v| (v - f).abs() < 1e-9),
        Data::Int(i) => shown.parse::<i64>() == Ok(*i),
        Data::DateTime(dt) => {
            let v = dt.as_f64();
            if shown.contains(':') && !shown.contains('.') {
                let minutes = (v * 24.0 * 60.0).round() as i64;
                format!("{:02}:{:02}", minutes / 60, minutes % 60) == shown
            } else {
                let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|e| e.checked_add_signed(chrono::TimeDelta::days(v.floor() as i64)));
                let minutes = ((v - v.floor()) * 24.0 * 60.0).round() as i64;
                day.is_some_and(|d| {
                    let date = d.format("%d.%m.%Y").to_string();
                    date == shown
                        || format!("{date} {:02}:{:02}", minutes / 60, minutes % 60) == shown
                })
            }
        }
        other => panic!("unexpected cell {other:?}"),
    }
}

/// The workbook holds exactly the spreadsheet CSV's rows, cell by cell.
fn assert_same_rows(xlsx: &[Vec<Data>], csv: &[Vec<String>]) {
    assert_eq!(xlsx.len(), csv.len(), "as many rows");
    for (n, (x, c)) in xlsx.iter().zip(csv).enumerate() {
        // calamine pads a worksheet's rows to its widest; the CSV's are as long as they are.
        let x: Vec<&Data> = x.iter().take(c.len()).collect();
        assert_eq!(x.len(), c.len(), "row {n}: {x:?} / {c:?}");
        for (cell, shown) in x.iter().zip(c) {
            assert!(same(cell, shown), "row {n}: {cell:?} is not {shown:?}");
        }
    }
}

/// The plain CSV's cell for a spreadsheet CSV's: decimal point, ISO dates, as `Style::Plain`.
fn as_plain(shown: &str) -> String {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(shown, "%d.%m.%Y") {
        return d.format("%Y-%m-%d").to_string();
    }
    if shown.replace(',', ".").parse::<f64>().is_ok() {
        return shown.replace(',', ".");
    }
    shown.to_owned()
}

#[test]
fn the_rota_as_xlsx_holds_the_rows_of_its_csv() {
    let (dir, db) = planned();
    let path = dir.path().join("rota.xlsx");
    let out = stdout(
        klynge(&db)
            .args(["rota", "1", "--format", "xlsx", "--out"])
            .arg(&path),
    );
    assert!(out.is_empty(), "nothing on the terminal: {out}");
    let xlsx = xlsx_rows(&path);
    let csv = csv_rows(
        stdout(klynge(&db).args(["rota", "1", "--format", "csv", "--excel"]))
            .trim_start_matches('\u{feff}'),
        b';',
    );
    assert!(csv.len() > 100, "the pilot's sessions");
    assert_same_rows(&xlsx, &csv);
    // A bold header of labels, then numbers as numbers and dates as dates.
    assert_eq!(xlsx[0][0], Data::String("Kjøring".into()));
    assert_eq!(xlsx[0][5], Data::String("Dato".into()));
    let row = &xlsx[1];
    assert!(matches!(row[0], Data::Float(_)), "run: {:?}", row[0]);
    assert!(matches!(row[1], Data::String(_)), "request: {:?}", row[1]);
    assert!(matches!(row[5], Data::DateTime(_)), "date: {:?}", row[5]);
    assert!(matches!(row[6], Data::DateTime(_)), "start: {:?}", row[6]);
    assert!(matches!(row[10], Data::Float(_)), "km: {:?}", row[10]);
    assert!(matches!(row[11], Data::Float(_)), "minutes: {:?}", row[11]);
    // In English, the labels are English and the values the same.
    let en = dir.path().join("rota-en.xlsx");
    stdout(
        klynge(&db)
            .args(["--lang", "en", "rota", "1", "--format", "xlsx", "-o"])
            .arg(&en),
    );
    let en = xlsx_rows(&en);
    assert_eq!(en[0][0], Data::String("Run".into()));
    assert_eq!(en[1..], xlsx[1..]);
}

#[test]
fn a_comparison_as_xlsx_holds_the_rows_of_its_csv() {
    let (dir, db) = planned();
    stdout(klynge(&db).arg("plan").arg(pilot()).args([
        "--solver",
        "greedy",
        "--scenario",
        "by-hand",
    ]));
    let path = dir.path().join("compare.xlsx");
    stdout(
        klynge(&db)
            .args(["compare", "1", "2", "--format", "xlsx", "-o"])
            .arg(&path),
    );
    let book = open_workbook_auto(&path).expect("opens");
    assert_eq!(book.sheet_names(), ["Nøkkeltall", "Endringer"]);
    drop(book);
    let xlsx = xlsx_rows(&path);
    let text = stdout(klynge(&db).args(["compare", "1", "2", "--format", "csv", "--excel"]));
    let csv = csv_rows(text.trim_start_matches('\u{feff}'), b';');
    assert_same_rows(&xlsx, &csv);
    // The figures: the runs head the columns; round-trip km are numbers.
    assert_eq!(csv[0], ["Kjøring", "1", "2"]);
    let km = xlsx
        .iter()
        .find(|r| r[0] == Data::String("Km tur-retur".into()))
        .expect("km row");
    assert!(matches!(km[1], Data::Float(v) if v > 1000.0), "{km:?}");
    // The changes follow under their own header, the kinds in words.
    let changes = csv
        .iter()
        .position(|r| r[0] == "Endring")
        .expect("changes header");
    assert_eq!(
        csv[changes],
        [
            "Endring",
            "Fra kjøring",
            "Til kjøring",
            "Forespørsel",
            "Før",
            "Etter"
        ]
    );
    assert!(csv.len() > changes + 1, "greedy differs from the optimiser");
    // The same rows as the plain CSV, which stays as it was (`,`, no BOM, codes).
    let plain_text = stdout(klynge(&db).args(["compare", "1", "2", "--format", "csv"]));
    assert!(plain_text.starts_with("Kjøring,1,2\n"), "{plain_text}");
    let plain_rows = csv_rows(&plain_text, b',');
    assert_eq!(plain_rows.len(), csv.len());
    assert!(
        plain_rows[changes + 1][0]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_')
    );
}

#[test]
fn excel_csv_is_for_a_norwegian_spreadsheet() {
    let (_dir, db) = planned();
    let excel = stdout(klynge(&db).args(["rota", "1", "--format", "csv", "--excel"]));
    assert!(excel.as_bytes().starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let header = excel.lines().next().expect("header");
    assert!(
        header.contains(";Forespørsel;") && !header.contains(','),
        "{header}"
    );
    let plain = stdout(klynge(&db).args(["rota", "1", "--format", "csv"]));
    assert!(!plain.starts_with('\u{feff}') && plain.starts_with("run,request,"));
    let excel_rows = csv_rows(excel.trim_start_matches('\u{feff}'), b';');
    let plain_rows = csv_rows(&plain, b',');
    assert_eq!(excel_rows.len(), plain_rows.len());
    // Row by row the same values: decimal comma and dd.mm.yyyy for the spreadsheet.
    for (e, p) in excel_rows.iter().zip(&plain_rows).skip(1) {
        let e: Vec<String> = e.iter().map(|c| as_plain(c)).collect();
        assert_eq!(&e, p);
    }
    let first = &excel_rows[1];
    assert!(
        first[10].contains(','),
        "km with a decimal comma: {first:?}"
    );
    assert!(
        chrono::NaiveDate::parse_from_str(&first[5], "%d.%m.%Y").is_ok(),
        "{first:?}"
    );
    // Every CSV the command line writes has the same two forms; `hours` always the second.
    for args in [
        &["compare", "1", "1", "--format", "csv", "--excel"][..],
        &["runs", "--format", "csv", "--excel"],
        &["hours", "1", "--format", "csv", "--excel"],
        &["hours", "1", "--format", "csv"],
        &["whitespots", "--format", "csv", "--excel"],
    ] {
        let mut c = klynge(&db);
        c.args(args);
        if args[0] == "whitespots" {
            c.arg(pilot());
        }
        let text = stdout(&mut c);
        assert!(text.starts_with('\u{feff}'), "{args:?}: {text}");
        let rows = csv_rows(text.trim_start_matches('\u{feff}'), b';');
        assert!(rows.len() > 1 && rows[0].len() >= 3, "{args:?}: {text}");
    }
    let runs = stdout(klynge(&db).args(["runs", "--format", "csv"]));
    assert!(runs.starts_with("id,scenario,dataset,status,"), "{runs}");
}

#[test]
fn a_workbook_needs_a_file_and_excel_needs_csv() {
    let (dir, db) = planned();
    for (lang, args, says) in [
        (
            "nb",
            &["rota", "1", "--format", "xlsx"][..],
            "--format xlsx skriver et regneark til en fil: gi --out FIL",
        ),
        (
            "en",
            &["rota", "1", "--format", "xlsx"],
            "--format xlsx writes a workbook to a file: give --out FILE",
        ),
        (
            "en",
            &["compare", "1", "1", "--format", "xlsx"],
            "--out FILE",
        ),
        ("en", &["hours", "1", "--format", "xlsx"], "--out FILE"),
        ("en", &["runs", "--format", "xlsx"], "--out FILE"),
        ("en", &["whitespots", "--format", "xlsx"], "--out FILE"),
        (
            "nb",
            &["rota", "1", "--format", "json", "--excel"],
            "--excel gjelder bare --format csv",
        ),
        (
            "en",
            &["rota", "1", "--format", "xlsx", "--excel", "-o", "x.xlsx"],
            "--excel applies only to --format csv",
        ),
        (
            "en",
            &["compare", "1", "1", "--excel"],
            "--excel applies only",
        ),
    ] {
        let out = klynge(&db)
            .args(["--lang", lang])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing written");
    }
    assert!(!dir.path().join("x.xlsx").exists());
    // The other table-shaped outputs as workbooks.
    for (args, sheet) in [
        (&["runs"][..], "Kjøringer"),
        (&["hours", "1"], "Timer"),
        (&["whitespots"], "Hvite flekker"),
    ] {
        let path = dir.path().join(format!("{}.xlsx", args[0]));
        let mut c = klynge(&db);
        c.args(args).args(["--format", "xlsx", "--out"]).arg(&path);
        if args[0] == "whitespots" {
            c.arg(pilot());
        }
        stdout(&mut c);
        let mut book = open_workbook_auto(&path).expect("opens");
        assert_eq!(book.sheet_names(), [sheet]);
        let range = book.worksheet_range(sheet).expect("sheet");
        assert!(range.height() > 1, "{args:?}");
    }
}

/// A calendar's events by UID, unfolded: (SEQUENCE, LAST-MODIFIED, DESCRIPTION, LOCATION).
fn events(ics: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = BTreeMap::new();
    for block in unfolded.split("BEGIN:VEVENT\r\n").skip(1) {
        let fields: BTreeMap<String, String> = block
            .split("\r\n")
            .take_while(|l| *l != "END:VEVENT")
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        out.insert(fields["UID"].clone(), fields);
    }
    out
}

/// Request → its instructors, from a plain rota CSV.
fn staffing(csv: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in csv_rows(csv, b',').iter().skip(1) {
        m.entry(row[1].clone()).or_default().insert(row[8].clone());
    }
    m
}

/// Publish, repair after a drop-out (i08 away all year: the pilot's r08 gets another
/// second instructor), publish again: the changed events have a higher SEQUENCE and a later
/// LAST-MODIFIED, the others keep theirs, and UIDs stay.
#[test]
fn a_changed_event_gets_a_higher_sequence_and_the_public_overview_names_nobody() {
    let (dir, db) = planned();
    calendar_cycle(&db, dir.path());
}

/// The same on PostgreSQL (publication times are stored and ordered there too).
#[test]
fn a_changed_event_gets_a_higher_sequence_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(pg) = rt.block_on(common::pg::pg_database()) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = PathBuf::from(&pg.url);
    stdout(
        klynge(&db)
            .arg("plan")
            .arg(pilot())
            .args(["--time-limit", "30"]),
    );
    calendar_cycle(&db, dir.path());
    rt.block_on(pg.finish());
}

/// Run 1 planned in `db`: publish it, repair, publish the repair, and read the calendars.
fn calendar_cycle(db: &Path, dir: &Path) {
    let db = db.to_owned();
    stdout(klynge(&db).args(["approve", "1"]));
    stdout(klynge(&db).args(["publish", "1"]));
    let before = stdout(klynge(&db).args(["rota", "1", "--format", "ics"]));
    let changed = dir.join("changed");
    std::fs::create_dir(&changed).expect("dir");
    for f in std::fs::read_dir(pilot()).expect("pilot") {
        let f = f.expect("entry").path();
        if f.is_file() {
            std::fs::copy(&f, changed.join(f.file_name().expect("name"))).expect("copy");
        }
    }
    let mut blackouts = std::fs::read_to_string(changed.join("blackouts.csv")).expect("read");
    blackouts.push_str("i08,2027-01-01,2027-12-31\n");
    std::fs::write(changed.join("blackouts.csv"), blackouts).expect("write");
    stdout(klynge(&db).args(["repair", "1", "--dataset"]).arg(&changed));
    stdout(klynge(&db).args(["approve", "2"]));
    // LAST-MODIFIED is to the second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    stdout(klynge(&db).args(["publish", "2"]));
    let after = stdout(klynge(&db).args(["rota", "2", "--format", "ics"]));
    for ics in [&before, &after] {
        assert!(
            ics.contains("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n")
                && ics.contains("\r\nX-PUBLISHED-TTL:PT6H\r\n"),
            "{ics}"
        );
    }
    let (old, new) = (events(&before), events(&after));
    let (s1, s2) = (
        staffing(&stdout(klynge(&db).args(["rota", "1", "--format", "csv"]))),
        staffing(&stdout(klynge(&db).args(["rota", "2", "--format", "csv"]))),
    );
    let mut changed_events = 0;
    let mut kept_events = 0;
    for (uid, e) in &new {
        let request = uid.split('-').next().expect("request");
        let Some(o) = old.get(uid) else { continue };
        if s1.get(request) == s2.get(request) {
            assert_eq!(e["SEQUENCE"], "0", "{uid}");
            assert_eq!(e["LAST-MODIFIED"], o["LAST-MODIFIED"], "{uid}");
            kept_events += 1;
        } else {
            assert_eq!(o["SEQUENCE"], "0", "{uid}");
            assert_eq!(e["SEQUENCE"], "1", "{uid}");
            assert!(
                e["LAST-MODIFIED"] > o["LAST-MODIFIED"],
                "{uid}: {e:?} / {o:?}"
            );
            changed_events += 1;
        }
    }
    assert!(changed_events > 0 && kept_events > 0, "{s1:?}\n{s2:?}");
    assert!(
        new.keys().any(|u| u.starts_with("r08-")),
        "r08 still planned"
    );
    assert_ne!(s1["r08"], s2["r08"], "i08 is replaced on r08");
    // The run published first still shows the events as they were then.
    let again = events(&stdout(klynge(&db).args(["rota", "1", "--format", "ics"])));
    assert_eq!(again, old);
    // Where: the association and its municipality, and its point.
    let r08 = &new["r08-20270111T1100@klynge"];
    assert_eq!(r08["LOCATION"], "Seniornett Melhus\\, Melhus");
    assert!(r08.contains_key("GEO"), "{r08:?}");
    // Each of r08's instructors reads who teaches with them; the others' events are not
    // in their calendar.
    let names: BTreeMap<String, String> = csv_rows(
        &std::fs::read_to_string(pilot().join("instructors.csv")).expect("instructors"),
        b',',
    )
    .into_iter()
    .skip(1)
    .map(|r| (r[0].clone(), r[1].clone()))
    .collect();
    let pair: Vec<&String> = s2["r08"].iter().collect();
    assert_eq!(pair.len(), 2);
    for (me, other) in [(pair[0], pair[1]), (pair[1], pair[0])] {
        let mine = events(&stdout(klynge(&db).args([
            "rota",
            "2",
            "--format",
            "ics",
            "--instructor",
            me,
        ])));
        let e = &mine["r08-20270111T1100@klynge"];
        assert_eq!(
            e["DESCRIPTION"],
            format!(
                "Kurs r08 for Seniornett Melhus. Du underviser sammen med {}.",
                names[other]
            )
        );
        assert_eq!(e["SEQUENCE"], "1");
        let taught: usize = s2
            .iter()
            .filter(|(_, who)| who.contains(me))
            .map(|(r, _)| {
                new.keys()
                    .filter(|u| u.starts_with(&format!("{r}-")))
                    .count()
            })
            .sum();
        assert_eq!(mine.len(), taught, "{me}: only their sessions");
    }
    let en = events(&stdout(klynge(&db).args([
        "--lang",
        "en",
        "rota",
        "2",
        "--format",
        "ics",
        "--instructor",
        pair[0],
    ])));
    assert_eq!(
        en["r08-20270111T1100@klynge"]["DESCRIPTION"],
        format!(
            "Course r08 for Seniornett Melhus. You teach together with {}.",
            names[pair[1]]
        )
    );
    // The public overview of Melhus: the course, and no instructor, nor a new version for
    // a change of instructor it does not show.
    let public = stdout(klynge(&db).args([
        "offers",
        "Melhus",
        "--from",
        "2027-01-11",
        "--weeks",
        "12",
        "--format",
        "ics",
    ]));
    for name in names.values() {
        assert!(!public.contains(name.as_str()), "{name} in {public}");
    }
    let public = events(&public);
    let r08 = &public["public-r08-20270111T1100@klynge"];
    assert_eq!(r08["SEQUENCE"], "0", "{r08:?}");
    assert_eq!(r08["LOCATION"], "Seniornett Melhus\\, Melhus");
}

/// An instructor's feed: their sessions only, each naming who teaches it with them.
#[tokio::test]
async fn the_feed_names_the_co_instructor_and_asks_to_be_refreshed() {
    let f = common::service::fixture().await;
    let all = common::service::all_clusters();
    let run = f.state.plan_now(&all).await.expect("plan");
    f.state.approve(&all, run).await.expect("approve");
    f.state.publish(&all, run).await.expect("publish");
    let stored = f.state.store.run(run).await.expect("run");
    let mut staffing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in &stored.assignments {
        staffing
            .entry(a.request.as_str())
            .or_default()
            .push(a.instructor.as_str());
    }
    let (request, pair) = staffing
        .iter()
        .find(|(_, who)| who.len() == 2)
        .expect("a course with two instructors");
    let name = |id: &str| {
        stored
            .dataset
            .instructors
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.name.clone())
            .expect("instructor")
    };
    f.state
        .store
        .create_token(klynge::store::Role::Instructor, pair[0])
        .await
        .expect("token");
    let secret = f.state.store.rotate_feed(pair[0]).await.expect("feed");
    let (s, headers, ics) = common::service::send(
        &f.state,
        "GET",
        &format!("/calendar/{secret}.ics"),
        &[],
        String::new(),
    )
    .await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/calendar"))
    );
    assert!(
        ics.contains("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n"),
        "{ics}"
    );
    assert!(ics.contains(&format!("X-WR-CALNAME:klynge – {}", name(pair[0]))));
    let events = events(&ics);
    let mine: usize = staffing
        .iter()
        .filter(|(_, who)| who.contains(&pair[0]))
        .map(|(r, _)| {
            stored
                .dataset
                .requests
                .iter()
                .find(|x| x.id == *r)
                .map_or(0, |x| x.all_sessions().len())
        })
        .sum();
    assert_eq!(events.len(), mine, "only their sessions");
    let course: Vec<_> = events
        .values()
        .filter(|e| e["UID"].starts_with(&format!("{request}-")))
        .collect();
    assert!(!course.is_empty());
    for e in course {
        assert!(
            e["DESCRIPTION"].ends_with(&format!("Du underviser sammen med {}.", name(pair[1]))),
            "{e:?}"
        );
        assert_eq!(e["SEQUENCE"], "0");
        assert!(e.contains_key("LAST-MODIFIED"));
    }
}
