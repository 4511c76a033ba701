//! One test per validation rule: `klynge::ingest::load` must reject bad input with a precise
//! problem (file, line, column and kind). Line 1 is the header, so the first data row is line 2.
//!
//! Long because it holds one test per validation rule (and every
//! reader edge a probe found), each with its own small input.

use std::path::{Path, PathBuf};

use klynge::i18n::Lang;
use klynge::ingest::{load, write_json};
use klynge::model::{Dataset, Problem, ProblemKind, Problems};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// A tiny valid dataset: one hub, one small association in its cluster, two instructors, one
// request with a series (r1) and one with explicit sessions (r2).

const BASE: &[(&str, &str)] = &[
    (
        "associations.csv",
        "id,name,kind,lat,lon,municipality,opt_in,cluster
hub,Seniornett Hub,hub,63.43,10.39,Trondheim,true,
small,Seniornett Small,small,63.28,10.27,Melhus,true,hub
",
    ),
    (
        "instructors.csv",
        "id,name,association,lat,lon,topics,languages,max_km,max_sessions_per_week,max_sessions_total,max_hours_per_week
i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,
i2,Ola Strand,hub,63.40,10.35,bankid,nb,40,2,10,8
",
    ),
    (
        "availability.csv",
        "instructor,weekday,start,end
i1,tue,09:00,15:00
i2,wed,17:00,21:00
",
    ),
    (
        "blackouts.csv",
        "instructor,from,to
i1,2027-02-22,2027-02-26
",
    ),
    (
        "requests.csv",
        "id,association,topic,language,instructors_needed,priority,first_date,start,end,count,interval_days,venue_lat,venue_lon
r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,
r2,small,bankid,nb,1,3,,,,,,,
",
    ),
    (
        "sessions.csv",
        "request,date,start,end
r2,2027-01-13,18:00,20:00
r2,2027-01-27,18:00,20:00
",
    ),
    (
        "travel.csv",
        "from,to,km,minutes
hub,small,20,25
",
    ),
];

/// A dataset folder in a temporary directory, starting from `BASE`.
struct Folder {
    dir: TempDir,
}

impl Folder {
    fn base() -> Folder {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in BASE {
            std::fs::write(dir.path().join(name), text).expect("write base file");
        }
        Folder { dir }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// Replaces a whole file.
    fn file(self, file: &str, text: &str) -> Folder {
        std::fs::write(self.path(file), text).expect("write file");
        self
    }

    /// Replaces line `line` of a file (1 is the header), or appends it right after the last.
    fn line(self, file: &str, line: usize, text: &str) -> Folder {
        let old = std::fs::read_to_string(self.path(file)).expect("read file");
        let mut lines: Vec<&str> = old.lines().collect();
        assert!(
            line >= 1 && line <= lines.len() + 1,
            "{file} has no line {line}"
        );
        if line == lines.len() + 1 {
            lines.push(text);
        } else {
            lines[line - 1] = text;
        }
        let new = lines.join("\n") + "\n";
        self.file(file, &new)
    }

    fn without(self, file: &str) -> Folder {
        std::fs::remove_file(self.path(file)).expect("remove file");
        self
    }

    fn load(&self) -> Result<Dataset, Problems> {
        load(self.dir.path())
    }
}

fn problems(result: Result<Dataset, Problems>) -> Vec<Problem> {
    match result {
        Ok(_) => panic!("the dataset loaded, but problems were expected"),
        Err(p) => p.0,
    }
}

/// Where a problem should be, written as `file:line:column` (`requests.csv:3:priority`);
/// the line or the column may be left empty (`requests.csv::` for the file as a whole).
fn is_at(p: &Problem, at: &str) -> bool {
    let [file, line, column] = at.split(':').collect::<Vec<_>>()[..] else {
        panic!("'{at}' is not file:line:column");
    };
    let line = (!line.is_empty()).then(|| line.parse::<u64>().expect("a line number"));
    let column = (!column.is_empty()).then_some(column);
    p.file.ends_with(file) && p.line == line && p.column.as_deref() == column
}

fn assert_at(p: &Problem, at: &str, kind: &ProblemKind) {
    assert!(is_at(p, at), "expected the problem at {at}, got {p}");
    assert_eq!(&p.kind, kind, "kind of {p}");
}

/// Asserts that the dataset has exactly one problem, and that it is this one.
fn expect_only(result: Result<Dataset, Problems>, at: &str, kind: ProblemKind) {
    let all = problems(result);
    let n = all.len();
    assert_eq!(
        n,
        1,
        "expected one problem, got:\n{}",
        Problems(all.clone())
    );
    assert_at(&all[0], at, &kind);
}

/// Asserts that this problem is among those reported (for a problem with follow-ups).
fn expect_among(result: Result<Dataset, Problems>, at: &str, kind: ProblemKind) {
    let all = problems(result);
    let found = all.iter().any(|p| is_at(p, at) && p.kind == kind);
    assert!(
        found,
        "expected {at}: {kind:?} among:\n{}",
        Problems(all.clone())
    );
}

fn text(s: &str) -> String {
    s.to_owned()
}

fn out_of_range(value: &str, expected: &str) -> ProblemKind {
    ProblemKind::OutOfRange {
        value: text(value),
        expected: text(expected),
    }
}

fn end_not_after_start(start: &str, end: &str) -> ProblemKind {
    ProblemKind::EndNotAfterStart {
        start: text(start),
        end: text(end),
    }
}

// ---------------------------------------------------------------------------------------------
// The base dataset

#[test]
fn base_dataset_loads() {
    let ds = Folder::base().load().unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(ds.associations.len(), 2);
    assert_eq!(ds.instructors.len(), 2);
    assert_eq!(ds.requests.len(), 2);
    assert_eq!(ds.instructors[0].availability.len(), 1);
    assert_eq!(ds.instructors[0].blackouts.len(), 1);
    assert!(ds.requests[0].series.is_some());
    assert_eq!(ds.requests[1].sessions.len(), 2);
    assert_eq!(ds.travel.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Files and columns

#[test]
fn missing_required_file_is_reported() {
    let result = Folder::base().without("requests.csv").load();
    let kind = ProblemKind::Unreadable(text("file not found / filen finnes ikke"));
    expect_among(result, "requests.csv::", kind);
}

#[test]
fn missing_optional_files_are_fine() {
    let result = Folder::base()
        .without("blackouts.csv")
        .without("travel.csv")
        .without("availability.csv")
        .load();
    assert!(result.is_ok(), "{}", result.unwrap_err());
}

#[test]
fn missing_required_column_is_reported_on_the_header_line() {
    let result = Folder::base()
        .line("travel.csv", 1, "from,to,minutes")
        .line("travel.csv", 2, "hub,small,25")
        .load();
    expect_only(result, "travel.csv:1:km", ProblemKind::MissingColumn);
}

#[test]
fn missing_required_column_in_requests_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            1,
            "id,association,topic,language,instructors_needed",
        )
        .load();
    expect_among(
        result,
        "requests.csv:1:priority",
        ProblemKind::MissingColumn,
    );
}

// ---------------------------------------------------------------------------------------------
// Values that cannot be read

#[test]
fn missing_value_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,,nb,1,4,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    expect_only(result, "requests.csv:2:topic", ProblemKind::MissingValue);
}

