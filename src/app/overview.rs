//! What is on offer in one municipality in the coming weeks (issue 13, part 2), for anyone:
//! klynge's published courses there and the other offers of the registry. Public, so it
//! holds only what is published and public — associations, topics, languages, times and
//! places, and the offers' own contact details — never an instructor.

use chrono::NaiveDate;
use serde::Serialize;

use crate::export::{Event, Revisions, calendar, session_uid};
use crate::i18n::Lang;
use crate::model::{OfferKind, OfferTime, Session};

use super::error::Result;
use super::service::Service;

/// A published course in the municipality, with its sessions in the period.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicCourse {
    /// The request's id (no personal data; it keeps calendar events stable).
    pub request: String,
    pub association: String,
    /// The association's municipality.
    pub municipality: String,
    /// Where the course is held: the association's place (or the request's venue).
    pub lat: f64,
    pub lon: f64,
    pub topic: String,
    pub language: String,
    pub sessions: Vec<Session>,
}

/// Another offer in the municipality.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicOffer {
    pub id: String,
    pub provider: String,
    #[schema(value_type = String)]
    pub kind: OfferKind,
    pub topics: Vec<String>,
    pub languages: Vec<String>,
    pub when: String,
    /// Its opening times as the registry writes them (`tue 12:00-14:00`).
    #[schema(value_type = Vec<String>)]
    pub times: Vec<OfferTime>,
    /// The days and hours it is open in the period, from `times`.
    pub open: Vec<Session>,
    pub lat: f64,
    pub lon: f64,
    pub contact: String,
    pub url: String,
}

/// Everything on offer in one municipality.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub municipality: String,
    #[schema(value_type = String)]
    pub from: NaiveDate,
    #[schema(value_type = String)]
    pub to: NaiveDate,
    pub courses: Vec<PublicCourse>,
    pub offers: Vec<PublicOffer>,
}

impl Service {
    /// The overview of `municipality` (any case) for `weeks` weeks from `from`.
    pub async fn overview(
        &self,
        municipality: &str,
        from: NaiveDate,
        weeks: u32,
    ) -> Result<Overview> {
        let wanted = municipality.trim().to_lowercase();
        let to = from + chrono::Duration::days(i64::from(weeks.clamp(1, 52)) * 7 - 1);
        let mut courses = Vec::new();
        let published = super::lifecycle::published_runs(&self.store).await?;
        for run in &published {
            for r in &run.dataset.requests {
                let Some(a) = run.dataset.association(&r.association) else {
                    continue;
                };
                if a.municipality.trim().to_lowercase() != wanted
                    || !run.assignments.iter().any(|x| x.request == r.id)
                    || courses.iter().any(|c: &(String, PublicCourse)| c.0 == r.id)
                {
                    continue;
                }
                let sessions: Vec<Session> = r
                    .all_sessions()
                    .into_iter()
                    .filter(|s| s.date >= from && s.date <= to)
                    .collect();
                if sessions.is_empty() {
                    continue;
                }
                let venue = run.dataset.venue_of(r).unwrap_or(a.location());
                courses.push((
                    r.id.clone(),
                    PublicCourse {
                        request: r.id.clone(),
                        association: a.name.clone(),
                        municipality: a.municipality.clone(),
                        lat: venue.lat,
                        lon: venue.lon,
                        topic: r.topic.clone(),
                        language: r.language.clone(),
                        sessions,
                    },
                ));
            }
        }
        let mut courses: Vec<PublicCourse> = courses.into_iter().map(|(_, c)| c).collect();
        courses.sort_by(|a, b| a.sessions[0].date.cmp(&b.sessions[0].date));
        // The registry is the current data's; without any (plans made straight from a
        // folder), the published runs' inputs, newest first.
        let current = self.refresh().await?;
        let mut registry: Vec<&crate::model::Offer> = current.offers.iter().collect();
        if registry.is_empty() {
            for run in &published {
                for o in &run.dataset.offers {
                    if !registry.iter().any(|x| x.id == o.id) {
                        registry.push(o);
                    }
                }
            }
        }
        let offers = registry
            .into_iter()
            .filter(|o| o.municipality.trim().to_lowercase() == wanted)
            .map(|o| PublicOffer {
                id: o.id.clone(),
                provider: o.provider.clone(),
                kind: o.kind,
                topics: o.topics.clone(),
                languages: o.languages.clone(),
                when: o.when.clone(),
                times: o.times.clone(),
                open: open_in(&o.times, from, to),
                lat: o.lat,
                lon: o.lon,
                contact: o.contact.clone(),
                url: o.url.clone(),
            })
            .collect();
        Ok(Overview {
            municipality: municipality.trim().to_owned(),
            from,
            to,
            courses,
            offers,
        })
    }
}

