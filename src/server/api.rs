//! The JSON API. Each handler: language, caller, role check, one call into the store or the
//! planner, JSON out.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApiError, AppState, State, coordinator_sees, lang_of, require};
use crate::i18n::{Lang, Localized};
use crate::model::{Dataset, Origin, Request, Series, Session, validate};
use crate::plan::{self, Params, SolverKind};
use crate::store::{NewRun, Role};

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

fn one() -> u32 {
    1
}
fn three() -> u8 {
    3
}

/// A course request as an association submits it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Required from coordinators; an association submits for itself.
    pub association: Option<String>,
    pub topic: String,
    pub language: String,
    #[serde(default = "one")]
    pub instructors_needed: u32,
    #[serde(default = "three")]
    pub priority: u8,
    pub series: Option<Series>,
    #[serde(default)]
    pub sessions: Vec<Session>,
    pub venue_lat: Option<f64>,
    pub venue_lon: Option<f64>,
    #[serde(default)]
    pub note: String,
}

/// A problem with one field of a submission.
#[derive(Clone, Debug, Serialize, PartialEq)]
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

/// The base dataset plus every submitted request that is not withdrawn.
pub async fn current_dataset(state: &AppState) -> Result<Dataset, ApiError> {
    let mut ds = state.base.clone();
    for live in state.store.live_requests(None).await? {
        if !live.withdrawn {
            ds.requests.push(live.request);
        }
    }
    Ok(ds)
}

/// Where a request stands, as its association sees it.
#[derive(Clone, Debug, Serialize)]
pub struct RequestStatus {
    pub id: String,
    pub association: String,
    pub topic: String,
    pub language: String,
    pub first_date: Option<String>,
    /// submitted, proposed, confirmed, uncovered or withdrawn.
    pub status: String,
    pub instructors: Vec<String>,
    pub reasons: Vec<String>,
    pub note: String,
}

/// The status of every submitted request visible to `filter` (None = all).
pub async fn request_statuses(
    state: &AppState,
    visible: impl Fn(&str) -> bool,
    lang: Lang,
) -> Result<Vec<RequestStatus>, ApiError> {
    let latest = match state.store.latest_run(None).await? {
        Some(id) => Some(state.store.run(id).await?),
        None => None,
    };
    let answers = match &latest {
        Some(run) => state.store.responses(run.summary.id).await?,
        None => BTreeMap::new(),
    };
    let mut out = Vec::new();
    for live in state.store.live_requests(None).await? {
        let r = &live.request;
        if !visible(&r.association) {
            continue;
        }
        let mut st = RequestStatus {
            id: r.id.clone(),
            association: r.association.clone(),
            topic: r.topic.clone(),
            language: r.language.clone(),
            first_date: plan::calendar::sessions_of(r)
                .first()
                .map(|s| s.date.to_string()),
            status: "submitted".into(),
            instructors: Vec::new(),
            reasons: Vec::new(),
            note: live.note.clone(),
        };
        if live.withdrawn {
            st.status = "withdrawn".into();
        } else if let Some(run) = &latest {
            let assigned: Vec<&crate::plan::Assignment> = run
                .assignments
                .iter()
                .filter(|a| a.request == r.id)
                .collect();
            if !assigned.is_empty() {
                st.instructors = assigned
                    .iter()
                    .map(|a| {
                        run.dataset
                            .instructors
                            .iter()
                            .find(|i| i.id == a.instructor)
                            .map_or(a.instructor.clone(), |i| i.name.clone())
                    })
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
                st.reasons = u.reasons.iter().map(|x| x.localized(lang)).collect();
            }
        }
        out.push(st);
    }
    Ok(out)
}

/// Repairs run `id` against the current data: its confirmed (accepted) assignments are
/// pinned, declined ones stay out, and the fewest changes are made (stage 2).
pub async fn repair_now(state: &AppState, id: i64) -> Result<i64, ApiError> {
    let run = state.store.run(id).await?;
    let answers = state.store.responses(id).await?;
    let spec = plan::repair_spec(&run.assignments, &answers);
    plan_now_with(state, Some(spec)).await
}