#[test]
fn not_a_number_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            4,
            "other,Seniornett Other,small,sixty-three,10.0,,true,hub",
        )
        .load();
    let kind = ProblemKind::NotANumber(text("sixty-three"));
    expect_only(result, "associations.csv:4:lat", kind);
}

#[test]
fn decimal_comma_is_accepted() {
    let result = Folder::base()
        .line(
            "associations.csv",
            4,
            "other,Seniornett Other,small,\"63,1\",10.0,,true,hub",
        )
        .load();
    let ds = result.unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(ds.associations[2].lat, 63.1);
}

#[test]
fn not_a_whole_number_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,1.5,4,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    let kind = ProblemKind::NotAWholeNumber(text("1.5"));
    expect_only(result, "requests.csv:2:instructors_needed", kind);
}

#[test]
fn not_a_date_is_reported() {
    let result = Folder::base()
        .line("blackouts.csv", 2, "i1,22.02.2027,2027-02-26")
        .load();
    let kind = ProblemKind::NotADate(text("22.02.2027"));
    expect_only(result, "blackouts.csv:2:from", kind);
}

#[test]
fn not_a_time_is_reported() {
    let result = Folder::base()
        .line("availability.csv", 3, "i2,wed,17:00,25:00")
        .load();
    let kind = ProblemKind::NotATime(text("25:00"));
    expect_only(result, "availability.csv:3:end", kind);
}

#[test]
fn not_a_bool_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            3,
            "small,Seniornett Small,small,63.28,10.27,Melhus,maybe,hub",
        )
        .load();
    let kind = ProblemKind::NotABool(text("maybe"));
    expect_only(result, "associations.csv:3:opt_in", kind);
}

#[test]
fn unknown_kind_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            4,
            "other,Seniornett Other,medium,63.1,10.0,,true,",
        )
        .load();
    let kind = ProblemKind::UnknownKind(text("medium"));
    expect_only(result, "associations.csv:4:kind", kind);
}

#[test]
fn unknown_weekday_is_reported() {
    let result = Folder::base()
        .line("availability.csv", 2, "i1,someday,09:00,15:00")
        .load();
    let kind = ProblemKind::UnknownWeekday(text("someday"));
    expect_only(result, "availability.csv:2:weekday", kind);
}

#[test]
fn norwegian_weekday_is_accepted() {
    let result = Folder::base()
        .line("availability.csv", 2, "i1,tir,09:00,15:00")
        .load();
    assert!(result.is_ok(), "{}", result.unwrap_err());
}

#[test]
fn unknown_language_code_in_instructor_languages_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,10.35,bankid,nb;zz,40,2,10,8",
        )
        .load();
    let kind = ProblemKind::UnknownLanguageCode(text("zz"));
    expect_only(result, "instructors.csv:3:languages", kind);
}

#[test]
fn unknown_language_code_in_willing_languages_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            1,
            "id,name,association,lat,lon,topics,languages,max_km,max_sessions_per_week,max_sessions_total,max_hours_per_week,willing_languages",
        )
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,10.35,bankid,nb,40,2,10,8,so;somali",
        )
        .load();
    let kind = ProblemKind::UnknownLanguageCode(text("somali"));
    expect_only(result, "instructors.csv:3:willing_languages", kind);
}

#[test]
fn unknown_language_code_in_request_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,norsk,1,4,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    let kind = ProblemKind::UnknownLanguageCode(text("norsk"));
    expect_only(result, "requests.csv:2:language", kind);
}

#[test]
fn empty_topics_list_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,10.35, ; ,nb,40,2,10,8",
        )
        .load();
    expect_only(result, "instructors.csv:3:topics", ProblemKind::EmptyList);
}

// ---------------------------------------------------------------------------------------------
// Ids and references

#[test]
fn duplicate_association_id_is_reported_with_first_line() {
    let result = Folder::base()
        .line(
            "associations.csv",
            4,
            "small,Seniornett Small II,small,63.2,10.2,,true,hub",
        )
        .load();
    let kind = ProblemKind::DuplicateId {
        id: text("small"),
        first: Some(3),
    };
    expect_only(result, "associations.csv:4:id", kind);
}

#[test]
fn duplicate_instructor_id_is_reported_with_first_line() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            4,
            "i1,Kari Bakken II,hub,,,bankid,nb,60,3,,",
        )
        .load();
    let kind = ProblemKind::DuplicateId {
        id: text("i1"),
        first: Some(2),
    };
    expect_only(result, "instructors.csv:4:id", kind);
}

#[test]
fn duplicate_request_id_is_reported_with_first_line() {
    let result = Folder::base()
        .line(
            "requests.csv",
            4,
            "r1,small,bankid,nb,1,2,2027-01-14,10:00,12:00,4,7,,",
        )
        .load();
    let kind = ProblemKind::DuplicateId {
        id: text("r1"),
        first: Some(2),
    };
    expect_only(result, "requests.csv:4:id", kind);
}

#[test]
fn third_duplicate_id_still_points_at_the_first_line() {
    let result = Folder::base()
        .line(
            "requests.csv",
            4,
            "r1,small,bankid,nb,1,2,2027-01-14,10:00,12:00,4,7,,",
        )
        .line(
            "requests.csv",
            5,
            "r1,small,bankid,nb,1,2,2027-01-15,10:00,12:00,4,7,,",
        )
        .load();
    let all = problems(result);
    assert_eq!(all.len(), 2, "{}", Problems(all.clone()));
    let first = Some(2);
    let kind = ProblemKind::DuplicateId {
        id: text("r1"),
        first,
    };
    assert_at(&all[0], "requests.csv:4:id", &kind);
    assert_at(&all[1], "requests.csv:5:id", &kind);
}

#[test]
fn unknown_association_of_instructor_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,nowhere,63.40,10.35,bankid,nb,40,2,10,8",
        )
        .load();
    let kind = ProblemKind::UnknownAssociation(text("nowhere"));
    expect_only(result, "instructors.csv:3:association", kind);
}

