//! The JSON API. Each handler: language, caller, role check, one call into `app`, JSON out.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, State, lang_of, require};
use crate::app::requests::{RequestStatus, Submission};
use crate::app::service::AssignmentView;
use crate::app::{AppError, Service};
use crate::i18n::Lang;
use crate::store::Role;

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

fn bad_json(lang: Lang, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
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
    let list = state
        .request_statuses(
            |a| match who.role {
                Role::Association => a == who.subject,
                _ => state.coordinator_sees(&who, a),
            },
            lang,
        )
        .await
        .map_err(|e| ApiError::app(e, lang))?;
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
    let s: Submission = serde_json::from_slice(&body).map_err(|e| bad_json(lang, e))?;
    let association = match who.role {
        Role::Association => {
            if s.association.as_deref().is_some_and(|a| a != who.subject) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    lang.pick(
                        "du kan bare be om kurs for din egen forening",
                        "you can only request courses for your own association",
                    ),
                ));
            }
            who.subject.clone()
        }
        _ => match &s.association {
            Some(a) if state.coordinator_sees(&who, a) => a.clone(),
            Some(_) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    lang.pick(
                        "foreningen er ikke i din klynge",
                        "the association is not in your cluster",
                    ),
                ));
            }
            None => return Err(ApiError::app(Service::association_required(lang), lang)),
        },
    };
    let id = state
        .submit(&association, &s, lang)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "status": "submitted" })),
    )
        .into_response())
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
    state
        .withdraw(&id, |a| match who.role {
            Role::Association => a == who.subject,
            _ => state.coordinator_sees(&who, a),
        })
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    Ok(Json(json!({ "id": id, "status": "withdrawn" })))
}

pub async fn list_runs(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Vec<crate::store::RunSummary>>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(&state, &headers, lang, &[Role::Coordinator]).await?;
    Ok(Json(
        state.runs(&who).await.map_err(|e| ApiError::app(e, lang))?,
    ))
}

pub async fn start_plan(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(&state, &headers, lang, &[Role::Coordinator]).await?;
    let id = state
        .plan_now(&who)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    let run = state
        .store
        .run(id)
        .await
        .map_err(|e| ApiError::app(e.into(), lang))?;
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
    let who = require(&state, &headers, lang, &[Role::Coordinator]).await?;
    state
        .approve(&who, id)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    Ok(Json(json!({ "id": id, "status": "approved" })))
}

pub async fn repair_run(
    AxState(state): AxState<State>,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(&state, &headers, lang, &[Role::Coordinator]).await?;
    let repaired = state
        .repair_now(&who, id)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": repaired.id, "repairs": id, "changes": repaired.changes })),
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
    let who = require(&state, &headers, lang, &[Role::Coordinator]).await?;
    state
        .publish(&who, id)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    Ok(Json(json!({ "id": id, "status": "published" })))
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
        Role::Instructor => state.assignments_for(Some(&who.subject)).await,
        _ => state.assignments_for(None).await.map(|all| {
            all.into_iter()
                .filter(|a| state.coordinator_sees(&who, &a.association_id))
                .collect()
        }),
    }
    .map_err(|e| ApiError::app(e, lang))?;
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
    let answered = state
        .record_answer(run, &request, &who.subject, &answer)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    let problem = answered.repair_problem.map(|e| e.render(lang, false));
    Ok(Json(json!({
        "run": run, "request": request, "answer": answered.answer,
        "repair_run": answered.repair_run, "repair_problem": problem
    })))
}

pub async fn new_feed(
    AxState(state): AxState<State>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers, q.lang.as_deref());
    let who = require(&state, &headers, lang, &[Role::Instructor]).await?;
    let secret = state
        .new_feed(&who.subject)
        .await
        .map_err(|e| ApiError::app(e, lang))?;
    Ok(Json(json!({ "url": format!("/calendar/{secret}.ics") })))
}

/// An instructor's published rota as iCalendar, by the feed's own secret.
pub async fn calendar_feed(
    AxState(state): AxState<State>,
    Path(secret): Path<String>,
) -> Result<Response, ApiError> {
    let secret = secret.trim_end_matches(".ics");
    let Some((rota, stamp)) = state
        .calendar(secret)
        .await
        .map_err(|e| ApiError::app(e, Lang::Nb))?
    else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no such calendar"));
    };
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        crate::export::to_ics(&rota, &stamp),
    )
        .into_response())
}

impl ApiError {
    /// A use case's error as an HTTP response: its kind gives the status.
    pub fn app(e: AppError, lang: Lang) -> ApiError {
        use crate::app::ErrorKind;
        let status = match e.kind() {
            ErrorKind::BadInput => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let fields = match &e {
            AppError::Fields(f) => f.clone(),
            _ => Vec::new(),
        };
        ApiError {
            status,
            message: e.render(lang, false),
            fields,
        }
    }
}
