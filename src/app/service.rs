//! The service's use cases: what `klynge serve` does for coordinators, associations and
//! instructors, over one store and the cluster's base data. The web layer authenticates,
//! calls one method here and renders; it holds no logic of its own.

use std::sync::Arc;

use crate::i18n::Lang;
use crate::model::{Dataset, Session, validate};
use crate::plan::{Answers, Params, SolverKind};
use crate::store::{Principal, Store};

use super::error::{AppError, Result};
use super::plan::{Progress, no_progress, plan_checked_blocking, save};
use super::repair::{RepairInput, Repaired, repair};
use super::requests::{
    FieldError, RequestStatus, Submission, check_submission, invalid_status, status_of,
};
pub use super::views::ics_stamp;
use super::views::staffing;

pub struct Service {
    pub store: Store,
    /// The cluster's current data as last read from the store: associations, instructors
    /// (and any requests already in the dataset); submitted requests are added to it for
    /// each plan. Read again whenever the store's current data has changed (an import or
    /// an edit, by this process or another one sharing the database).
    base: std::sync::RwLock<Base>,
    /// One plan at a time; submissions go on meanwhile and wait for the next plan.
    planning: tokio::sync::Mutex<()>,
    /// One change to the current data at a time in this process (other processes are
    /// caught by the store's compare-and-set, and the change is applied again).
    pub(super) editing: tokio::sync::Mutex<()>,
    /// Time limit for plans started from the service, seconds.
    pub time_limit_s: f64,
    /// Wakes this process's worker when a job is queued here (others poll: `app::jobs`).
    pub(super) job_queued: tokio::sync::Notify,
    /// The day submissions are checked against (no course in the past, none beyond a
    /// year); `None`: the clock's day. Tests fix it so that their dates stay valid.
    pub today: Option<chrono::NaiveDate>,
}

/// What an answer did: the answer recorded, and for a decline the repair proposal made,
/// or why none could be made (the answers conflict; nothing was stored).
#[derive(Debug)]
pub struct Answered {
    pub answer: &'static str,
    pub repair_run: Option<i64>,
    pub repair_problem: Option<AppError>,
}

/// An assignment as its instructor sees it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
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

/// The current data and the hash it is stored under (`None`: nothing imported yet).
#[derive(Default)]
struct Base {
    hash: Option<String>,
    data: Arc<Dataset>,
}

impl Service {
    /// The service over the current data in `store` (an empty cluster when nothing has
    /// been imported yet).
    pub async fn open(store: Store, time_limit_s: f64) -> Result<Service> {
        let service = Service {
            store,
            base: std::sync::RwLock::new(Base::default()),
            planning: tokio::sync::Mutex::new(()),
            editing: tokio::sync::Mutex::new(()),
            time_limit_s,
            job_queued: tokio::sync::Notify::new(),
            today: None,
        };
        service.refresh().await?;
        Ok(service)
    }

    /// The cluster's current data, as last read (see `refresh`).
    pub fn base(&self) -> Arc<Dataset> {
        // A poisoned lock only means a panic elsewhere while swapping an Arc: the value
        // inside is still whole.
        let base = self.base.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(&base.data)
    }

    /// Reads the current data again if the store's has changed since (one small query
    /// when it has not); returns it. Called as each caller is identified, so that every
    /// request sees the data as it is.
    pub async fn refresh(&self) -> Result<Arc<Dataset>> {
        let hash = self.store.current_data_hash().await?;
        let cached = self
            .base
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .hash
            .clone();
        if hash.is_none() || hash == cached {
            return Ok(self.base());
        }
        let data = Arc::new(
            self.store
                .current_data()
                .await?
                .map(|(ds, _)| ds)
                .unwrap_or_default(),
        );
        let mut base = self.base.write().unwrap_or_else(|e| e.into_inner());
        *base = Base {
            hash,
            data: Arc::clone(&data),
        };
        Ok(data)
    }