#[test]
fn unknown_association_of_request_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,nowhere,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    let kind = ProblemKind::UnknownAssociation(text("nowhere"));
    expect_only(result, "requests.csv:2:association", kind);
}

#[test]
fn unknown_cluster_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            3,
            "small,Seniornett Small,small,63.28,10.27,Melhus,true,nowhere",
        )
        .load();
    let kind = ProblemKind::UnknownAssociation(text("nowhere"));
    expect_only(result, "associations.csv:3:cluster", kind);
}

#[test]
fn unknown_instructor_in_availability_is_reported() {
    let result = Folder::base()
        .line("availability.csv", 3, "i9,wed,17:00,21:00")
        .load();
    let kind = ProblemKind::UnknownInstructor(text("i9"));
    expect_only(result, "availability.csv:3:instructor", kind);
}

#[test]
fn unknown_instructor_in_blackouts_is_reported() {
    let result = Folder::base()
        .line("blackouts.csv", 3, "i9,2027-03-01,2027-03-05")
        .load();
    let kind = ProblemKind::UnknownInstructor(text("i9"));
    expect_only(result, "blackouts.csv:3:instructor", kind);
}

#[test]
fn unknown_request_in_sessions_is_reported() {
    let result = Folder::base()
        .line("sessions.csv", 4, "r9,2027-02-10,18:00,20:00")
        .load();
    let kind = ProblemKind::UnknownRequest(text("r9"));
    expect_only(result, "sessions.csv:4:request", kind);
}

#[test]
fn home_not_a_hub_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            2,
            "i1,Kari Bakken,small,,,smarttelefon;bankid,nb;en,60,3,,",
        )
        .load();
    let kind = ProblemKind::HomeNotAHub(text("small"));
    expect_only(result, "instructors.csv:2:association", kind);
}

#[test]
fn requester_not_small_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,hub,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    let kind = ProblemKind::RequesterNotSmall(text("hub"));
    expect_only(result, "requests.csv:2:association", kind);
}

#[test]
fn cluster_not_a_hub_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            4,
            "other,Seniornett Other,small,63.1,10.0,,true,small",
        )
        .load();
    let kind = ProblemKind::ClusterNotAHub(text("small"));
    expect_only(result, "associations.csv:4:cluster", kind);
}

// ---------------------------------------------------------------------------------------------
// Orderings and ranges

#[test]
fn availability_end_not_after_start_is_reported() {
    let result = Folder::base()
        .line("availability.csv", 2, "i1,tue,15:00,15:00")
        .load();
    let kind = end_not_after_start("15:00", "15:00");
    expect_only(result, "availability.csv:2:end", kind);
}

#[test]
fn series_end_not_after_start_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,1,4,2027-01-12,12:00,10:00,8,7,,",
        )
        .load();
    let kind = end_not_after_start("12:00", "10:00");
    expect_only(result, "requests.csv:2:end", kind);
}

#[test]
fn session_end_not_after_start_is_reported() {
    let result = Folder::base()
        .line("sessions.csv", 3, "r2,2027-01-27,20:00,18:00")
        .load();
    let kind = end_not_after_start("20:00", "18:00");
    expect_only(result, "sessions.csv:3:end", kind);
}

#[test]
fn blackout_to_before_from_is_reported() {
    let result = Folder::base()
        .line("blackouts.csv", 2, "i1,2027-02-26,2027-02-22")
        .load();
    let kind = end_not_after_start("2027-02-26", "2027-02-22");
    expect_only(result, "blackouts.csv:2:to", kind);
}

#[test]
fn one_day_blackout_is_fine() {
    let result = Folder::base()
        .line("blackouts.csv", 2, "i1,2027-02-22,2027-02-22")
        .load();
    assert!(result.is_ok(), "{}", result.unwrap_err());
}

#[test]
fn latitude_out_of_range_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            3,
            "small,Seniornett Small,small,93.28,10.27,Melhus,true,hub",
        )
        .load();
    let kind = ProblemKind::LatitudeOutOfRange(93.28);
    expect_only(result, "associations.csv:3:lat", kind);
}

#[test]
fn longitude_out_of_range_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,-190.5,bankid,nb,40,2,10,8",
        )
        .load();
    let kind = ProblemKind::LongitudeOutOfRange(-190.5);
    expect_only(result, "instructors.csv:3:lon", kind);
}

#[test]
fn venue_latitude_out_of_range_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,-91,10.3",
        )
        .load();
    let kind = ProblemKind::LatitudeOutOfRange(-91.0);
    expect_only(result, "requests.csv:2:venue_lat", kind);
}

#[test]
fn priority_zero_is_out_of_range() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,1,0,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    expect_only(result, "requests.csv:2:priority", out_of_range("0", "1…5"));
}

#[test]
fn priority_six_is_out_of_range() {
    let result = Folder::base()
        .line("requests.csv", 3, "r2,small,bankid,nb,1,6,,,,,,,")
        .load();
    expect_only(result, "requests.csv:3:priority", out_of_range("6", "1…5"));
}

#[test]
fn priority_far_out_of_range_reports_the_value_as_written() {
    let result = Folder::base()
        .line("requests.csv", 3, "r2,small,bankid,nb,1,300,,,,,,,")
        .load();
    expect_only(
        result,
        "requests.csv:3:priority",
        out_of_range("300", "1…5"),
    );
}

#[test]
fn zero_instructors_needed_is_out_of_range() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,0,4,2027-01-12,10:00,12:00,8,7,,",
        )
        .load();
    let kind = out_of_range("0", "1…10");
    expect_only(result, "requests.csv:2:instructors_needed", kind);
}

#[test]
fn only_one_of_lat_lon_for_instructor_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,,bankid,nb,40,2,10,8",
        )
        .load();
    expect_only(
        result,
        "instructors.csv:3:lat",
        ProblemKind::OnlyOneOfLatLon,
    );
}

#[test]
fn only_one_of_venue_lat_lon_for_request_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,10.3",
        )
        .load();
    let kind = ProblemKind::OnlyOneOfLatLon;
    expect_only(result, "requests.csv:2:venue_lat", kind);
}

// ---------------------------------------------------------------------------------------------
// Series and sessions

#[test]
fn request_with_no_sessions_is_reported() {
    let result = Folder::base()
        .file("sessions.csv", "request,date,start,end\n")
        .load();
    expect_only(result, "requests.csv:3:first_date", ProblemKind::NoSessions);
}

#[test]
fn sessions_for_a_series_request_are_reported() {
    let result = Folder::base()
        .line("sessions.csv", 4, "r1,2027-01-19,10:00,12:00")
        .load();
    let kind = ProblemKind::SessionsForSeriesRequest(text("r1"));
    expect_only(result, "sessions.csv:4:request", kind);
}

