//! Training advice on an instance whose best training is known by hand.

use klynge::app::advise::advise;
use klynge::plan::Skill;

fn topic(t: &str) -> Skill {
    Skill::Topic(t.into())
}

mod common;
use common::*;

/// r1: bankid, four Mondays, priority 5 (weight 20); nobody teaches bankid.
/// r3: nettbank, two Tuesdays, priority 2 (weight 4); nobody teaches nettbank.
/// r2: epost, one Monday afternoon, covered by i1.
/// i2 is free on Tuesdays only, so only i1 could take r1 after a bankid training: with room
/// for one training, the best is unique — i1 learns bankid.
async fn run() -> (tempfile::TempDir, klynge::run::Run) {
    let mut r1 = request("r1", "a", "2027-01-04", "10:00", "12:00", 4);
    r1.topic = "bankid".into();
    r1.priority = 5;
    let mut r3 = request("r3", "a", "2027-01-05", "10:00", "12:00", 2);
    r3.topic = "nettbank".into();
    r3.priority = 2;
    let mut r2 = request("r2", "a", "2027-01-04", "14:00", "16:00", 1);
    r2.priority = 1;
    let mut i2 = instructor("i2");
    i2.availability
        .retain(|s| s.weekday == chrono::Weekday::Tue);
    let ds = dataset(
        vec![small("a", 10.0)],
        vec![instructor("i1"), i2],
        vec![r1, r2, r3],
    );
    let (dir, run) = stored_run(&ds).await;
    assert_eq!(run.summary.figures.requests_covered, 1, "only r2 before");
    (dir, run)
}

#[tokio::test]
async fn one_training_the_unique_best_confirmed_by_planning_again() {
    let (_dir, run) = run().await;
    let a = advise(&run, 1, 20.0).expect("advice");
    let got: Vec<(&str, &Skill)> = a
        .trainings
        .iter()
        .map(|t| (t.instructor.as_str(), &t.skill))
        .collect();
    assert_eq!(got, [("i1", &topic("bankid"))]);
    assert_eq!(a.trainings[0].requests, ["r1"]);
    assert_eq!(a.trainings[0].sessions, 4);
    assert_eq!(a.newly_covered, ["r1"]);
    assert_eq!((a.requests_before, a.requests_after), (1, 2));
    assert!(
        (a.weighted_after - a.weighted_before - 20.0).abs() < 1e-6,
        "{a:?}"
    );
    assert!(a.proven_optimal);
    // Four candidates: i1 and i2 for each of the two topics.
    assert_eq!(a.candidates, 4);
}

#[tokio::test]
async fn two_trainings_cover_both_gaps() {
    let (_dir, run) = run().await;
    let a = advise(&run, 2, 20.0).expect("advice");
    let mut skills: Vec<&Skill> = a.trainings.iter().map(|t| &t.skill).collect();
    skills.sort();
    assert_eq!(skills, [&topic("bankid"), &topic("nettbank")]);
    assert_eq!(a.newly_covered, ["r1", "r3"]);
    assert_eq!(a.requests_after, 3);
    // Room for more changes nothing: a training that adds nothing is not advice.
    let more = advise(&run, 4, 20.0).expect("advice");
    assert_eq!(more.trainings.len(), 2, "{more:?}");
    assert_eq!(more.weighted_after, a.weighted_after);
}

#[tokio::test]
async fn no_training_helps_a_request_that_lacks_a_language() {
    let mut r = request("r1", "a", "2027-01-04", "10:00", "12:00", 2);
    r.language = "so".into();
    let ds = dataset(vec![small("a", 10.0)], vec![instructor("i1")], vec![r]);
    let (_dir, run) = stored_run(&ds).await;
    let a = advise(&run, 3, 20.0).expect("advice");
    assert_eq!(a.candidates, 0);
    assert!(a.trainings.is_empty());
    assert_eq!(a.weighted_after, a.weighted_before);
}

/// i1 teaches the topic and is willing to learn to teach in Somali; i2 is not willing. The
/// one training that helps is unique: i1 learns to teach in Somali.
#[tokio::test]
async fn a_language_training_for_the_instructor_who_is_willing() {
    let mut r = request("r1", "a", "2027-01-04", "10:00", "12:00", 3);
    r.language = "so".into();
    let mut i1 = instructor("i1");
    i1.willing_languages = vec!["so".into()];
    let ds = dataset(vec![small("a", 10.0)], vec![i1, instructor("i2")], vec![r]);
    let (_dir, run) = stored_run(&ds).await;
    assert_eq!(run.summary.figures.requests_covered, 0);
    let a = advise(&run, 1, 20.0).expect("advice");
    assert_eq!(a.candidates, 1, "only the willing instructor");
    let got: Vec<(&str, &Skill)> = a
        .trainings
        .iter()
        .map(|t| (t.instructor.as_str(), &t.skill))
        .collect();
    assert_eq!(got, [("i1", &Skill::Language("so".into()))]);
    assert_eq!(a.newly_covered, ["r1"]);
    assert_eq!(a.trainings[0].sessions, 3);
    assert_eq!(
        klynge::app::advise::learns(&a.trainings[0].skill, klynge::i18n::Lang::Nb),
        "lærer å undervise på so"
    );
}

/// A request that lacks both the topic and the language needs two trainings of the same
/// instructor: with room for one, nothing helps; with room for two, both are chosen.
#[tokio::test]
async fn a_request_that_needs_topic_and_language_needs_both_trainings() {
    let mut r = request("r1", "a", "2027-01-04", "10:00", "12:00", 2);
    r.language = "ar".into();
    r.topic = "bankid".into();
    let mut i1 = instructor("i1");
    i1.willing_languages = vec!["ar".into()];
    let ds = dataset(vec![small("a", 10.0)], vec![i1], vec![r]);
    let (_dir, run) = stored_run(&ds).await;
    let one = advise(&run, 1, 20.0).expect("advice");
    assert_eq!(one.candidates, 2);
    assert!(one.trainings.is_empty(), "{one:?}");
    assert_eq!(one.requests_after, 0);
    let two = advise(&run, 2, 20.0).expect("advice");
    let mut skills: Vec<&Skill> = two.trainings.iter().map(|t| &t.skill).collect();
    skills.sort();
    assert_eq!(skills, [&topic("bankid"), &Skill::Language("ar".into())]);
    assert_eq!(two.newly_covered, ["r1"]);
}
