//! Files that open (issue 12): the rota and a comparison as .xlsx workbooks holding the
//! rows of their CSV, CSV for a Norwegian spreadsheet (`--excel`), and the flags that do
//! not go together.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, open_workbook_auto};

fn pilot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag")
}

fn klynge(db: &Path) -> Command {
    let mut c = Command::cargo_bin("klynge").expect("binary");
    c.arg("--db")
        .arg(db)
        .env_remove("DATABASE_URL")
        .env_remove("KLYNGE_LANG");
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

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