#[test]
fn incomplete_series_is_reported() {
    let result = Folder::base()
        .line(
            "requests.csv",
            2,
            "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,,7,,",
        )
        .load();
    let all = problems(result);
    let incomplete = all
        .iter()
        .find(|p| p.kind == ProblemKind::IncompleteSeries)
        .unwrap_or_else(|| panic!("no IncompleteSeries in:\n{}", Problems(all.clone())));
    let kind = ProblemKind::IncompleteSeries;
    assert_at(incomplete, "requests.csv:2:first_date", &kind);
    let missing = all
        .iter()
        .find(|p| p.kind == ProblemKind::MissingValue)
        .expect("the empty series column is named too");
    assert_at(missing, "requests.csv:2:count", &ProblemKind::MissingValue);
}

// ---------------------------------------------------------------------------------------------
// Reporting

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let result = Folder::base()
        .file(
            "requests.csv",
            "id,association,topic,language,instructors_needed,priority,first_date,start,end,count,interval_days,venue_lat,venue_lon
r1,small,smarttelefon,nb,0,9,2027-01-12,10:00,12:00,8,7,,
r2,small,bankid,xx,1,3,,,,,,,
r3,nowhere,bankid,nb,1,3,2027-01-12,10:00,12:00,8,7,,
r4,small,bankid,nb,1,3,2027-01-12,10:00,12:00,8,7,,
",
        )
        .load();
    let all = problems(result);
    assert_eq!(all.len(), 4, "{}", Problems(all.clone()));
    assert!(all.iter().all(|p| p.file.ends_with("requests.csv")));
    let mut at: Vec<(Option<u64>, Option<&str>)> =
        all.iter().map(|p| (p.line, p.column.as_deref())).collect();
    at.sort();
    assert_eq!(
        at,
        [
            (Some(2), Some("instructors_needed")),
            (Some(2), Some("priority")),
            (Some(3), Some("language")),
            (Some(4), Some("association")),
        ]
    );
}

#[test]
fn problems_in_several_files_are_reported_together() {
    let result = Folder::base()
        .line("availability.csv", 2, "i1,someday,09:00,15:00")
        .line("blackouts.csv", 2, "i1,2027-02-26,2027-02-22")
        .line("travel.csv", 2, "hub,small,far,25")
        .load();
    let all = problems(result);
    assert_eq!(all.len(), 3, "{}", Problems(all.clone()));
    for file in ["availability.csv", "blackouts.csv", "travel.csv"] {
        assert!(
            all.iter().any(|p| p.file.ends_with(file)),
            "nothing for {file}"
        );
    }
}

#[test]
fn line_numbers_count_blank_lines() {
    let result = Folder::base()
        .file(
            "associations.csv",
            "id,name,kind,lat,lon,municipality,opt_in,cluster
hub,Seniornett Hub,hub,63.43,10.39,Trondheim,true,

small,Seniornett Small,small,63.28,10.27,Melhus,maybe,hub
",
        )
        .load();
    let kind = ProblemKind::NotABool(text("maybe"));
    expect_only(result, "associations.csv:4:opt_in", kind);
}

#[test]
fn line_numbers_count_lines_inside_quoted_cells() {
    let result = Folder::base()
        .file(
            "associations.csv",
            "id,name,kind,lat,lon,municipality,opt_in,cluster
hub,\"Seniornett
Hub\",hub,63.43,10.39,Trondheim,true,
small,Seniornett Small,small,63.28,10.27,Melhus,maybe,hub
",
        )
        .load();
    let kind = ProblemKind::NotABool(text("maybe"));
    expect_only(result, "associations.csv:4:opt_in", kind);
}

#[test]
fn a_bad_record_does_not_make_references_to_it_unknown() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            3,
            "i2,,hub,63.40,10.35,bankid,nb,40,2,10,8",
        )
        .load();
    expect_only(result, "instructors.csv:3:name", ProblemKind::MissingValue);
}

#[test]
fn problem_renders_differently_in_bokmal_and_english() {
    let result = Folder::base()
        .line("requests.csv", 3, "r2,small,bankid,nb,1,6,,,,,,,")
        .load();
    let all = problems(result);
    let nb = all[0].render(Lang::Nb);
    let en = all[0].render(Lang::En);
    assert_ne!(nb, en);
    for rendered in [&nb, &en] {
        assert!(rendered.contains("requests.csv:3:"), "{rendered}");
        assert!(rendered.contains("'priority'"), "{rendered}");
        assert!(rendered.contains('6'), "{rendered}");
    }
    assert!(nb.contains("kolonne 'priority'"), "{nb}");
    assert!(en.contains("column 'priority'"), "{en}");
}

// ---------------------------------------------------------------------------------------------
// Addresses: the optional `email` and `lang` columns of associations and instructors

const INSTRUCTORS_WITH_CONTACT: &str = "id,name,association,lat,lon,topics,languages,max_km,max_sessions_per_week,max_sessions_total,max_hours_per_week,email,lang";

#[test]
fn addresses_and_message_languages_load_and_round_trip() {
    let folder = Folder::base()
        .line(
            "associations.csv",
            1,
            "id,name,kind,lat,lon,municipality,opt_in,cluster,email,lang",
        )
        .line(
            "associations.csv",
            3,
            "small,Seniornett Small,small,63.28,10.27,Melhus,true,hub,leder@small.example.org,EN",
        )
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            2,
            "i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,,kari@example.org,",
        );
    let ds = folder.load().unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        ds.associations[1].email.as_deref(),
        Some("leder@small.example.org")
    );
    assert_eq!(ds.associations[1].lang.as_deref(), Some("en"));
    assert_eq!(ds.instructors[0].email.as_deref(), Some("kari@example.org"));
    assert_eq!(ds.instructors[0].lang, None);
    assert_eq!(ds.instructors[1].email, None);
    // Written back as a folder and as JSON, the addresses come back unchanged.
    let out = tempfile::tempdir().expect("tempdir");
    klynge::ingest::write_folder(&ds, out.path()).expect("write folder");
    let back = load(out.path()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(back.to_canonical_json(), ds.to_canonical_json());
    let (_, json) = write_base_json(&folder);
    let back = load_json(&json).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(back.to_canonical_json(), ds.to_canonical_json());
}

#[test]
fn a_dataset_without_addresses_keeps_its_canonical_json() {
    // The fields are skipped when empty, so stored snapshots and their hashes stay the same.
    let ds = Folder::base().load().unwrap_or_else(|p| panic!("{p}"));
    let json = ds.to_canonical_json();
    assert!(
        !json.contains("email") && !json.contains("\"lang\""),
        "{json}"
    );
}

