//! Requests submitted through the service: checking a submission, where each request
//! stands as its association sees it, and withdrawing one.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localized};
use crate::model::{Dataset, Origin, Request, Series, Session, validate};
use crate::run::Run;
use crate::store::LiveRequest;

fn one() -> u32 {
    1
}
fn three() -> u8 {
    3
}

/// A course request as an association submits it.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Required from coordinators; an association submits for itself.
    pub association: Option<String>,
    #[schema(examples("smarttelefon"))]
    pub topic: String,
    /// ISO 639-1.
    #[schema(examples("nb"))]
    pub language: String,
    #[serde(default = "one")]
    #[schema(minimum = 1, default = 1)]
    pub instructors_needed: u32,
    /// `course` (the default), `drop_in` or `one_to_one`.
    #[serde(default)]
    pub format: crate::model::Format,
    /// One-to-one guidance: minutes per appointment.
    #[serde(default)]
    #[schema(minimum = 5, maximum = 240)]
    pub slot_minutes: Option<u32>,
    /// One-to-one guidance: parallel desks (default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20)]
    pub desks: Option<u32>,
    #[serde(default = "three")]
    #[schema(minimum = 1, maximum = 5, default = 3)]
    pub priority: u8,
    pub series: Option<Series>,
    #[serde(default)]
    pub sessions: Vec<Session>,
    pub venue_lat: Option<f64>,
    pub venue_lon: Option<f64>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// A problem with one field of a submission.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Checks a submission against the dataset rules; returns the request or every problem.
