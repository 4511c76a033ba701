//! The registry of other offers: a coordinator lists, adds, changes and removes the offers
//! in the municipalities of their cluster (the public reads them on `/tilbud/...`).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

use super::json_body;
use super::people::{ChangeResult, result};
use crate::app::Service;
use crate::app::offers::OfferRecord;
use crate::server::auth::{COORDINATOR, Caller, Language};
use crate::server::{ApiError, ErrorBody, ErrorResponse, OrApiError};

type Coordinator = Caller<COORDINATOR>;

/// List the offers the caller keeps
#[utoipa::path(
    get, path = "/api/offers", tag = "offers", params(Language), security(("bearer" = [])),
    responses(
        (status = OK, description = "The offers in the municipalities of the caller's cluster", body = Vec<OfferRecord>),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
    )
)]
pub async fn list_offers(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Json<Vec<OfferRecord>> {
    Json(state.offers_for(&c.who))
}

/// Add an offer
///
/// In a municipality where the caller's cluster has an association.
#[utoipa::path(
    post, path = "/api/offers", tag = "offers", params(Language), request_body = OfferRecord,
    security(("bearer" = [])),
    responses(
        (status = CREATED, description = "Added", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn add_offer(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ChangeResult>), ApiError> {
    let record: OfferRecord = json_body(&headers, &body, c.lang)?;
    let edited = state
        .save_offer(&c.who, None, &record, c.lang)
        .await
        .or_api(c.lang)?;
    Ok((StatusCode::CREATED, result(edited, c.lang)))
}

/// One offer the caller keeps
#[utoipa::path(
    get, path = "/api/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "The offer's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "The offer", body = OfferRecord),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such offer among those the caller keeps", body = ErrorBody),
    )
)]
pub async fn get_offer(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
) -> Result<Json<OfferRecord>, ApiError> {
    Ok(Json(state.offer_for(&c.who, &id).or_api(c.lang)?))
}

/// Change an offer (the whole record; the id stays)
#[utoipa::path(
    put, path = "/api/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "The offer's id"), Language),
    request_body = OfferRecord, security(("bearer" = [])),
    responses(
        (status = OK, description = "Changed", body = ChangeResult),
        (status = BAD_REQUEST, description = "Unreadable JSON, or the fields with problems", body = ErrorResponse),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such offer among those the caller keeps", body = ErrorBody),
        (status = CONFLICT, description = "Others kept changing the data; try again", body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "The body is not sent as application/json", body = ErrorBody),
    )
)]
pub async fn edit_offer(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChangeResult>, ApiError> {
    let record: OfferRecord = json_body(&headers, &body, c.lang)?;
    let edited = state
        .save_offer(&c.who, Some(&id), &record, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}

/// Remove an offer from the registry
///
/// Runs already made keep their referrals to it.
#[utoipa::path(
    delete, path = "/api/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "The offer's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = OK, description = "Removed", body = ChangeResult),
        (status = UNAUTHORIZED, description = "No valid token", body = ErrorBody),
        (status = FORBIDDEN, description = "Not a coordinator", body = ErrorBody),
        (status = NOT_FOUND, description = "No such offer among those the caller keeps", body = ErrorBody),
    )
)]
pub async fn remove_offer(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<String>,
) -> Result<Json<ChangeResult>, ApiError> {
    let edited = state
        .remove_offer(&c.who, &id, c.lang)
        .await
        .or_api(c.lang)?;
    Ok(result(edited, c.lang))
}