/// Plans the current requests now (one plan at a time) and stores the run.
pub async fn plan_now(state: &AppState) -> Result<i64, ApiError> {
    plan_now_with(state, None).await
}

async fn plan_now_with(state: &AppState, repair: Option<plan::Repair>) -> Result<i64, ApiError> {
    let _one_at_a_time = state.planning.lock().await;
    let ds = current_dataset(state).await?;
    let problems = validate(&ds);
    if !problems.is_empty() {
        return Err(ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the current data are not valid: {}", problems[0]),
        ));
    }
    let scenario = if repair.is_some() {
        "service-repair"
    } else {
        "service"
    };
    let params = Params {
        time_limit_s: state.time_limit_s,
        repair,
        ..Params::default()
    };
    let (ds, params, outcome) = tokio::task::spawn_blocking(move || {
        let outcome = plan::plan(&ds, &params, SolverKind::Milp, &|_, _| {});
        (ds, params, outcome)
    })
    .await
    .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "planning failed".into()))?;
    if !plan::check(&ds, &outcome.check_scenario(&params), &outcome.pairs()).is_empty() {
        return Err(ApiError(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the checker rejected the rota; nothing stored".into(),
        ));
    }
    let id = state
        .store
        .save_run(&NewRun {
            scenario,
            dataset_name: "service",
            dataset: &ds,
            params: &params,
            outcome: &outcome,
            baseline: outcome.baseline.as_ref(),
        })
        .await?;
    Ok(id)
}

fn bad_request(lang: Lang, e: impl std::fmt::Display) -> ApiError {
    ApiError(
        StatusCode::BAD_REQUEST,
        format!("{}: {e}", lang.pick("ugyldig JSON", "invalid JSON")),
    )
}

pub async fn list_requests(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Vec<RequestStatus>>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(
        &state,
        &headers,
        lang,
        &[Role::Coordinator, Role::Association],
    )
    .await?;
    let list = request_statuses(
        &state,
        |a| match who.role {
            Role::Association => a == who.subject,
            _ => coordinator_sees(&state, &who, a),
        },
        lang,
    )
    .await?;
    Ok(Json(list))
}

/// Submits a request; the association is the caller's own (an association) or given (a
/// coordinator of its cluster). Nothing is stored unless every field is valid.
pub async fn submit_request(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(
        &state,
        &headers,
        lang,
        &[Role::Coordinator, Role::Association],
    )
    .await?;
    let s: Submission = serde_json::from_slice(&body).map_err(|e| bad_request(lang, e))?;
    let association = match who.role {
        Role::Association => {
            if s.association.as_deref().is_some_and(|a| a != who.subject) {
                return Err(ApiError(
                    StatusCode::FORBIDDEN,
                    lang.pick(
                        "du kan bare be om kurs for din egen forening",
                        "you can only request courses for your own association",
                    )
                    .into(),
                ));
            }
            who.subject.clone()
        }
        _ => match &s.association {
            Some(a) if coordinator_sees(&state, &who, a) => a.clone(),
            Some(_) => {
                return Err(ApiError(
                    StatusCode::FORBIDDEN,
                    lang.pick(
                        "foreningen er ikke i din klynge",
                        "the association is not in your cluster",
                    )
                    .into(),
                ));
            }
            None => {
                let errors = vec![FieldError {
                    field: "association".into(),
                    message: lang.pick("verdi mangler", "a value is required").into(),
                }];
                return Ok(
                    (StatusCode::BAD_REQUEST, Json(json!({ "errors": errors }))).into_response()
                );
            }
        },
    };
    match check_submission(&state.base, &association, &s, lang) {
        Err(errors) => {
            Ok((StatusCode::BAD_REQUEST, Json(json!({ "errors": errors }))).into_response())
        }
        Ok(request) => {
            let id = state.store.submit_request(&request, s.note.trim()).await?;
            Ok((
                StatusCode::CREATED,
                Json(json!({ "id": id, "status": "submitted" })),
            )
                .into_response())
        }
    }
}