/// The days and hours `times` are open from `from` to `to`, in order.
fn open_in(times: &[OfferTime], from: NaiveDate, to: NaiveDate) -> Vec<Session> {
    let mut open: Vec<Session> = times
        .iter()
        .flat_map(|t| {
            t.days(from, to).into_iter().map(|date| Session {
                date,
                start: t.start,
                end: t.end,
                origin: crate::model::Origin::default(),
            })
        })
        .collect();
    open.sort_by_key(|s| (s.date, s.start));
    open.dedup();
    open
}

impl PublicOffer {
    /// When, as the page says it: the registry's words, else its opening times.
    pub fn when_text(&self, lang: Lang) -> String {
        if !self.when.is_empty() || self.times.is_empty() {
            return self.when.clone();
        }
        let times: Vec<String> = self.times.iter().map(|t| t.show(lang)).collect();
        times.join(", ")
    }
}

impl Service {
    /// An overview as iCalendar, each course's events with their version from the
    /// publications so far (over what the overview shows: a change of instructor is none).
    pub async fn overview_calendar(&self, overview: &Overview, lang: Lang) -> Result<String> {
        let history = super::calendar::publications(&self.store).await?;
        let revisions = super::calendar::revisions(&history, true);
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        Ok(overview.to_ics(lang, &stamp, &revisions))
    }
}

impl Overview {
    /// The published courses as iCalendar, one event per session, and the other offers'
    /// opening hours where the registry gives them to the minute. Never an instructor: the
    /// calendar is public. `revisions` are the courses' events' versions.
    pub fn to_ics(&self, lang: Lang, stamp: &str, revisions: &Revisions) -> String {
        let mut events: Vec<Event> = self
            .courses
            .iter()
            .flat_map(|c| {
                c.sessions.iter().map(move |s| {
                    let uid = super::calendar::public_uid(&c.request, s.date, s.start);
                    let (sequence, last_modified) = revisions.of(&uid);
                    Event {
                        uid,
                        date: s.date,
                        start: s.start,
                        end: s.end,
                        summary: format!("{} ({}) – {}", c.topic, c.language, c.association),
                        location: if c.municipality.trim().is_empty() {
                            c.association.clone()
                        } else {
                            format!("{}, {}", c.association, c.municipality)
                        },
                        geo: Some((c.lat, c.lon)),
                        description: lang
                            .pick(
                                "Kurs fra seniornettforeningen. Spør foreningen om påmelding.",
                                "A course by the seniors' association. Ask the association about signing up.",
                            )
                            .to_owned(),
                        sequence,
                        last_modified,
                    }
                })
            })
            .collect();
        events.extend(self.offers.iter().flat_map(|o| {
            o.open.iter().map(move |s| Event {
                uid: session_uid(&format!("offer-{}", o.id), s.date, s.start),
                date: s.date,
                start: s.start,
                end: s.end,
                summary: format!("{} – {}", o.kind.name(lang), o.provider),
                location: format!("{}, {}", o.provider, self.municipality),
                geo: Some((o.lat, o.lon)),
                description: [o.topics.join(", "), o.contact.clone(), o.url.clone()]
                    .into_iter()
                    .filter(|v| !v.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                // The registry keeps no history of its offers.
                sequence: 0,
                last_modified: None,
            })
        }));
        events.sort_by_key(|e| (e.date, e.start));
        let name = match lang {
            Lang::Nb => format!("Digital hjelp i {}", self.municipality),
            Lang::En => format!("Digital help in {}", self.municipality),
        };
        calendar(&name, &events, stamp)
    }
}
