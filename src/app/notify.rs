//! What people are told when a run is published: one message per instructor and per
//! association whose part of the published rota changed, in their own language.
//!
//! The published rota people know is the union of the runs a publication supersedes; the
//! new run replaces it. So the change is `compare::diff` from their assignments to the new
//! run's, plus the courses that stayed with the same people but got new times. Unchanged
//! people get no message. Pure: the messages are computed before the publication and
//! written in its transaction (`Store::publish_run`).
//!
//! The texts are plain and kind: many readers are seniors who do not know what a "run" or
//! a "request" is, so a message names the association, the course's topic and every date.
//! They are written in `texts`; this file decides what changed for whom, and holds the
//! unit tests of both.

mod texts;

use std::collections::{BTreeMap, BTreeSet};

use crate::compare::{Change, diff};
use crate::model::{Association, Dataset, Instructor, Request};
use crate::plan::Assignment;
use crate::run::Run;
use crate::store::NewMessage;

use self::texts::{association_message, instructor_message};

/// The messages that publishing `new` in place of the published runs `old` leaves for
/// people: instructors first, then associations, each by id.
pub fn messages(new: &Run, old: &[Run]) -> Vec<NewMessage> {
    let view = View::new(new, old);
    let mut out = Vec::new();
    for (who, items) in view.instructor_changes() {
        let Some(person) = view.instructor(who) else {
            continue;
        };
        out.push(instructor_message(&view, person, &items));
    }
    for (who, items) in view.association_changes() {
        let Some(assoc) = view.association(who) else {
            continue;
        };
        out.push(association_message(&view, assoc, &items));
    }
    out
}

/// The old published rota and the new one, with the data to describe both.
struct View<'a> {
    /// The new run's input first, then the old runs' (newest first): a person or a course
    /// is described as the newest data has it.
    datasets: Vec<&'a Dataset>,
    old_assignments: Vec<Assignment>,
    new_assignments: &'a [Assignment],
    /// Request id → the old and the new course, where each exists.
    old_requests: BTreeMap<&'a str, &'a Request>,
    new_requests: BTreeMap<&'a str, &'a Request>,
}