pub async fn withdraw_request(
    AxState(state): AxState<State>,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(
        &state,
        &headers,
        lang,
        &[Role::Coordinator, Role::Association],
    )
    .await?;
    let owner = state
        .store
        .live_requests(None)
        .await?
        .into_iter()
        .find(|l| l.request.id == id)
        .map(|l| l.request.association);
    let allowed = owner.as_deref().is_some_and(|a| match who.role {
        Role::Association => a == who.subject,
        _ => coordinator_sees(&state, &who, a),
    });
    let not_found = || {
        ApiError(
            StatusCode::NOT_FOUND,
            lang.pick("fant ingen slik forespørsel", "no such request")
                .into(),
        )
    };
    let owner = owner.filter(|_| allowed).ok_or_else(not_found)?;
    if !state.store.withdraw_request(&id, &owner).await? {
        return Err(not_found());
    }
    Ok(Json(json!({ "id": id, "status": "withdrawn" })))
}

pub async fn list_runs(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Vec<crate::store::RunSummary>>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    require(&state, &headers, lang, &[Role::Coordinator]).await?;
    Ok(Json(state.store.runs().await?))
}

pub async fn start_plan(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    require(&state, &headers, lang, &[Role::Coordinator]).await?;
    let id = plan_now(&state).await?;
    let run = state.store.run(id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "figures": run.summary.figures })),
    )
        .into_response())
}

pub async fn approve_run(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    require(&state, &headers, lang, &[Role::Coordinator]).await?;
    if !state.store.approve_run(id).await? {
        return Err(ApiError(
            StatusCode::CONFLICT,
            lang.pick(
                "bare en foreslått kjøring kan godkjennes",
                "only a proposed run can be approved",
            )
            .into(),
        ));
    }
    Ok(Json(json!({ "id": id, "status": "approved" })))
}

pub async fn repair_run(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    require(&state, &headers, lang, &[Role::Coordinator]).await?;
    let new = repair_now(&state, id).await?;
    let before = state.store.run(id).await?;
    let after = state.store.run(new).await?;
    let changes = crate::compare::diff(&before, &after);
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": new, "repairs": id, "changes": changes })),
    )
        .into_response())
}

pub async fn publish_run(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    require(&state, &headers, lang, &[Role::Coordinator]).await?;
    state.store.publish_run(id).await?;
    Ok(Json(json!({ "id": id, "status": "published" })))
}

/// An assignment as its instructor sees it.
#[derive(Clone, Debug, Serialize)]
pub struct AssignmentView {
    pub run: i64,
    pub run_status: String,
    pub request: String,
    pub association_id: String,
    pub association: String,
    pub topic: String,
    pub language: String,
    pub instructor: String,
    pub km_one_way: f64,
    pub sessions: Vec<Session>,
    /// accepted, declined, or empty when not answered yet.
    pub answer: String,
}

