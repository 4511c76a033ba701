//! Calendars that phones keep up to date: an instructor's feed, a run's rota as iCalendar,
//! and the version of every event, read off the publications in order. An event whose
//! instructors, end or place changed between two publications gets a higher SEQUENCE and
//! a later LAST-MODIFIED, so a subscribed phone replaces its copy; an unchanged event keeps
//! both, and every UID stays what it was.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::export::{Revisions, Rota, rota_calendar, rota_events, session_uid};
use crate::i18n::Lang;
use crate::model::Hm;
use crate::run::Run;
use crate::store::Store;

use super::error::Result;
use super::service::Service;
use super::views::{FALLBACK_STAMP, ics_stamp};

/// One publication: when (UTC, `YYYYMMDDTHHMMSSZ`) and the run published.
pub(super) struct Publication {
    pub(super) at: String,
    pub(super) run: Run,
}

/// Every publication so far, oldest first (superseded runs included: they were published).
pub(super) async fn publications(store: &Store) -> Result<Vec<Publication>> {
    let mut out = Vec::new();
    for (id, at) in store.publications().await? {
        out.push(Publication {
            at: ics_stamp(&at),
            run: store.run(id).await?,
        });
    }
    Ok(out)
}

/// The UID of a session in the public overview: not the rota's, since a phone may hold both.
pub(super) fn public_uid(request: &str, date: NaiveDate, start: Hm) -> String {
    session_uid(&format!("public-{request}"), date, start)
}

/// The revisions of the events over `history`: of the rota's events, or (`public`) of the
/// public overview's, which name no instructor and so do not change with one.
pub(super) fn revisions(history: &[Publication], public: bool) -> Revisions {
    let mut revisions = Revisions::default();
    for p in history {
        let rota = Rota::new(
            p.run.summary.id,
            &p.run.dataset,
            &p.run.assignments,
            &[],
            Lang::Nb,
        );
        let plans: BTreeSet<&str> = p
            .run
            .dataset
            .requests
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        let events = rota_events(&rota).into_iter().map(|e| {
            let uid = if public {
                public_uid(&e.request, e.date, e.start)
            } else {
                e.uid.clone()
            };
            let content = e.content(!public);
            (uid, e.request, content)
        });
        revisions.publish(&p.at, |r| plans.contains(r), events);
    }
    revisions
}

/// A run's rota as iCalendar: everyone's, one association's, or one instructor's (only
/// their sessions, each naming who teaches with them). Each event carries its version as of
/// the run's publication; a run not published is shown as its publication would show it
/// now.
pub async fn run_calendar(
    store: &Store,
    run: &Run,
    instructor: Option<&str>,
    association: Option<&str>,
    lang: Lang,
) -> Result<String> {
    let id = run.summary.id;
    let mut history = publications(store).await?;
    let at = match history.iter().position(|p| p.run.summary.id == id) {
        Some(k) => {
            history.truncate(k + 1);
            history[k].at.clone()
        }
        None => {
            let created = ics_stamp(&run.summary.created_at);
            let at = history
                .last()
                .map_or(created.clone(), |p| p.at.clone().max(created));
            history.push(Publication {
                at: at.clone(),
                run: run.clone(),
            });
            at
        }
    };
    let revisions = revisions(&history, false);
    // The whole rota, so that an instructor's events name the others who teach them.
    let rota = Rota::new(id, &run.dataset, &run.assignments, &[], lang).filter(None, association);
    Ok(rota_calendar(
        &format!("klynge {id}"),
        &rota_events(&rota),
        instructor,
        &revisions,
        &at,
        lang,
    ))
}

impl Service {
    /// The published rota of the owner of a feed secret as iCalendar, in their language:
    /// their sessions of every published run (one per cluster, say), each naming who
    /// teaches it with them; `None` for an unknown secret.
    pub async fn calendar(&self, secret: &str) -> Result<Option<String>> {
        let Some(instructor) = self.store.feed_owner(secret).await? else {
            return Ok(None);
        };
        let history = publications(&self.store).await?;
        let revisions = revisions(&history, false);
        // Newest first: the name and language of the instructor as the newest data has them.
        let mut published: Vec<&Run> = history
            .iter()
            .map(|p| &p.run)
            .filter(|r| r.summary.status == "published")
            .collect();
        published.sort_by_key(|r| std::cmp::Reverse(r.summary.id));
        let me = published
            .iter()
            .find_map(|r| r.dataset.instructors.iter().find(|i| i.id == instructor));
        let lang = me
            .and_then(|i| i.lang.as_deref())
            .and_then(|l| l.parse::<Lang>().ok())
            .unwrap_or_default();
        let mut events = Vec::new();
        for run in &published {
            let rota = Rota::new(run.summary.id, &run.dataset, &run.assignments, &[], lang);
            events.extend(rota_events(&rota));
        }
        events.sort_by(|a, b| (a.date, a.start, &a.uid).cmp(&(b.date, b.start, &b.uid)));
        events.dedup_by(|a, b| a.uid == b.uid);
        let name = match me {
            Some(i) => format!("klynge – {}", i.name),
            None => "klynge".to_owned(),
        };
        let stamp = history
            .last()
            .map_or_else(|| FALLBACK_STAMP.to_owned(), |p| p.at.clone());
        Ok(Some(rota_calendar(
            &name,
            &events,
            Some(&instructor),
            &revisions,
            &stamp,
            lang,
        )))
    }
}