#[test]
fn an_email_without_at_sign_is_reported() {
    let result = Folder::base()
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            2,
            "i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,,kari.example.org,nb",
        )
        .load();
    let kind = ProblemKind::NotAnEmail(text("kari.example.org"));
    expect_only(result, "instructors.csv:2:email", kind);
}

#[test]
fn an_email_with_two_at_signs_is_reported() {
    let result = Folder::base()
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,10.35,bankid,nb,40,2,10,8,ola@strand@example.org,",
        )
        .load();
    let kind = ProblemKind::NotAnEmail(text("ola@strand@example.org"));
    expect_only(result, "instructors.csv:3:email", kind);
}

#[test]
fn an_email_with_a_space_is_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            1,
            "id,name,kind,lat,lon,municipality,opt_in,cluster,email",
        )
        .line(
            "associations.csv",
            2,
            "hub,Seniornett Hub,hub,63.43,10.39,Trondheim,true,,post@senior nett.example.org",
        )
        .load();
    let kind = ProblemKind::NotAnEmail(text("post@senior nett.example.org"));
    expect_only(result, "associations.csv:2:email", kind);
}

#[test]
fn an_email_without_a_dot_in_its_domain_is_reported() {
    let result = Folder::base()
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            2,
            "i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,,kari@localhost,",
        )
        .load();
    let kind = ProblemKind::NotAnEmail(text("kari@localhost"));
    expect_only(result, "instructors.csv:2:email", kind);
}

#[test]
fn an_email_longer_than_254_characters_is_reported() {
    let long = format!("{}@example.org", "k".repeat(243));
    assert_eq!(long.len(), 255);
    let result = Folder::base()
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            2,
            &format!("i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,,{long},"),
        )
        .load();
    let all = problems(result);
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    assert!(is_at(&all[0], "instructors.csv:2:email"), "{}", all[0]);
    assert!(
        matches!(all[0].kind, ProblemKind::NotAnEmail(_)),
        "{}",
        all[0]
    );
    // One character less is fine.
    let ok = format!("{}@example.org", "k".repeat(242));
    Folder::base()
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            2,
            &format!("i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,,{ok},"),
        )
        .load()
        .unwrap_or_else(|p| panic!("{p}"));
}

#[test]
fn an_unknown_message_language_is_reported() {
    let result = Folder::base()
        .line("instructors.csv", 1, INSTRUCTORS_WITH_CONTACT)
        .line(
            "instructors.csv",
            3,
            "i2,Ola Strand,hub,63.40,10.35,bankid,nb,40,2,10,8,,nn",
        )
        .load();
    expect_only(
        result,
        "instructors.csv:3:lang",
        ProblemKind::UnknownMessageLang(text("nn")),
    );
}

#[test]
fn a_bad_email_in_json_is_reported_with_its_field() {
    let folder = Folder::base();
    let (_, path) = write_base_json(&folder);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["instructors"][1]["email"] = serde_json::json!("Ola Strand");
    std::fs::write(&path, value.to_string()).unwrap();
    let all = problems(load_json(&path));
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    assert_eq!(all[0].column.as_deref(), Some("email"));
    assert_eq!(all[0].kind, ProblemKind::NotAnEmail(text("Ola Strand")));
    let nb = all[0].render(Lang::Nb);
    assert!(nb.contains("ikke en gyldig e-postadresse"), "{nb}");
}

// ---------------------------------------------------------------------------------------------
// JSON datasets

fn write_base_json(folder: &Folder) -> (Dataset, PathBuf) {
    let ds = folder.load().unwrap_or_else(|p| panic!("{p}"));
    let path = folder.path("dataset.json");
    write_json(&ds, &path).expect("write json");
    (ds, path)
}

fn load_json(path: &Path) -> Result<Dataset, Problems> {
    load(path)
}

#[test]
fn json_round_trip_loads_the_same_data() {
    let folder = Folder::base();
    let (ds, path) = write_base_json(&folder);
    let back = load_json(&path).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(back.to_canonical_json(), ds.to_canonical_json());
}

#[test]
fn json_syntax_error_is_reported_with_its_line() {
    let folder = Folder::base();
    let (_, path) = write_base_json(&folder);
    let json = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = json.lines().map(str::to_owned).collect();
    let k = lines
        .iter()
        .position(|l| l.contains("\"topic\":"))
        .expect("a topic line");
    lines[k] = lines[k].replace("\"topic\":", "\"topic\" ");
    std::fs::write(&path, lines.join("\n")).unwrap();

    let all = problems(load_json(&path));
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    let p = &all[0];
    assert!(p.file.ends_with("dataset.json"), "{}", p.file);
    assert_eq!(p.line, Some(k as u64 + 1), "{p}");
    // The field's path is the column: `requests[0].topic` or where the parser stopped.
    assert!(
        p.column
            .as_deref()
            .is_some_and(|c| c.starts_with("requests[0]")),
        "{p}"
    );
    assert!(matches!(p.kind, ProblemKind::Unreadable(_)), "{p}");
}

#[test]
fn json_request_with_both_series_and_sessions_is_reported() {
    let folder = Folder::base();
    let (_, path) = write_base_json(&folder);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["requests"][0]["sessions"] =
        serde_json::json!([{ "date": "2027-01-19", "start": "10:00", "end": "12:00" }]);
    std::fs::write(&path, value.to_string()).unwrap();

    let all = problems(load_json(&path));
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    let p = &all[0];
    assert!(p.file.ends_with("dataset.json requests[0]"), "{}", p.file);
    assert_eq!(p.line, None);
    assert_eq!(p.column.as_deref(), Some("first_date"));
    assert_eq!(p.kind, ProblemKind::BothSeriesAndSessions);
}

// ---------------------------------------------------------------------------------------------
// Dates inside the planning window (2000–2100): the probes' year −390, year 0 and a series
// running past the last date a calendar can hold.

#[test]
fn series_starting_before_2000_is_reported() {
    let f = Folder::base().line(
        "requests.csv",
        2,
        "r1,small,smarttelefon,nb,1,4,-0390-03-01,10:00,12:00,8,7,,",
    );
    expect_among(
        f.load(),
        "requests.csv:2:first_date",
        ProblemKind::DateOutOfWindow(text("-0390-03-01")),
    );
}

#[test]
fn series_running_past_2100_is_reported() {
    let f = Folder::base().line(
        "requests.csv",
        2,
        "r1,small,smarttelefon,nb,1,4,2100-12-01,10:00,12:00,8,7,,",
    );
    expect_only(
        f.load(),
        "requests.csv:2:count",
        ProblemKind::SeriesPastWindow(text("2101-01-19")),
    );
}

