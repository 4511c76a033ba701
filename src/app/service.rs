//! The service's use cases: what `klynge serve` does for coordinators, associations and
//! instructors, over one store and the cluster's base data. The web layer authenticates,
//! calls one method here and renders; it holds no logic of its own.

use crate::export::Rota;
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

pub struct Service {
    pub store: Store,
    /// The cluster's base data: associations, instructors (and any requests already in the
    /// dataset); submitted requests are added to it for each plan.
    pub base: Dataset,
    /// One plan at a time; submissions go on meanwhile and wait for the next plan.
    planning: tokio::sync::Mutex<()>,
    /// Time limit for plans started from the service, seconds.
    pub time_limit_s: f64,
    /// Wakes this process's worker when a job is queued here (others poll: `app::jobs`).
    pub(super) job_queued: tokio::sync::Notify,
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

impl Service {
    pub fn new(store: Store, base: Dataset, time_limit_s: f64) -> Service {
        Service {
            store,
            base,
            planning: tokio::sync::Mutex::new(()),
            time_limit_s,
            job_queued: tokio::sync::Notify::new(),
        }
    }

    /// Whether a coordinator may see an association: `*` sees all, a hub's coordinator
    /// the associations of its cluster (and the hub itself).
    pub fn coordinator_sees(&self, who: &Principal, association: &str) -> bool {
        who.subject == "*"
            || who.subject == association
            || self
                .base
                .association(association)
                .is_some_and(|a| a.cluster.as_deref() == Some(who.subject.as_str()))
    }

    /// The base dataset plus every submitted request that is not withdrawn and still
    /// valid. What was stored is not trusted: a request that no longer passes validation
    /// (stored by an older version, or against data that changed since) is left out with
    /// a warning on standard error, and shown to its association as invalid — one bad
    /// request never stops the plan for everyone.
    pub async fn current_dataset(&self) -> Result<Dataset> {
        let mut ds = self.base.clone();
        for live in self.store.live_requests(None).await? {
            if live.withdrawn {
                continue;
            }
            if stored_problems(&self.base, &live.request).is_empty() {
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
        self.repair(&run, no_progress()).await
    }

    /// Repairs `run` against the current data of the associations it plans for: its
    /// confirmed (accepted) assignments are pinned, declined ones stay out, and the fewest
    /// changes are made (stage 2). The proposal replaces any earlier proposal for the same
    /// run that is still pending, so that declines arriving one after another make one
    /// proposal, not one each.
    pub(super) async fn repair(
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
    pub async fn submit(&self, association: &str, s: &Submission, lang: Lang) -> Result<String> {
        let request =
            check_submission(&self.base, association, s, lang).map_err(AppError::Fields)?;
        Ok(self.store.submit_request(&request, s.note.trim()).await?)
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
        Ok(self
            .store
            .live_requests(None)
            .await?
            .iter()
            .filter(|live| visible(&live.request.association))
            .map(|live| {
                let problems = stored_problems(&self.base, &live.request);
                if !problems.is_empty() && !live.withdrawn {
                    return invalid_status(live, &problems, lang);
                }
                let id = &live.request.id;
                let shown = views.shown_for(id);
                let mut st = status_of(live, shown, &answers, lang);
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

    /// The runs people see: every published run (newest first), and the newer runs not yet
    /// published (proposals), newest first.
    async fn views(&self) -> Result<Views> {
        let mut published = Vec::new();
        let mut proposals = Vec::new();
        for summary in self.store.runs().await? {
            match summary.status.as_str() {
                "published" => published.push(self.store.run(summary.id).await?),
                "proposed" | "approved" => proposals.push(self.store.run(summary.id).await?),
                _ => {}
            }
        }
        let newest_published = published.iter().map(|r| r.summary.id).max().unwrap_or(0);
        proposals.retain(|r| r.summary.id > newest_published);
        Ok(Views {
            published,
            proposals,
        })
    }

    /// Withdraws a submitted request if its association is `visible` to the caller; a
    /// request that is not is reported as unknown, so that nothing leaks about it.
    pub async fn withdraw(&self, id: &str, visible: impl Fn(&str) -> bool) -> Result<()> {
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
                    sessions: r.all_sessions(),
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
            match self.repair(&run, no_progress()).await {
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

    /// The published rota of the owner of a feed secret, with its time stamp
    /// (iCalendar's DTSTAMP); `None` for an unknown secret.
    pub async fn calendar(&self, secret: &str) -> Result<Option<(Rota, String)>> {
        let Some(instructor) = self.store.feed_owner(secret).await? else {
            return Ok(None);
        };
        // Every published rota (one per cluster, say), this instructor's part of each.
        let views = self.views().await?;
        let mut rota = Rota {
            run: views.published.first().map_or(0, |r| r.summary.id),
            entries: Vec::new(),
            uncovered: Vec::new(),
        };
        for run in &views.published {
            let part = Rota::new(
                run.summary.id,
                &run.dataset,
                &run.assignments,
                &[],
                Lang::Nb,
            )
            .filter(Some(&instructor), None);
            rota.entries.extend(part.entries);
        }
        let stamp = views.published.first().map_or_else(
            || FALLBACK_STAMP.into(),
            |r| ics_stamp(&r.summary.created_at),
        );
        Ok(Some((rota, stamp)))
    }
}

/// The runs people see: the published ones and the newer proposals, newest first.
struct Views {
    published: Vec<crate::run::Run>,
    proposals: Vec<crate::run::Run>,
}

impl Views {
    /// The run whose rota a request's association sees: the newest published run that
    /// plans the request; before any is published, the newest proposal that does.
    fn shown_for(&self, request: &str) -> Option<&crate::run::Run> {
        let plans = |r: &&crate::run::Run| r.dataset.requests.iter().any(|x| x.id == request);
        self.published
            .iter()
            .find(plans)
            .or_else(|| self.proposals.iter().find(plans))
    }

    /// A newer proposal than `shown` that plans the request.
    fn pending_for(
        &self,
        request: &str,
        shown: Option<&crate::run::Run>,
    ) -> Option<&crate::run::Run> {
        let after = shown.map_or(0, |s| s.summary.id);
        self.proposals
            .iter()
            .find(|r| r.summary.id > after && r.dataset.requests.iter().any(|x| x.id == request))
    }
}

/// The instructors a run gives a request, sorted.
fn staffing(run: &crate::run::Run, request: &str) -> Vec<String> {
    let mut v: Vec<String> = run
        .assignments
        .iter()
        .filter(|a| a.request == request)
        .map(|a| a.instructor.clone())
        .collect();
    v.sort();
    v
}

/// What is wrong with a stored request against today's base data (nothing: it plans).
fn stored_problems(base: &Dataset, request: &crate::model::Request) -> Vec<crate::model::Problem> {
    validate(&Dataset {
        associations: base.associations.clone(),
        requests: vec![request.clone()],
        ..Dataset::default()
    })
}

const FALLBACK_STAMP: &str = "20270101T000000Z";

/// A stored RFC 3339 time as iCalendar's UTC stamp (`YYYYMMDDTHHMMSSZ`).
pub fn ics_stamp(created_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(created_at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y%m%dT%H%M%SZ")
                .to_string()
        })
        .unwrap_or_else(|_| FALLBACK_STAMP.into())
}
