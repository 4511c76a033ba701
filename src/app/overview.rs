//! What is on offer in one municipality in the coming weeks (issue 13, part 2), for anyone:
//! klynge's published courses there and the other offers of the registry. Public, so it
//! holds only what is published and public — associations, topics, languages, times and
//! places, and the offers' own contact details — never an instructor.

use chrono::NaiveDate;
use serde::Serialize;

use crate::export::{Event, calendar, session_uid};
use crate::i18n::Lang;
use crate::model::{OfferKind, Session};

use super::error::Result;
use super::service::Service;

/// A published course in the municipality, with its sessions in the period.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicCourse {
    /// The request's id (no personal data; it keeps calendar events stable).
    pub request: String,
    pub association: String,
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
    pub provider: String,
    #[schema(value_type = String)]
    pub kind: OfferKind,
    pub topics: Vec<String>,
    pub languages: Vec<String>,
    pub when: String,
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
                provider: o.provider.clone(),
                kind: o.kind,
                topics: o.topics.clone(),
                languages: o.languages.clone(),
                when: o.when.clone(),
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

impl Overview {
    /// The published courses as iCalendar, one event per session (the other offers have
    /// their times in words, so they stay on the page). Never an instructor: the calendar
    /// is public.
    pub fn to_ics(&self, lang: Lang, stamp: &str) -> String {
        let events: Vec<Event> = self
            .courses
            .iter()
            .flat_map(|c| {
                c.sessions.iter().map(move |s| Event {
                    // Not the rota's UID: a phone may hold both calendars.
                    uid: session_uid(&format!("public-{}", c.request), s.date, s.start),
                    date: s.date,
                    start: s.start,
                    end: s.end,
                    summary: format!("{} ({}) – {}", c.topic, c.language, c.association),
                    location: format!("{}, {}", c.association, self.municipality),
                    geo: Some((c.lat, c.lon)),
                    description: lang
                        .pick(
                            "Kurs fra seniornettforeningen. Spør foreningen om påmelding.",
                            "A course by the seniors' association. Ask the association about signing up.",
                        )
                        .to_owned(),
                })
            })
            .collect();
        let name = match lang {
            Lang::Nb => format!("Digital hjelp i {}", self.municipality),
            Lang::En => format!("Digital help in {}", self.municipality),
        };
        calendar(&name, &events, stamp)
    }
}