/// One thing that changed for an instructor.
/// (For a drop-in or guidance, the part: the session concerned.)
enum ForInstructor<'a> {
    Added(&'a Request, Option<u32>),
    /// Same course and people, new times (or place).
    Moved(&'a Request, Option<u32>),
    Removed(&'a Request, Option<u32>),
}

/// One course of an association whose staffing or times changed.
enum ForAssociation<'a> {
    /// Who comes now, by part (empty: nobody yet).
    Staffed(&'a Request, Vec<(Option<u32>, &'a str)>),
    /// No longer in the published plan.
    Gone(&'a Request),
}

impl<'a> View<'a> {
    fn new(new: &'a Run, old: &'a [Run]) -> View<'a> {
        let mut olds: Vec<&Run> = old.iter().collect();
        olds.sort_by_key(|r| std::cmp::Reverse(r.summary.id));
        let mut datasets = vec![&new.dataset];
        datasets.extend(olds.iter().map(|r| &r.dataset));
        let mut old_requests = BTreeMap::new();
        for run in &olds {
            for r in &run.dataset.requests {
                old_requests.entry(r.id.as_str()).or_insert(r);
            }
        }
        View {
            datasets,
            old_assignments: olds
                .iter()
                .flat_map(|r| r.assignments.iter().cloned())
                .collect(),
            new_assignments: &new.assignments,
            old_requests,
            new_requests: new
                .dataset
                .requests
                .iter()
                .map(|r| (r.id.as_str(), r))
                .collect(),
        }
    }

    fn instructor(&self, id: &str) -> Option<&'a Instructor> {
        self.datasets
            .iter()
            .find_map(|d| d.instructors.iter().find(|i| i.id == id))
    }

    fn association(&self, id: &str) -> Option<&'a Association> {
        self.datasets.iter().find_map(|d| d.association(id))
    }

    /// The course as it is now, or as it was when it is gone.
    fn request(&self, id: &str) -> Option<&'a Request> {
        self.new_requests
            .get(id)
            .or_else(|| self.old_requests.get(id))
            .copied()
    }

    /// True when a course kept in the plan got other times or another place.
    fn moved(&self, id: &str) -> bool {
        match (self.old_requests.get(id), self.new_requests.get(id)) {
            (Some(a), Some(b)) => {
                a.all_sessions() != b.all_sessions()
                    || a.association != b.association
                    || (a.venue_lat, a.venue_lon) != (b.venue_lat, b.venue_lon)
                    || a.topic != b.topic
            }
            _ => false,
        }
    }

    fn instructor_changes(&self) -> BTreeMap<&'a str, Vec<ForInstructor<'a>>> {
        let mut out: BTreeMap<&str, Vec<ForInstructor>> = BTreeMap::new();
        let mut add = |who: &str, item: ForInstructor<'a>| {
            if let Some(person) = self.instructor(who) {
                out.entry(person.id.as_str()).or_default().push(item);
            }
        };
        for change in diff(&self.old_assignments, self.new_assignments) {
            let (before, after) = match &change {
                Change::Added { instructors, .. } => (&[][..], &instructors[..]),
                Change::Removed { instructors, .. } => (&instructors[..], &[][..]),
                Change::InstructorChanged { before, after, .. } => (&before[..], &after[..]),
            };
            let (request, part) = change.key();
            let Some(r) = self.request(request) else {
                continue;
            };
            for who in after.iter().filter(|i| !before.contains(i)) {
                add(who, ForInstructor::Added(r, part));
            }
            for who in before.iter().filter(|i| !after.contains(i)) {
                add(who, ForInstructor::Removed(r, part));
            }
        }
        // Kept with the same people, but at other times: those people are told too.
        let old: BTreeSet<(&str, Option<u32>, &str)> = self
            .old_assignments
            .iter()
            .map(|a| (a.request.as_str(), a.part, a.instructor.as_str()))
            .collect();
        for a in self.new_assignments {
            if old.contains(&(a.request.as_str(), a.part, a.instructor.as_str()))
                && self.moved(&a.request)
                && let Some(r) = self.new_requests.get(a.request.as_str())
            {
                add(&a.instructor, ForInstructor::Moved(r, a.part));
            }
        }
        out
    }

    /// Who staffs each course, for the courses a rota knows (uncovered ones: nobody).
    fn staffing<'b>(
        requests: &BTreeMap<&'b str, &'b Request>,
        assignments: &'b [Assignment],
    ) -> BTreeMap<&'b str, BTreeSet<(Option<u32>, &'b str)>> {
        let mut m: BTreeMap<&str, BTreeSet<(Option<u32>, &str)>> =
            requests.keys().map(|r| (*r, BTreeSet::new())).collect();
        for a in assignments {
            m.entry(a.request.as_str())
                .or_default()
                .insert((a.part, a.instructor.as_str()));
        }
        m
    }

    fn association_changes(&self) -> BTreeMap<&'a str, Vec<ForAssociation<'a>>> {
        let before = Self::staffing(&self.old_requests, &self.old_assignments);
        let after = Self::staffing(&self.new_requests, self.new_assignments);
        let ids: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
        let mut out: BTreeMap<&str, Vec<ForAssociation>> = BTreeMap::new();
        for id in ids {
            let (b, a) = (before.get(id), after.get(id));
            // A course first published uncovered is news too: nobody yet, the coordinator
            // follows up. One still uncovered in an unchanged form is not.
            let changed = b != a || self.moved(id);
            let Some(r) = self.request(id).filter(|_| changed) else {
                continue;
            };
            let item = match a {
                Some(staff) => ForAssociation::Staffed(r, staff.iter().copied().collect()),
                None => ForAssociation::Gone(r),
            };
            out.entry(r.association.as_str()).or_default().push(item);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::texts::join;
    use super::*;
    use crate::i18n::Lang;
    use crate::model::{AssociationKind, Series};
    use crate::run::RunSummary;

    fn assoc(id: &str, kind: AssociationKind, lang: Option<&str>) -> Association {
        Association {
            id: id.into(),
            name: format!("Seniornett {id}"),
            kind,
            lat: 63.4,
            lon: 10.4,
            municipality: String::new(),
            opt_in: true,
            cluster: (kind == AssociationKind::Small).then(|| "hub".into()),
            lends: true,
            lend_cap_sessions: None,
            email: Some(format!("{id}@example.org")),
            lang: lang.map(str::to_owned),
            origin: Default::default(),
        }
    }

    fn person(id: &str, lang: Option<&str>, email: bool) -> Instructor {
        Instructor {
            id: id.into(),
            name: format!("Person {id}"),
            association: "hub".into(),
            lat: None,
            lon: None,
            topics: vec!["epost".into()],
            languages: vec!["nb".into()],
            willing_languages: Vec::new(),
            max_km: 100.0,
            max_minutes: None,
            max_sessions_per_week: 3,
            max_sessions_total: None,
            max_hours_per_week: None,
            availability: vec![],
            blackouts: vec![],
            email: email.then(|| format!("{id}@example.org")),
            lang: lang.map(str::to_owned),
            origin: Default::default(),
        }
    }

    fn request(id: &str, first: &str) -> Request {
        Request {
            id: id.into(),
            association: "small".into(),
            topic: "epost".into(),
            language: "nb".into(),
            instructors_needed: 1,
            format: Default::default(),
            slot_minutes: None,
            desks: None,
            priority: 3,
            series: Some(Series {
                first_date: first.parse().expect("date"),
                start: "10:00".parse().expect("time"),
                end: "12:00".parse().expect("time"),
                count: 2,
                interval_days: 7,
            }),
            sessions: vec![],
            venue_lat: None,
            venue_lon: None,
            origin: Default::default(),
        }
    }

    fn run(id: i64, requests: Vec<Request>, pairs: &[(&str, &str)]) -> Run {
        let dataset = Dataset {
            associations: vec![
                assoc("hub", AssociationKind::Hub, None),
                assoc("small", AssociationKind::Small, Some("en")),
            ],
            instructors: vec![
                person("i1", None, true),
                person("i2", Some("en"), true),
                person("i3", None, false),
            ],
            requests,
            travel: vec![],
            offers: vec![],
            places: vec![],
            network: vec![],
        };
        Run {
            summary: RunSummary {
                id,
                scenario: "t".into(),
                dataset: "t".into(),
                created_at: String::new(),
                status: "approved".into(),
                solver: "milp".into(),
                figures: Default::default(),
            },
            dataset,
            params: Default::default(),
            cluster_mode: crate::plan::ClusterMode::Fixed,
            assignments: pairs
                .iter()
                .map(|(r, i)| Assignment {
                    part: None,
                    request: (*r).into(),
                    instructor: (*i).into(),
                    km: 1.0,
                    minutes: 1,
                })
                .collect(),
            uncovered: vec![],
            stages: vec![],
        }
    }

    fn to(msgs: &[NewMessage], who: &str) -> Option<NewMessage> {
        msgs.iter().find(|m| m.recipient == who).cloned()
    }

    #[test]
    fn a_first_publication_tells_everyone_in_it_in_their_language() {
        let new = run(
            1,
            vec![request("r1", "2027-01-12"), request("r2", "2027-01-13")],
            &[("r1", "i1")],
        );
        let msgs = messages(&new, &[]);
        let i1 = to(&msgs, "i1").expect("i1 is told");
        assert_eq!(i1.lang, "nb");
        assert_eq!(i1.address.as_deref(), Some("i1@example.org"));
        assert!(
            i1.body
                .contains("Du er satt opp på «epost» hos Seniornett small:"),
            "{}",
            i1.body
        );
        assert!(
            i1.body.contains("tirsdag 12. januar 2027 kl. 10:00–12:00"),
            "{}",
            i1.body
        );
        assert!(i1.body.contains("tirsdag 19. januar 2027"), "{}", i1.body);
        assert!(
            i1.body.contains("koordinatoren i Seniornett hub"),
            "{}",
            i1.body
        );
        // Unused instructors hear nothing.
        assert!(to(&msgs, "i2").is_none() && to(&msgs, "i3").is_none());
        // The association (English) hears who comes and that r2 has nobody yet.
        let small = to(&msgs, "small").expect("the association is told");
        assert_eq!(small.lang, "en");
        assert!(
            small.body.contains("\"epost\": Person i1 is coming:"),
            "{}",
            small.body
        );
        assert!(
            small
                .body
                .contains("Tuesday 12 January 2027 at 10:00–12:00"),
            "{}",
            small.body
        );
        assert!(
            small.body.contains("not found an instructor yet"),
            "{}",
            small.body
        );
        assert!(to(&msgs, "hub").is_none(), "the hub requested nothing");
    }

    #[test]
    fn a_repair_tells_only_the_people_it_changes() {
        let reqs = || vec![request("r1", "2027-01-12"), request("r2", "2027-01-13")];
        let old = run(1, reqs(), &[("r1", "i1"), ("r2", "i3")]);
        // r2 moves from i3 to i2; r1 stays with i1.
        let new = run(2, reqs(), &[("r1", "i1"), ("r2", "i2")]);
        let msgs = messages(&new, &[old]);
        assert!(to(&msgs, "i1").is_none(), "i1 is unchanged");
        let i2 = to(&msgs, "i2").expect("i2 is told");
        assert!(
            i2.body.contains("You are scheduled for \"epost\""),
            "{}",
            i2.body
        );
        assert!(i2.body.contains("Wednesday 13 January 2027"), "{}", i2.body);
        let i3 = to(&msgs, "i3").expect("i3 is told");
        assert_eq!(i3.address, None, "recorded, never sent");
        assert!(
            i3.body.contains("er tatt bort fra planen din"),
            "{}",
            i3.body
        );
        let small = to(&msgs, "small").expect("the association is told");
        assert!(small.body.contains("Person i2 is coming"), "{}", small.body);
        assert!(
            !small.body.contains("Person i1"),
            "only what changed: {}",
            small.body
        );
    }

    #[test]
    fn new_times_for_the_same_people_are_told_and_nothing_else_is() {
        let old = run(1, vec![request("r1", "2027-01-12")], &[("r1", "i1")]);
        let same = run(2, vec![request("r1", "2027-01-12")], &[("r1", "i1")]);
        assert!(messages(&same, std::slice::from_ref(&old)).is_empty());
        let moved = run(3, vec![request("r1", "2027-01-14")], &[("r1", "i1")]);
        let msgs = messages(&moved, &[old]);
        let i1 = to(&msgs, "i1").expect("i1 is told");
        assert!(i1.body.contains("har fått nye tider"), "{}", i1.body);
        assert!(i1.body.contains("torsdag 14. januar 2027"), "{}", i1.body);
        assert!(to(&msgs, "small").is_some());
    }

    #[test]
    fn names_are_joined_as_people_write_them() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join(Lang::Nb, &n(&["Kari", "Ola"])), "Kari og Ola");
        assert_eq!(join(Lang::En, &n(&["A", "B", "C"])), "A, B and C");
    }
}