    /// Whether a coordinator may see an association: `*` sees all, a hub's coordinator
    /// the associations of its cluster (and the hub itself).
    pub fn coordinator_sees(&self, who: &Principal, association: &str) -> bool {
        who.subject == "*"
            || who.subject == association
            || self
                .base()
                .association(association)
                .is_some_and(|a| a.cluster.as_deref() == Some(who.subject.as_str()))
    }

    /// The base dataset plus every submitted request that is not withdrawn and still
    /// valid. What was stored is not trusted: a request that no longer passes validation
    /// (stored by an older version, or against data that changed since) is left out with
    /// a warning on standard error, and shown to its association as invalid — one bad
    /// request never stops the plan for everyone.
    pub async fn current_dataset(&self) -> Result<Dataset> {
        let base = self.refresh().await?;
        let mut ds = (*base).clone();
        for live in self.store.live_requests(None).await? {
            if live.withdrawn {
                continue;
            }
            if stored_problems(&base, &live.request).is_empty() {
                ds.requests.push(live.request);
            } else {
                // Only the request's id: no personal data goes to the log.
                eprintln!(
                    "klynge: request {} is not valid any more and is left out of the plan",
                    live.request.id
                );
            }
        }
        Ok(ds)
    }

    /// Plans the requests of `who`'s cluster (all of them for a coordinator of all
    /// clusters) now, one plan at a time, and stores the run.
    pub async fn plan_now(&self, who: &Principal) -> Result<i64> {
        self.plan_now_with(who, no_progress()).await
    }

    /// `plan_now`, telling `progress` as parts of the plan finish (the worker's, `app::jobs`).
    pub(super) async fn plan_now_with(&self, who: &Principal, progress: Progress) -> Result<i64> {
        let _one_at_a_time = self.planning.lock().await;
        let mut ds = self.valid_current_dataset().await?;
        ds.requests
            .retain(|r| self.coordinator_sees(who, &r.association));
        let params = self.params().await?;
        let planned = plan_checked_blocking(ds, params, SolverKind::Milp, progress).await?;
        save(&self.store, "service", "service", &planned).await
    }

    /// A coordinator repairs run `id` (of their cluster) against the current data.
    pub async fn repair_now(&self, who: &Principal, id: i64) -> Result<Repaired> {
        let run = self.run_for(who, id).await?;
        self.repair_run(&run, no_progress()).await
    }

    /// Repairs `run` against the current data of the associations it plans for: its
    /// confirmed (accepted) assignments are pinned, declined ones stay out, and the fewest
    /// changes are made (stage 2). The proposal replaces any earlier proposal for the same
    /// run that is still pending, so that declines arriving one after another make one
    /// proposal, not one each.
    pub(super) async fn repair_run(
        &self,
        run: &crate::run::Run,
        progress: Progress,
    ) -> Result<Repaired> {
        let _one_at_a_time = self.planning.lock().await;
        let scope: std::collections::BTreeSet<&str> = run
            .dataset
            .requests
            .iter()
            .map(|r| r.association.as_str())
            .collect();
        let mut ds = self.valid_current_dataset().await?;
        ds.requests
            .retain(|r| scope.contains(r.association.as_str()));
        let id = run.summary.id;
        let scenario = format!("service-repair-of-{id}");
        let input = RepairInput {
            dataset: Some(ds),
            params: Some(self.params().await?),
            scenario: scenario.clone(),
            dataset_name: Some("service".into()),
        };
        self.store.supersede_proposals(&scenario).await?;
        repair(&self.store, id, input, progress).await
    }

    /// The service's parameters, with every answer given so far: answers are law in
    /// every plan and repair.
    async fn params(&self) -> Result<Params> {
        Ok(Params {
            time_limit_s: self.time_limit_s,
            answers: Answers::from_map(&self.store.answers(None).await?),
            ..Params::default()
        })
    }

