//! The coordinator's page: plan now, the runs with the steps each allows (approve,
//! publish, repair), and the submitted requests of the cluster.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{OrPage, PageError, PageLang, back_to, render};
use crate::app::Service;
use crate::app::requests::RequestStatus;
use crate::compare::Change;
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, PageCaller};
use crate::store::RunSummary;

type Coordinator = PageCaller<COORDINATOR>;

#[derive(Template)]
#[template(path = "coordinator.html")]
struct CoordinatorPage<'a> {
    lang: Lang,
    title: &'a str,
    runs: Vec<RunSummary>,
    /// The cluster's submitted requests (left out if they cannot be read).
    requests: Option<Vec<RequestStatus>>,
}

#[derive(Template)]
#[template(path = "repair.html")]
struct RepairPage<'a> {
    lang: Lang,
    title: &'a str,
    /// The new run.
    id: i64,
    /// The run it repairs.
    repairs: i64,
    changes: Vec<Change>,
}

pub async fn page(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<Response, PageError> {
    let runs = state.runs(&c.who).await.or_page(c.lang)?;
    let requests = state
        .request_statuses(|a| state.coordinator_sees(&c.who, a), c.lang)
        .await
        .ok();
    Ok(render(
        StatusCode::OK,
        &CoordinatorPage {
            lang: c.lang,
            title: c.lang.pick("Koordinator", "Coordinator"),
            runs,
            requests,
        },
    ))
}

pub async fn plan(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<Response, PageError> {
    state.plan_now(&c.who).await.or_page(c.lang)?;
    Ok(back_to("/coordinator", c.lang).into_response())
}

pub async fn approve(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state.approve(&c.who, id).await.or_page(c.lang)?;
    Ok(back_to("/coordinator", c.lang).into_response())
}

pub async fn publish(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state.publish(&c.who, id).await.or_page(c.lang)?;
    Ok(back_to("/coordinator", c.lang).into_response())
}

/// Repairs a run and shows what changed.
pub async fn repair(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let repaired = state.repair_now(&c.who, id).await.or_page(c.lang)?;
    Ok(render(
        StatusCode::OK,
        &RepairPage {
            lang: c.lang,
            title: c.lang.pick("Reparasjon", "Repair"),
            id: repaired.id,
            repairs: id,
            changes: repaired.changes,
        },
    ))
}