#[test]
fn series_at_the_end_of_the_calendar_does_not_panic() {
    let f = Folder::base().line(
        "requests.csv",
        2,
        "r1,small,smarttelefon,nb,1,4,+262142-12-31,10:00,12:00,8,7,,",
    );
    expect_among(
        f.load(),
        "requests.csv:2:first_date",
        ProblemKind::DateOutOfWindow(text("+262142-12-31")),
    );
}

#[test]
fn session_date_outside_the_window_is_reported() {
    let f = Folder::base().line("sessions.csv", 2, "r2,0000-01-13,18:00,20:00");
    expect_only(
        f.load(),
        "sessions.csv:2:date",
        ProblemKind::DateOutOfWindow(text("0000-01-13")),
    );
}

#[test]
fn blackout_outside_the_window_is_reported() {
    let f = Folder::base().line("blackouts.csv", 2, "i1,1999-12-31,2027-02-26");
    expect_only(
        f.load(),
        "blackouts.csv:2:from",
        ProblemKind::DateOutOfWindow(text("1999-12-31")),
    );
}

// ---------------------------------------------------------------------------------------------
// Reader edges

#[test]
fn duplicate_header_is_reported() {
    let f = Folder::base().line(
        "requests.csv",
        1,
        "id,association,topic,language,instructors_needed,priority,first_date,start,end,count,interval_days,venue_lat,priority",
    );
    expect_among(
        f.load(),
        "requests.csv:1:priority",
        ProblemKind::DuplicateColumn,
    );
}

#[test]
fn invalid_utf8_is_reported_on_its_line_and_the_rest_is_read() {
    let folder = Folder::base();
    let path = folder.path("instructors.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    // "Kari Bakken" → "K\xe5ri Bakken": Latin-1 å on line 2.
    let at = bytes.windows(4).position(|w| w == b"Kari").unwrap();
    bytes[at + 1] = 0xe5;
    std::fs::write(&path, bytes).unwrap();
    // The one bad line is reported; nothing else is (its name is only shown, never used).
    expect_only(
        folder.load(),
        "instructors.csv:2:",
        ProblemKind::InvalidUtf8,
    );
}

#[test]
fn a_huge_cell_is_quoted_short() {
    let huge = "x".repeat(1_000_000);
    let f = Folder::base().line(
        "requests.csv",
        2,
        &format!("r1,small,smarttelefon,nb,1,{huge},2027-01-12,10:00,12:00,8,7,,"),
    );
    let all = problems(f.load());
    let message = Problems(all).render(Lang::En);
    assert!(message.len() < 400, "{} bytes", message.len());
    assert!(message.contains("…"), "{message}");
}

#[test]
fn json_with_a_byte_order_mark_loads() {
    let folder = Folder::base();
    let (ds, path) = write_base_json(&folder);
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(std::fs::read(&path).unwrap());
    std::fs::write(&path, bytes).unwrap();
    let back = load_json(&path).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(back.to_canonical_json(), ds.to_canonical_json());
}

#[test]
fn minified_json_error_names_the_field() {
    let folder = Folder::base();
    let (_, path) = write_base_json(&folder);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["requests"][1]["priority"] = serde_json::json!("high");
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    let all = problems(load_json(&path));
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    assert_eq!(
        all[0].column.as_deref(),
        Some("requests[1].priority"),
        "{}",
        all[0]
    );
}

#[test]
fn json_empty_association_is_a_missing_value() {
    let folder = Folder::base();
    let (_, path) = write_base_json(&folder);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["requests"][0]["association"] = serde_json::json!("");
    value["requests"][1]["language"] = serde_json::json!("");
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    let all = problems(load_json(&path));
    assert!(
        all.iter()
            .any(|p| p.column.as_deref() == Some("association")
                && p.kind == ProblemKind::MissingValue),
        "{}",
        Problems(all.clone())
    );
    assert!(
        all.iter()
            .any(|p| p.column.as_deref() == Some("language") && p.kind == ProblemKind::MissingValue),
        "{}",
        Problems(all.clone())
    );
}

#[test]
fn json_topics_and_languages_are_read_in_lower_case() {
    let folder = Folder::base();
    let (ds, path) = write_base_json(&folder);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"smarttelefon\"", "\"SmartTelefon\"")
        .replace("\"nb\"", "\"NB\"");
    std::fs::write(&path, text).unwrap();
    let back = load_json(&path).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(back.to_canonical_json(), ds.to_canonical_json());
}

// ---------------------------------------------------------------------------------------------
// The spreadsheet form: one sheet per file.

