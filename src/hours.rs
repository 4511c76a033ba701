//! Taught hours for the study association (issue 13, part 5): per course, association and
//! topic, in teaching hours (45 minutes by default) and clock hours, with the instructors
//! of each course, and a flag on courses shorter than the study association's minimum.
//!
//! A course counts when the run covers it (at least one instructor assigned); its sessions
//! inside the period (both days included) are summed. The minimum-length flag looks at the
//! whole course, not only the part inside the period: a study association judges a course
//! by its length, whatever month it is reported in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::run::Run;

/// How hours are counted.
#[derive(Clone, Debug, PartialEq)]
pub struct HoursRules {
    /// Minutes in one teaching hour (45 in Norwegian adult education).
    pub teaching_minutes: u32,
    /// Courses shorter than this many teaching hours are flagged.
    pub min_teaching_hours: f64,
    /// Only sessions on or after this day.
    pub from: Option<NaiveDate>,
    /// Only sessions on or before this day.
    pub to: Option<NaiveDate>,
}

impl Default for HoursRules {
    fn default() -> Self {
        HoursRules {
            teaching_minutes: 45,
            min_teaching_hours: 8.0,
            from: None,
            to: None,
        }
    }
}

/// One covered course.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CourseHours {
    pub run: i64,
    pub request: String,
    pub association: String,
    pub association_name: String,
    pub topic: String,
    pub language: String,
    /// Sessions inside the period.
    pub sessions: usize,
    /// Their minutes: sums are made of these, so that totals are not sums of roundings.
    pub minutes: u32,
    pub clock_hours: f64,
    pub teaching_hours: f64,
    /// The whole course's length in teaching hours (what the minimum is judged by).
    pub course_teaching_hours: f64,
    pub below_minimum: bool,
    /// The instructors' names.
    pub instructors: Vec<String>,
}

/// A sum over courses (per association or per topic).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HoursTotal {
    pub key: String,
    pub name: String,
    pub courses: usize,
    pub sessions: usize,
    pub minutes: u32,
    pub clock_hours: f64,
    pub teaching_hours: f64,
}

/// The hours of one or more runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Hours {
    pub courses: Vec<CourseHours>,
    pub by_association: Vec<HoursTotal>,
    pub by_topic: Vec<HoursTotal>,
    pub total: HoursTotal,
}

/// The taught hours of `runs` (e.g. every published run) under `rules`. A course that
/// several runs cover counts once, from the first run that covers it.
pub fn hours(runs: &[Run], rules: &HoursRules) -> Hours {
    let teaching = |minutes: u32| f64::from(minutes) / f64::from(rules.teaching_minutes.max(1));
    let inside =
        |d: NaiveDate| rules.from.is_none_or(|f| d >= f) && rules.to.is_none_or(|t| d <= t);
    let mut out = Hours::default();
    for run in runs {
        for r in &run.dataset.requests {
            if out.courses.iter().any(|c| c.request == r.id) {
                continue;
            }
            let mut instructors: Vec<String> = run
                .assignments
                .iter()
                .filter(|a| a.request == r.id)
                .map(|a| {
                    run.dataset
                        .instructors
                        .iter()
                        .find(|i| i.id == a.instructor)
                        .map_or_else(|| a.instructor.clone(), |i| i.name.clone())
                })
                .collect();
            if instructors.is_empty() {
                continue;
            }
            instructors.sort();
            instructors.dedup();
            // The sessions someone taught: all of a course; of a drop-in or guidance, the
            // sessions staffed.
            let mut sessions: Vec<crate::model::Session> = Vec::new();
            for a in run.assignments.iter().filter(|a| a.request == r.id) {
                for s in r.part_sessions(a.part) {
                    if !sessions.contains(&s) {
                        sessions.push(s);
                    }
                }
            }
            sessions.sort_by_key(|s| (s.date, s.start));
            let minutes = |s: &crate::model::Session| u32::from(s.end.0.saturating_sub(s.start.0));
            let course_minutes: u32 = sessions.iter().map(minutes).sum();
            let counted: Vec<_> = sessions.iter().filter(|s| inside(s.date)).collect();
            if counted.is_empty() {
                continue;
            }
            let period_minutes: u32 = counted.iter().map(|s| minutes(s)).sum();
            let course_teaching_hours = round1(teaching(course_minutes));
            out.courses.push(CourseHours {
                run: run.summary.id,
                request: r.id.clone(),
                association: r.association.clone(),
                association_name: run
                    .dataset
                    .association(&r.association)
                    .map_or_else(|| r.association.clone(), |a| a.name.clone()),
                topic: r.topic.clone(),
                language: r.language.clone(),
                sessions: counted.len(),
                minutes: period_minutes,
                clock_hours: round1(f64::from(period_minutes) / 60.0),
                teaching_hours: round1(teaching(period_minutes)),
                course_teaching_hours,
                below_minimum: course_teaching_hours < rules.min_teaching_hours,
                instructors,
            });
        }
    }
    out.courses
        .sort_by(|a, b| (&a.association_name, &a.request).cmp(&(&b.association_name, &b.request)));
    let unit = rules.teaching_minutes.max(1);
    out.by_association = totals(&out.courses, unit, |c| {
        (c.association.clone(), c.association_name.clone())
    });
    out.by_topic = totals(&out.courses, unit, |c| (c.topic.clone(), c.topic.clone()));
    out.total = out.courses.iter().fold(
        HoursTotal {
            key: "total".into(),
            ..HoursTotal::default()
        },
        |t, c| add(t, c, unit),
    );
    out
}

fn add(mut t: HoursTotal, c: &CourseHours, unit: u32) -> HoursTotal {
    t.courses += 1;
    t.sessions += c.sessions;
    t.minutes += c.minutes;
    t.clock_hours = round1(f64::from(t.minutes) / 60.0);
    t.teaching_hours = round1(f64::from(t.minutes) / f64::from(unit));
    t
}

fn totals(
    courses: &[CourseHours],
    unit: u32,
    key: impl Fn(&CourseHours) -> (String, String),
) -> Vec<HoursTotal> {
    let mut by: BTreeMap<String, HoursTotal> = BTreeMap::new();
    for c in courses {
        let (k, name) = key(c);
        let t = by.remove(&k).unwrap_or(HoursTotal {
            key: k.clone(),
            name,
            ..HoursTotal::default()
        });
        by.insert(k, add(t, c, unit));
    }
    by.into_values().collect()
}

/// One decimal, as the report shows it.
fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