    async fn valid_current_dataset(&self) -> Result<Dataset> {
        let ds = self.current_dataset().await?;
        match validate(&ds).first() {
            Some(p) => Err(AppError::InvalidCurrentData(p.to_string())),
            None => Ok(ds),
        }
    }

    /// Submits a request for `association` (already authorised by the caller); nothing is
    /// stored unless every field is valid. Returns the new request's id.
    pub async fn submit(
        &self,
        by: &Principal,
        association: &str,
        s: &Submission,
        lang: Lang,
    ) -> Result<String> {
        let base = self.refresh().await?;
        let request = check_submission(&base, association, s, lang).map_err(AppError::Fields)?;
        super::requests::check_dates(&request, self.today(), lang).map_err(AppError::Fields)?;
        let id = self.store.submit_request(&request, s.note.trim()).await?;
        self.store
            .audit(&super::lifecycle::actor(by), "submit", &id, association)
            .await?;
        Ok(id)
    }

    /// The day submissions are checked against: `today` when fixed, else the clock's.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// A request is required from coordinators: the field error that says so.
    pub fn association_required(lang: Lang) -> AppError {
        AppError::Fields(vec![FieldError {
            field: "association".into(),
            message: lang.pick("verdi mangler", "a value is required").into(),
        }])
    }

    /// The status of every submitted request whose association is `visible`, as the
    /// published rota has it (the newest run, marked as a proposal, before anything is
    /// published), with any newer proposal that would change it shown beside it.
    pub async fn request_statuses(
        &self,
        visible: impl Fn(&str) -> bool,
        lang: Lang,
    ) -> Result<Vec<RequestStatus>> {
        let views = self.views().await?;
        let answers = self.store.answers(None).await?;
        let base = self.base();
        Ok(self
            .store
            .live_requests(None)
            .await?
            .iter()
            .filter(|live| visible(&live.request.association))
            .map(|live| {
                let problems = stored_problems(&base, &live.request);
                if !problems.is_empty() && !live.withdrawn {
                    return invalid_status(live, &problems, lang);
                }
                let id = &live.request.id;
                let shown = views.shown_for(id);
                let mut st = status_of(live, shown, &answers, lang);
                // Refer to the registry as it is today (a coordinator may have added the
                // offer that fits since the run); the run's own referrals otherwise.
                if st.status == "uncovered" && !base.offers.is_empty() {
                    st.referrals = crate::plan::refer::referrals(&base, &live.request);
                }
                if let Some(p) = views.pending_for(id, shown)
                    && staffing(p, id) != shown.map(|s| staffing(s, id)).unwrap_or_default()
                    && !live.withdrawn
                {
                    st.pending = Some(
                        staffing(p, id)
                            .iter()
                            .map(|i| p.instructor_name(i))
                            .collect(),
                    );
                }
                st
            })
            .collect())
    }

    /// Withdraws a submitted request if its association is `visible` to the caller; a
    /// request that is not is reported as unknown, so that nothing leaks about it.
    pub async fn withdraw(
        &self,
        by: &Principal,
        id: &str,
        visible: impl Fn(&str) -> bool,
    ) -> Result<()> {
        let owner = self
            .store
            .live_requests(None)
            .await?
            .into_iter()
            .find(|l| l.request.id == id)
            .map(|l| l.request.association)
            .filter(|a| visible(a))
            .ok_or_else(|| AppError::UnknownRequest(id.to_owned()))?;
        if self.store.withdraw_request(id, &owner).await? {
            self.store
                .audit(&super::lifecycle::actor(by), "withdraw", id, &owner)
                .await?;
            Ok(())
        } else {
            Err(AppError::UnknownRequest(id.to_owned()))
        }
    }

