//! Course requests: list, submit, withdraw (coordinators and associations).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Service;
use crate::app::requests::{RequestStatus, Submission};
use crate::i18n::Lang;
use crate::server::auth::{ASSOCIATION, COORDINATOR, Caller, Language};
use crate::server::{ApiError, ErrorBody, ErrorResponse, OrApiError};
use crate::store::{Principal, Role};

type CoordinatorOrAssociation = Caller<{ COORDINATOR | ASSOCIATION }>;

/// Where a request stands after a change.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RequestState {
    Submitted,
    Withdrawn,
}

/// A request that was just submitted or withdrawn.
#[derive(Serialize, ToSchema)]
pub struct RequestChanged {
    pub id: String,
    pub status: RequestState,
}

/// Whether the caller may see an association's requests: an association its own, a
/// coordinator those of its cluster.
fn sees<'a>(state: &'a Service, who: &'a Principal) -> impl Fn(&str) -> bool + 'a {
    move |a| match who.role {
        Role::Association => a == who.subject,
        _ => state.coordinator_sees(who, a),
    }
}

/// List requests with their status (an association: its own; a coordinator: its cluster's)
#[utoipa::path(
    get,
    path = "/api/requests",
    tag = "requests",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The requests the caller may see", body = Vec<RequestStatus>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "An instructor", body = ErrorBody),
    )
)]
pub async fn list_requests(
    State(state): State<Arc<Service>>,
    c: CoordinatorOrAssociation,
) -> Result<Json<Vec<RequestStatus>>, ApiError> {
    let list = state
        .request_statuses(sees(&state, &c.who), c.lang)
        .await
        .or_api(c.lang)?;
    Ok(Json(list))
}

/// Submit a course request
///
/// The association is the caller's own (an association) or given (a coordinator of its
/// cluster). Nothing is stored unless every field is valid.
#[utoipa::path(
    post,
    path = "/api/requests",
    tag = "requests",
    params(Language),
    request_body = Submission,
    security(("bearer" = [])),
    responses(
        (status = CREATED, description = "Stored", body = RequestChanged),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "An instructor, or another association than the caller's (cluster)", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "The body is larger than 64 KiB"),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn submit_request(
    State(state): State<Arc<Service>>,
    c: CoordinatorOrAssociation,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<RequestChanged>), ApiError> {
    let s: Submission = super::json_body(&headers, &body, c.lang)?;
    let association = association_for(&state, &c.who, &s, c.lang)?;
    let id = state
        .submit(&c.who, &association, &s, c.lang)
        .await
        .or_api(c.lang)?;
    Ok((
        StatusCode::CREATED,
        Json(RequestChanged {
            id,
            status: RequestState::Submitted,
        }),
    ))
}

/// The association a submission is for: an association's own (it may not name another),
/// or the one a coordinator names, if it is in their cluster.
fn association_for(
    state: &Service,
    who: &Principal,
    s: &Submission,
    lang: Lang,
) -> Result<String, ApiError> {
    let forbidden = |nb, en| Err(ApiError::new(StatusCode::FORBIDDEN, lang.pick(nb, en)));
    match (who.role, &s.association) {
        (Role::Association, Some(a)) if *a != who.subject => forbidden(
            "du kan bare be om kurs for din egen forening",
            "you can only request courses for your own association",
        ),
        (Role::Association, _) => Ok(who.subject.clone()),
        (_, Some(a)) if state.coordinator_sees(who, a) => Ok(a.clone()),
        (_, Some(_)) => forbidden(
            "foreningen er ikke i din klynge",
            "the association is not in your cluster",
        ),
        (_, None) => Err(ApiError::app(Service::association_required(lang), lang)),
    }
}

/// Withdraw a request
#[utoipa::path(
    post,
    path = "/api/requests/{id}/withdraw",
    tag = "requests",
    params(("id" = String, Path, description = "The request's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Withdrawn", body = RequestChanged),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "An instructor", body = ErrorBody),
        (status = NOT_FOUND, description = "No such request that the caller may see", body = ErrorBody),
    )
)]
pub async fn withdraw_request(
    State(state): State<Arc<Service>>,
    c: CoordinatorOrAssociation,
    Path(id): Path<String>,
) -> Result<Json<RequestChanged>, ApiError> {
    state
        .withdraw(&c.who, &id, sees(&state, &c.who))
        .await
        .or_api(c.lang)?;
    Ok(Json(RequestChanged {
        id,
        status: RequestState::Withdrawn,
    }))
}