/// Writes every CSV file of `folder` as a sheet of one workbook, numbers as numbers, dates
/// as Excel dates and times as Excel times — as a coordinator's spreadsheet would hold them.
fn workbook_of(folder: &Path, out: &Path) {
    use chrono::Datelike;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for f in files {
        let sheet = book.add_worksheet();
        sheet
            .set_name(f.file_stem().unwrap().to_str().unwrap())
            .unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(&f)
            .unwrap();
        for (r, rec) in reader.records().enumerate() {
            for (c, cell) in rec.unwrap().iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if r > 0
                    && let Ok(n) = cell.parse::<f64>()
                {
                    sheet.write_number(r, c, n).unwrap();
                } else if r > 0
                    && let Ok(d) = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d")
                {
                    let x =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .unwrap();
                    sheet
                        .write_datetime_with_format(r, c, &x, &date_format)
                        .unwrap();
                } else {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    book.save(out).unwrap();
}

#[test]
fn a_workbook_reads_as_its_folder() {
    let folder = Folder::base();
    let book = folder.path("book.xlsx");
    workbook_of(folder.dir.path(), &book);
    let from_book = load(&book).unwrap_or_else(|p| panic!("{p}"));
    let from_folder = folder.load().unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        from_book.to_canonical_json(),
        from_folder.to_canonical_json()
    );
}

#[test]
fn a_bad_cell_in_a_workbook_names_the_sheet_and_line() {
    let folder = Folder::base().line("requests.csv", 3, "r2,small,bankid,xx,1,3,,,,,,,");
    let book = folder.path("book.xlsx");
    workbook_of(folder.dir.path(), &book);
    let all = problems(load(&book));
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    assert!(all[0].file.ends_with("book.xlsx[requests]"), "{}", all[0]);
    assert_eq!(all[0].line, Some(3));
    assert_eq!(all[0].kind, ProblemKind::UnknownLanguageCode(text("xx")));
}

/// An offer's link is shown to the public: only an http(s) address may become one.
#[test]
fn an_offer_url_that_is_not_a_web_address_is_reported() {
    let header = "id,provider,kind,topics,languages,municipality,lat,lon,when,contact,url";
    for bad in [
        "javascript:alert(1)",
        "www.bibliotek.example.org",
        "https://",
    ] {
        let result = Folder::base()
            .file(
                "offers.csv",
                &format!(
                    "{header}\no1,Biblioteket,drop_in,smarttelefon,nb,Hub,63.43,10.39,,,{bad}\n"
                ),
            )
            .load();
        expect_only(
            result,
            "offers.csv:2:url",
            ProblemKind::NotAWebAddress(text(bad)),
        );
    }
    let fine = Folder::base()
        .file(
            "offers.csv",
            &format!(
                "{header}\no1,Biblioteket,drop_in,smarttelefon,nb,Hub,63.43,10.39,,,https://bibliotek.example.org/digihjelp?x=1\n"
            ),
        )
        .load();
    assert!(fine.is_ok(), "{:?}", fine.err());
}

#[test]
fn an_offer_time_that_cannot_be_read_is_reported() {
    let header = "id,provider,kind,topics,languages,municipality,lat,lon,times";
    for bad in ["hver tirsdag", "tir 14:00-12:00", "-390-01-01 10:00-12:00"] {
        let result = Folder::base()
            .file(
                "offers.csv",
                &format!(
                    "{header}\no1,Biblioteket,drop_in,smarttelefon,nb,Hub,63.43,10.39,tir 10:00-12:00;{bad}\n"
                ),
            )
            .load();
        expect_only(
            result,
            "offers.csv:2:times",
            ProblemKind::NotAnOfferTime(text(bad)),
        );
    }
}

#[test]
fn lending_settings_on_a_small_association_are_reported() {
    let result = Folder::base()
        .line(
            "associations.csv",
            1,
            "id,name,kind,lat,lon,municipality,opt_in,cluster,lends,lend_cap_sessions",
        )
        .line(
            "associations.csv",
            3,
            "small,Seniornett Small,small,63.50,10.50,Småby,true,hub,,12",
        )
        .load();
    expect_only(
        result,
        "associations.csv:3:lend_cap_sessions",
        ProblemKind::LendingOnSmall,
    );
}

/// The fuzz harness found it: an offer in a JSON dataset had no origin, so its problem
/// named no file. Every record of a JSON file is named by its place in it.
#[test]
fn a_bad_offer_in_json_is_named_by_its_place_in_the_file() {
    let folder = Folder::base().file(
        "offers.csv",
        "id,provider,kind,topics,languages,municipality,lat,lon\no1,Biblioteket,drop_in,smarttelefon,nb,Hub,63.43,10.39\n",
    );
    let (_, path) = write_base_json(&folder);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    value["offers"][0]["lat"] = serde_json::json!(1e300);
    std::fs::write(&path, value.to_string()).unwrap();
    let all = problems(load_json(&path));
    assert_eq!(all.len(), 1, "{}", Problems(all.clone()));
    assert!(
        all[0].file.ends_with("dataset.json offers[0]"),
        "{}",
        all[0].file
    );
    assert_eq!(all[0].column.as_deref(), Some("lat"));
}

// ---------------------------------------------------------------------------------------------
// The road and ferry network: places.csv and network.csv

/// The base dataset with a small network: the hub, a ferry quay and the small association.
fn with_network() -> Folder {
    Folder::base()
        .file(
            "places.csv",
            "id,name,lat,lon
quay,Ferjekai,63.35,10.30
",
        )
        .file(
            "network.csv",
            "from,to,km,minutes,ferry,wait_minutes
hub,quay,10,12,false,
quay,small,8,20,true,15
",
        )
}

#[test]
fn a_network_loads_and_round_trips() {
    let ds = with_network().load().unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(ds.places.len(), 1);
    assert_eq!(ds.network.len(), 2);
    assert!(!ds.network[0].ferry);
    assert!(ds.network[1].ferry);
    assert_eq!(ds.network[1].wait_minutes, Some(15));
    assert_eq!(ds.network[1].total_minutes(), 35);
    // Written as a folder and as JSON, it reads back the same.
    let out = tempfile::tempdir().expect("tempdir");
    klynge::ingest::write_folder(&ds, out.path()).expect("write folder");
    let again = load(out.path()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(again.places.len(), 1);
    assert_eq!(again.places[0].id, "quay");
    assert_eq!((again.places[0].lat, again.places[0].lon), (63.35, 10.30));
    assert_eq!(again.network.len(), 2);
    assert_eq!(again.network[1].wait_minutes, Some(15));
    let json = out.path().join("ds.json");
    write_json(&ds, &json).expect("write json");
    let from_json = load(&json).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(from_json.network.len(), 2);
    assert!(from_json.network[1].ferry);
}

#[test]
fn a_dataset_without_a_network_keeps_its_canonical_json() {
    // Neither `places` nor `network` appears when empty, so older hashes hold.
    let ds = Folder::base().load().unwrap_or_else(|p| panic!("{p}"));
    let json = ds.to_canonical_json();
    assert!(!json.contains("\"places\""), "{json}");
    assert!(!json.contains("\"network\""), "{json}");
    assert!(!json.contains("max_minutes"), "{json}");
}

#[test]
fn an_unknown_place_in_the_network_is_reported() {
    let result = with_network()
        .line("network.csv", 3, "quay,nowhere,8,20,true,15")
        .load();
    expect_only(
        result,
        "network.csv:3:to",
        ProblemKind::UnknownPlace(text("nowhere")),
    );
}

#[test]
fn a_duplicate_place_id_is_reported_with_first_line() {
    let result = with_network()
        .line("places.csv", 3, "quay,Ferjekai 2,63.36,10.31")
        .load();
    expect_only(
        result,
        "places.csv:3:id",
        ProblemKind::DuplicateId {
            id: text("quay"),
            first: Some(2),
        },
    );
}

#[test]
fn a_place_id_that_is_an_association_id_is_reported() {
    let result = with_network()
        .line("places.csv", 3, "small,Melhus sentrum,63.28,10.27")
        .load();
    expect_only(
        result,
        "places.csv:3:id",
        ProblemKind::PlaceIdTaken(text("small")),
    );
}

#[test]
fn a_negative_network_km_is_reported() {
    let result = with_network()
        .line("network.csv", 2, "hub,quay,-10,12,false,")
        .load();
    expect_only(result, "network.csv:2:km", out_of_range("-10", "≥ 0"));
}

#[test]
fn negative_network_minutes_are_reported() {
    let result = with_network()
        .line("network.csv", 2, "hub,quay,10,-12,false,")
        .load();
    expect_only(
        result,
        "network.csv:2:minutes",
        ProblemKind::NotAWholeNumber(text("-12")),
    );
}

#[test]
fn a_bad_ferry_flag_is_reported() {
    let result = with_network()
        .line("network.csv", 3, "quay,small,8,20,maybe,15")
        .load();
    expect_only(
        result,
        "network.csv:3:ferry",
        ProblemKind::NotABool(text("maybe")),
    );
}

#[test]
fn a_place_latitude_out_of_range_is_reported() {
    let result = with_network()
        .line("places.csv", 2, "quay,Ferjekai,93.35,10.30")
        .load();
    expect_only(
        result,
        "places.csv:2:lat",
        ProblemKind::LatitudeOutOfRange(93.35),
    );
}

#[test]
fn a_negative_instructor_max_minutes_is_reported() {
    let result = Folder::base()
        .line(
            "instructors.csv",
            1,
            "id,name,association,lat,lon,topics,languages,max_km,max_sessions_per_week,max_sessions_total,max_hours_per_week,max_minutes",
        )
        .line(
            "instructors.csv",
            2,
            "i1,Kari Bakken,hub,,,smarttelefon;bankid,nb;en,60,3,,,-5",
        )
        .load();
    expect_only(
        result,
        "instructors.csv:2:max_minutes",
        ProblemKind::NotAWholeNumber(text("-5")),
    );
}

// ---------------------------------------------------------------------------------------------
// Request formats (docs/model.md §2): one test per format rule.

const FORMAT_HEADER: &str = "id,association,topic,language,instructors_needed,priority,first_date,start,end,count,interval_days,venue_lat,venue_lon,format,slot_minutes,desks";

/// The base folder with the format columns, r1 as given and r2 a course.
fn with_format_row(r1: &str) -> Folder {
    Folder::base()
        .line("requests.csv", 1, FORMAT_HEADER)
        .line("requests.csv", 2, r1)
        .line("requests.csv", 3, "r2,small,bankid,nb,1,3,,,,,,,,course,,")
}

#[test]
fn formats_load_with_their_fields() {
    let ds = with_format_row(
        "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,,one_to_one,30,2",
    )
    .line(
        "requests.csv",
        4,
        "r3,small,smarttelefon,ar;so,2,4,2027-01-12,10:00,12:00,8,7,,,drop-in,,",
    )
    .load()
    .expect("loads");
    let r1 = &ds.requests[0];
    assert_eq!(
        (r1.format, r1.slot_minutes, r1.desks),
        (klynge::model::Format::OneToOne, Some(30), Some(2))
    );
    assert_eq!(ds.requests[1].format, klynge::model::Format::Course);
    assert_eq!(ds.requests[2].format, klynge::model::Format::DropIn);
    assert_eq!(ds.requests[2].languages(), vec!["ar", "so"]);
}

#[test]
fn unknown_format_is_reported() {
    let result =
        with_format_row("r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,,workshop,,")
            .load();
    expect_only(
        result,
        "requests.csv:2:format",
        ProblemKind::UnknownFormat(text("workshop")),
    );
}

#[test]
fn several_languages_on_a_course_are_reported() {
    let result =
        with_format_row("r1,small,smarttelefon,ar;so,2,4,2027-01-12,10:00,12:00,8,7,,,course,,")
            .load();
    expect_only(
        result,
        "requests.csv:2:language",
        ProblemKind::OneLanguageOnly(text("ar;so")),
    );
}

#[test]
fn a_drop_in_with_more_languages_than_staff_is_reported() {
    let result =
        with_format_row("r1,small,smarttelefon,ar;so,1,4,2027-01-12,10:00,12:00,8,7,,,drop_in,,")
            .load();
    expect_only(
        result,
        "requests.csv:2:language",
        ProblemKind::MoreLanguagesThanStaff {
            languages: 2,
            needed: 1,
        },
    );
}

#[test]
fn each_language_of_a_drop_in_must_be_a_code() {
    let result =
        with_format_row("r1,small,smarttelefon,ar;xx,2,4,2027-01-12,10:00,12:00,8,7,,,drop_in,,")
            .load();
    expect_only(
        result,
        "requests.csv:2:language",
        ProblemKind::UnknownLanguageCode(text("xx")),
    );
}

#[test]
fn slot_minutes_on_a_course_is_reported() {
    let result =
        with_format_row("r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,,course,30,")
            .load();
    expect_only(
        result,
        "requests.csv:2:slot_minutes",
        ProblemKind::OnlyForOneToOne,
    );
}

#[test]
fn one_to_one_without_slot_minutes_is_reported() {
    let result =
        with_format_row("r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,,one_to_one,,2")
            .load();
    expect_only(
        result,
        "requests.csv:2:slot_minutes",
        ProblemKind::SlotMinutesMissing,
    );
}

#[test]
fn one_to_one_with_two_instructors_per_desk_is_reported() {
    let result =
        with_format_row("r1,small,smarttelefon,nb,2,4,2027-01-12,10:00,12:00,8,7,,,one_to_one,30,")
            .load();
    expect_only(
        result,
        "requests.csv:2:instructors_needed",
        ProblemKind::OneInstructorPerDesk(2),
    );
}

#[test]
fn one_to_one_desks_and_slots_are_in_range() {
    let result = with_format_row(
        "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,,one_to_one,300,0",
    )
    .load();
    expect_among(result, "requests.csv:2:desks", out_of_range("0", "1…20"));
    let result = with_format_row(
        "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,12:00,8,7,,,one_to_one,300,1",
    )
    .load();
    expect_only(
        result,
        "requests.csv:2:slot_minutes",
        out_of_range("300", "5…240"),
    );
}

#[test]
fn a_one_to_one_block_shorter_than_a_slot_is_reported() {
    let result = with_format_row(
        "r1,small,smarttelefon,nb,1,4,2027-01-12,10:00,10:20,8,7,,,one_to_one,30,1",
    )
    .load();
    expect_only(
        result,
        "requests.csv:2:slot_minutes",
        ProblemKind::BlockShorterThanSlot {
            block: 20,
            slot: 30,
        },
    );
}

#[test]
fn formats_round_trip_through_json() {
    // The pilot has a drop-in in two languages and one-to-one guidance.
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    let ds = load(&pilot).expect("pilot loads");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pilot.json");
    write_json(&ds, &path).expect("write json");
    let text = std::fs::read_to_string(&path).expect("read json");
    assert!(
        text.contains("\"format\": \"drop_in\"") && text.contains("\"slot_minutes\": 30"),
        "the formats are written"
    );
    let back = load(&path).expect("json loads");
    assert_eq!(back.to_canonical_json(), ds.to_canonical_json());
    let r41 = back.requests.iter().find(|r| r.id == "r41").expect("r41");
    assert_eq!(
        (r41.format, r41.languages()),
        (klynge::model::Format::DropIn, vec!["ar", "so"])
    );
}