    /// The assignments people see, for one instructor or (coordinators) for all: those of
    /// the published rota (of the newest proposal before anything is published), then
    /// those a newer proposal would add, marked with that run's status. Answers are the
    /// pair's newest, whatever run they were given on.
    pub async fn assignments_for(&self, instructor: Option<&str>) -> Result<Vec<AssignmentView>> {
        let views = self.views().await?;
        let answers = self.store.answers(None).await?;
        let mut out: Vec<AssignmentView> = Vec::new();
        let shown: Vec<&crate::run::Run> = if views.published.is_empty() {
            views.proposals.first().into_iter().collect()
        } else {
            views.published.iter().collect()
        };
        let pending = if views.published.is_empty() {
            None
        } else {
            views.proposals.first()
        };
        for run in shown.into_iter().chain(pending) {
            for a in run
                .assignments
                .iter()
                .filter(|a| instructor.is_none_or(|i| a.instructor == i))
            {
                if out
                    .iter()
                    .any(|v| v.request == a.request && v.instructor == a.instructor)
                {
                    continue;
                }
                let Some(r) = run.dataset.requests.iter().find(|r| r.id == a.request) else {
                    continue;
                };
                out.push(AssignmentView {
                    run: run.summary.id,
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
                    sessions: r.part_sessions(a.part),
                    answer: answers
                        .get(&(a.request.clone(), a.instructor.clone()))
                        .cloned()
                        .unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    /// Records an instructor's answer (`accept` or `decline`) on their own assignment, on
    /// the published rota or on a proposal newer than it; an older run cannot be answered.
    /// The same answer twice is recorded once. A decline is repaired at once into a
    /// proposal with the fewest changes (replacing an earlier pending one for the same
    /// run); its id is returned.
    pub async fn record_answer(
        &self,
        run: i64,
        request: &str,
        instructor: &str,
        word: &str,
    ) -> Result<Answered> {
        let answer = match word {
            "accept" => "accepted",
            "decline" => "declined",
            _ => return Err(AppError::BadAnswer),
        };
        let status = self.store.run_status(run).await?;
        let published = self.store.latest_run(Some("published")).await?;
        let answerable = match status.as_str() {
            "published" => true,
            "proposed" | "approved" => published.is_none_or(|p| run > p),
            _ => false,
        };
        if !answerable {
            return Err(AppError::NotAnswerable(run));
        }
        let before = self
            .store
            .responses(run)
            .await?
            .get(&(request.to_owned(), instructor.to_owned()))
            .cloned();
        if before.as_deref() == Some(answer) {
            return Ok(Answered {
                answer,
                repair_run: None,
                repair_problem: None,
            });
        }
        if !self.store.respond(run, request, instructor, answer).await? {
            return Err(AppError::NoSuchAssignment);
        }
        self.store
            .audit(
                &format!("instructor:{instructor}"),
                "answer",
                &format!("run {run}"),
                &format!("{request} {answer}"),
            )
            .await?;
        let mut answered = Answered {
            answer,
            repair_run: None,
            repair_problem: None,
        };
        if answer == "declined" {
            let run = self.store.run(run).await?;
            // The answer stands whatever the repair finds: when the answers cannot all be
            // kept, nothing is stored and the coordinator is told why.
            match self.repair_run(&run, no_progress()).await {
                Ok(r) => answered.repair_run = Some(r.id),
                Err(e @ AppError::Answers(_)) => answered.repair_problem = Some(e),
                Err(e) => return Err(e),
            }
        }
        Ok(answered)
    }

    /// A new calendar-feed secret for an instructor (the old one stops working).
    pub async fn new_feed(&self, instructor: &str) -> Result<String> {
        Ok(self.store.rotate_feed(instructor).await?)
    }
}

/// What is wrong with a stored request against today's base data (nothing: it plans).
fn stored_problems(base: &Dataset, request: &crate::model::Request) -> Vec<crate::model::Problem> {
    validate(&Dataset {
        associations: base.associations.clone(),
        requests: vec![request.clone()],
        ..Dataset::default()
    })
}