pub fn check_submission(
    base: &Dataset,
    association: &str,
    s: &Submission,
    lang: Lang,
) -> Result<Request, Vec<FieldError>> {
    let request = Request {
        id: "new".into(),
        association: association.to_owned(),
        topic: s.topic.trim().to_lowercase(),
        language: s.language.trim().to_lowercase(),
        instructors_needed: s.instructors_needed,
        format: s.format,
        slot_minutes: s.slot_minutes,
        desks: s.desks,
        priority: s.priority,
        series: s.series.clone(),
        sessions: s.sessions.clone(),
        venue_lat: s.venue_lat,
        venue_lon: s.venue_lon,
        origin: Origin::new("request", None),
    };
    let mut errors = Vec::new();
    if s.note.chars().count() > 1000 {
        errors.push(FieldError {
            field: "note".into(),
            message: lang
                .pick(
                    "notatet er for langt (høyst 1000 tegn)",
                    "the note is too long (at most 1000 characters)",
                )
                .into(),
        });
    }
    let ds = Dataset {
        associations: base.associations.clone(),
        requests: vec![request.clone()],
        ..Dataset::default()
    };
    for p in validate(&ds) {
        errors.push(FieldError {
            field: p.column.clone().unwrap_or_default(),
            message: p.kind.localized(lang),
        });
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// How far ahead a course may be asked for: about a term and the next, so that a typo in
/// the year (2072 for 2027) is caught.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// A new request's days against `today`: the first session not in the past, the last
/// within `MAX_DAYS_AHEAD`. Each problem names the days allowed.
pub fn check_dates(
    request: &Request,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<(), Vec<FieldError>> {
    let days: Vec<chrono::NaiveDate> = request.all_sessions().iter().map(|s| s.date).collect();
    let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
        return Ok(());
    };
    let limit = today + chrono::Duration::days(MAX_DAYS_AHEAD);
    let show = |d: chrono::NaiveDate| lang.long_date(d);
    let mut errors = Vec::new();
    if first < today {
        errors.push(FieldError {
            field: "first_date".into(),
            message: match lang {
                Lang::Nb => format!(
                    "{} er før i dag; velg en dag fra og med {}",
                    show(first),
                    show(today)
                ),
                Lang::En => format!(
                    "{} is in the past; choose a day from {} on",
                    show(first),
                    show(today)
                ),
            },
        });
    } else if last > limit {
        // On the first day when it alone is too late, else on the number of days.
        let field = if first > limit { "first_date" } else { "count" };
        errors.push(FieldError {
            field: field.into(),
            message: match lang {
                Lang::Nb => format!(
                    "kurset slutter {}, mer enn ett år fram; siste mulige kursdag er {}",
                    show(last),
                    show(limit)
                ),
                Lang::En => format!(
                    "the course ends on {}, more than a year ahead; the last possible day is {}",
                    show(last),
                    show(limit)
                ),
            },
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Where a request stands, as its association sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RequestStatus {
    pub id: String,
    pub association: String,
    pub topic: String,
    pub language: String,
    pub first_date: Option<String>,
    /// submitted, proposed, confirmed, uncovered, withdrawn, or invalid (stored, but it no
    /// longer passes validation; `reasons` says why; it is left out of plans).
    pub status: String,
    pub instructors: Vec<String>,
    pub reasons: Vec<String>,
    pub note: String,
    /// A newer proposal, not yet published, would give the request these instructors
    /// (empty: it would leave it uncovered). Shown as such, never silently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<Vec<String>>,
    /// For an uncovered request: other offers nearby that teach the topic in the language,
    /// nearest first (refer, never reject).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<crate::plan::refer::Referral>,
}

impl RequestStatus {
    /// The referrals as lines people read.
    pub fn referral_lines(&self, lang: Lang) -> Vec<String> {
        self.referrals
            .iter()
            .map(|r| crate::export::text::referral_line(r, lang))
            .collect()
    }
}

/// The status of one submitted request against the newest run (if any) and its answers.
pub fn status_of(
    live: &LiveRequest,
    latest: Option<&Run>,
    answers: &std::collections::BTreeMap<(String, String), String>,
    lang: Lang,
) -> RequestStatus {
    let r = &live.request;
    let mut st = RequestStatus {
        id: r.id.clone(),
        association: r.association.clone(),
        topic: r.topic.clone(),
        language: r.language.clone(),
        first_date: r.all_sessions().first().map(|s| s.date.to_string()),
        status: "submitted".into(),
        instructors: Vec::new(),
        reasons: Vec::new(),
        note: live.note.clone(),
        pending: None,
        referrals: Vec::new(),
    };
    if live.withdrawn {
        st.status = "withdrawn".into();
    } else if let Some(run) = latest {
        let assigned: Vec<&crate::plan::Assignment> = run
            .assignments
            .iter()
            .filter(|a| a.request == r.id)
            .collect();
        if !assigned.is_empty() {
            st.instructors = assigned
                .iter()
                .map(|a| run.instructor_name(&a.instructor))
                .collect();
            let all_accepted = assigned.iter().all(|a| {
                answers
                    .get(&(a.request.clone(), a.instructor.clone()))
                    .is_some_and(|x| x == "accepted")
            });
            st.status = if run.summary.status == "published" && all_accepted {
                "confirmed"
            } else {
                "proposed"
            }
            .into();
        } else if let Some(u) = run.uncovered.iter().find(|u| u.request == r.id) {
            st.status = "uncovered".into();
            // People read names, not ids (only uncovered requests need them).
            let names = crate::compare::Names::of(std::slice::from_ref(run));
            st.reasons = u.reasons.iter().map(|x| x.told(lang, &names)).collect();
            st.referrals = u.referrals.clone();
        }
    }
    st
}

/// The status of a stored request that no longer passes validation: shown as invalid, with
/// what is wrong, so that its association (or the coordinator) can withdraw or resubmit it.
pub fn invalid_status(
    live: &LiveRequest,
    problems: &[crate::model::Problem],
    lang: Lang,
) -> RequestStatus {
    let r = &live.request;
    RequestStatus {
        id: r.id.clone(),
        association: r.association.clone(),
        topic: r.topic.clone(),
        language: r.language.clone(),
        first_date: r.all_sessions().first().map(|s| s.date.to_string()),
        status: "invalid".into(),
        instructors: Vec::new(),
        reasons: problems
            .iter()
            .map(|p| match &p.column {
                Some(c) => format!("{c}: {}", p.kind.localized(lang)),
                None => p.kind.localized(lang),
            })
            .collect(),
        note: live.note.clone(),
        pending: None,
        referrals: Vec::new(),
    }
}