/// The assignments of the newest run, for one instructor or (coordinators) for all.
pub async fn assignments_for(
    state: &AppState,
    instructor: Option<&str>,
) -> Result<Vec<AssignmentView>, ApiError> {
    let Some(id) = state.store.latest_run(None).await? else {
        return Ok(Vec::new());
    };
    let run = state.store.run(id).await?;
    let answers = state.store.responses(id).await?;
    Ok(run
        .assignments
        .iter()
        .filter(|a| instructor.is_none_or(|i| a.instructor == i))
        .filter_map(|a| {
            let r = run.dataset.requests.iter().find(|r| r.id == a.request)?;
            Some(AssignmentView {
                run: id,
                run_status: run.summary.status.clone(),
                request: a.request.clone(),
                association_id: r.association.clone(),
                association: run
                    .dataset
                    .association(&r.association)
                    .map_or(r.association.clone(), |x| x.name.clone()),
                topic: r.topic.clone(),
                language: r.language.clone(),
                instructor: a.instructor.clone(),
                km_one_way: a.km,
                sessions: plan::calendar::sessions_of(r),
                answer: answers
                    .get(&(a.request.clone(), a.instructor.clone()))
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect())
}

pub async fn list_assignments(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Vec<AssignmentView>>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(
        &state,
        &headers,
        lang,
        &[Role::Coordinator, Role::Instructor],
    )
    .await?;
    let list = match who.role {
        Role::Instructor => assignments_for(&state, Some(&who.subject)).await?,
        _ => assignments_for(&state, None)
            .await?
            .into_iter()
            .filter(|a| coordinator_sees(&state, &who, &a.association_id))
            .collect(),
    };
    Ok(Json(list))
}

pub async fn answer_assignment(
    AxState(state): AxState<State>,
    Path((run, request, answer)): Path<(i64, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(&state, &headers, lang, &[Role::Instructor]).await?;
    let (answer, repaired) =
        record_answer(&state, run, &request, &who.subject, &answer, lang).await?;
    Ok(Json(
        json!({ "run": run, "request": request, "answer": answer, "repair_run": repaired }),
    ))
}

/// Records an instructor's answer (`accept` or `decline`) on their own assignment. A decline
/// is repaired at once into a new proposed run with the fewest changes; its id is returned.
/// The API and the instructor's page both answer through here.
pub async fn record_answer(
    state: &AppState,
    run: i64,
    request: &str,
    instructor: &str,
    word: &str,
    lang: Lang,
) -> Result<(&'static str, Option<i64>), ApiError> {
    let answer = match word {
        "accept" => "accepted",
        "decline" => "declined",
        _ => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                lang.pick(
                    "svar må være accept eller decline",
                    "the answer must be accept or decline",
                )
                .into(),
            ));
        }
    };
    if !state
        .store
        .respond(run, request, instructor, answer)
        .await?
    {
        return Err(ApiError(
            StatusCode::NOT_FOUND,
            lang.pick("fant ingen slik tildeling", "no such assignment")
                .into(),
        ));
    }
    let repaired = if answer == "declined" {
        Some(repair_now(state, run).await?)
    } else {
        None
    };
    Ok((answer, repaired))
}

pub async fn new_feed(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(&state, &headers, lang, &[Role::Instructor]).await?;
    let secret = state.store.rotate_feed(&who.subject).await?;
    Ok(Json(json!({ "url": format!("/calendar/{secret}.ics") })))
}

/// An instructor's published rota as iCalendar, by the feed's own secret.
pub async fn calendar_feed(
    AxState(state): AxState<State>,
    Path(secret): Path<String>,
) -> Result<Response, ApiError> {
    let secret = secret.trim_end_matches(".ics");
    let Some(instructor) = state.store.feed_owner(secret).await? else {
        return Err(ApiError(StatusCode::NOT_FOUND, "no such calendar".into()));
    };
    let (rota, stamp) = match state.store.latest_run(Some("published")).await? {
        Some(id) => {
            let run = state.store.run(id).await?;
            let rota = crate::export::Rota::new(id, &run.dataset, &run.assignments, &[], Lang::Nb)
                .filter(Some(&instructor), None);
            let stamp = chrono::DateTime::parse_from_rfc3339(&run.summary.created_at)
                .map(|t| {
                    t.with_timezone(&chrono::Utc)
                        .format("%Y%m%dT%H%M%SZ")
                        .to_string()
                })
                .unwrap_or_else(|_| "20270101T000000Z".into());
            (rota, stamp)
        }
        None => (
            crate::export::Rota {
                run: 0,
                entries: Vec::new(),
                uncovered: Vec::new(),
            },
            "20270101T000000Z".into(),
        ),
    };
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        crate::export::to_ics(&rota, &stamp),
    )
        .into_response())
}
