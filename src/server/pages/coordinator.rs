//! The coordinator's page: plan now, the runs with the steps each allows (approve,
//! publish, repair), and the submitted requests of the cluster. Plan now and repair queue
//! a job and go to its page, which follows it until the run is there.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::frame::{Done, Frame};
use super::{OrPage, PageError, PageLang, back_to, done_to, render, show};
use crate::app::Service;
use crate::app::jobs::JobView;
use crate::app::requests::RequestStatus;
use crate::i18n::Lang;
use crate::server::auth::{COORDINATOR, PageCaller};
use crate::store::RunSummary;

type Coordinator = PageCaller<COORDINATOR>;

#[derive(Template)]
#[template(path = "coordinator.html")]
struct CoordinatorPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    runs: Vec<RunSummary>,
    /// The cluster's submitted requests (left out if they cannot be read).
    requests: Option<Vec<RequestStatus>>,
}

/// A queued plan or repair: where it stands, then its run or why it failed.
#[derive(Template)]
#[template(path = "job.html")]
struct JobPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    job: JobView,
}

impl CoordinatorPage<'_> {
    fn status(&self, s: &str) -> String {
        show::run_status(s, self.lang)
    }
    fn km(&self, km: &f64) -> String {
        show::number(*km, 0, self.lang)
    }
    fn when(&self, t: &str) -> String {
        show::date_text(t, self.lang)
    }
}

pub async fn page(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    done: Done,
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
            frame: Frame::of(&state, &c.who, c.lang, "/coordinator").flash(&done, c.lang),
            runs,
            requests,
        },
    ))
}

pub async fn plan(
    State(state): State<Arc<Service>>,
    c: Coordinator,
) -> Result<Response, PageError> {
    let job = state.enqueue_plan(&c.who).await.or_page(c.lang)?;
    Ok(back_to(&format!("/coordinator/jobs/{job}"), c.lang).into_response())
}

pub async fn approve(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state.approve(&c.who, id).await.or_page(c.lang)?;
    Ok(done_to(&format!("/coordinator#run-{id}"), c.lang, "approved").into_response())
}

pub async fn publish(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state.publish(&c.who, id).await.or_page(c.lang)?;
    Ok(done_to(&format!("/coordinator#run-{id}"), c.lang, "published").into_response())
}

/// Queues a repair of a run and goes to the job's page.
pub async fn repair(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let job = state.enqueue_repair(&c.who, id).await.or_page(c.lang)?;
    Ok(back_to(&format!("/coordinator/jobs/{job}"), c.lang).into_response())
}

/// A job's page: it refreshes itself while the job is queued or running.
pub async fn job(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
    done: Done,
) -> Result<Response, PageError> {
    let job = state.job(&c.who, id, c.lang).await.or_page(c.lang)?;
    let title = match job.repairs {
        Some(_) => c.lang.pick("Reparasjon", "Repair"),
        None => c.lang.pick("Planlegging", "Planning"),
    };
    Ok(render(
        StatusCode::OK,
        &JobPage {
            lang: c.lang,
            title,
            frame: Frame::of(&state, &c.who, c.lang, &format!("/coordinator/jobs/{id}"))
                .flash(&done, c.lang),
            job,
        },
    ))
}

/// Queues a failed job again and goes back to its page.
pub async fn retry(
    State(state): State<Arc<Service>>,
    c: Coordinator,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state.retry_job(&c.who, id).await.or_page(c.lang)?;
    Ok(done_to(&format!("/coordinator/jobs/{id}"), c.lang, "retried").into_response())
}
