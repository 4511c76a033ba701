//! Refer, never reject: an uncovered request gets the other offers that teach its topic in
//! its language, nearest first — in the plan's summary, stored with the run, on the
//! association's page and in the API.

use klynge::model::{Offer, OfferKind, Origin};
use klynge::plan::refer::referrals;

mod common;
use common::*;

fn offer(id: &str, km_north: f64, topics: &[&str], languages: &[&str]) -> Offer {
    Offer {
        id: id.into(),
        provider: format!("Provider {id}"),
        kind: OfferKind::DropIn,
        topics: topics.iter().map(|t| t.to_string()).collect(),
        languages: languages.iter().map(|t| t.to_string()).collect(),
        municipality: "Test".into(),
        lat: HUB_LAT + km_north / 111.2,
        lon: HUB_LON,
        when: "tirsdager 10–12".into(),
        times: Vec::new(),
        contact: String::new(),
        url: String::new(),
        origin: Origin::default(),
    }
}

/// The request is 10 km north of the hub. Offers: `far` 40 km north (30 km away), `near`
/// 15 km north (5 km away), `south` at the hub (10 km away), `fourth` 60 km north (50 km
/// away); `so` is 1 km away but in Somali only; `bank` is 1 km away but teaches bankid.
#[test]
fn referrals_match_topic_and_language_nearest_first_at_most_three() {
    let mut ds = dataset(
        vec![small("a", 10.0)],
        vec![],
        vec![request("r1", "a", "2027-01-04", "10:00", "12:00", 2)],
    );
    ds.offers = vec![
        offer("far", 40.0, &["epost"], &["nb"]),
        offer("near", 15.0, &["epost", "bankid"], &["nb", "en"]),
        offer("south", 0.0, &["epost"], &["nb"]),
        offer("fourth", 60.0, &["epost"], &["nb"]),
        offer("so", 11.0, &["epost"], &["so"]),
        offer("bank", 11.0, &["bankid"], &["nb"]),
    ];
    assert!(klynge::model::validate(&ds).is_empty());
    let got: Vec<(String, f64)> = referrals(&ds, &ds.requests[0])
        .into_iter()
        .map(|r| (r.offer, r.km))
        .collect();
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["near", "south", "far"]);
    assert!((got[0].1 - 5.0).abs() < 0.3, "{got:?}");
    assert!((got[2].1 - 30.0).abs() < 0.6, "{got:?}");
}

#[test]
fn offers_are_checked_like_every_other_file() {
    let dir = tempfile::tempdir().expect("dir");
    let pilot = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    for entry in std::fs::read_dir(&pilot).expect("pilot") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let mut offers = std::fs::read_to_string(dir.path().join("offers.csv")).expect("offers");
    offers.push_str("o9,,party,smarttelefon,xx,Oslo,95,10.7,,,\n");
    offers.push_str("o1,Dup,course,epost,nb,Oslo,59.9,10.7,,,\n");
    std::fs::write(dir.path().join("offers.csv"), offers).expect("write");
    let problems = klynge::ingest::load(dir.path()).expect_err("refused").0;
    let text: Vec<String> = problems
        .iter()
        .map(|p| p.render(klynge::i18n::Lang::En))
        .collect();
    for (line, column) in [(5, "kind"), (5, "provider"), (6, "id")] {
        assert!(
            problems.iter().any(|p| p.file.ends_with("offers.csv")
                && p.line == Some(line)
                && p.column.as_deref() == Some(column)),
            "offers.csv:{line} {column} in {text:?}"
        );
    }
}

#[test]
fn offers_survive_export_and_import() {
    let pilot = klynge::ingest::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag"),
    )
    .expect("pilot");
    assert_eq!(pilot.offers.len(), 3);
    let dir = tempfile::tempdir().expect("dir");
    klynge::ingest::write_folder(&pilot, dir.path()).expect("write");
    let back = klynge::ingest::load(dir.path()).expect("read back");
    assert_eq!(
        serde_json::to_value(&back.offers).expect("json"),
        serde_json::to_value(&pilot.offers).expect("json")
    );
    assert_eq!(back.to_canonical_json(), pilot.to_canonical_json());
}

/// The pilot's r05 (smartphone help in Somali, Stjørdal) has no instructor: it is referred
/// to the digital café at Stjørdal library, and the referral is stored with the run.
#[tokio::test]
async fn the_pilots_somali_request_is_referred_and_the_referral_is_stored() {
    let f = common::service::fixture().await;
    let all = common::service::all_clusters();
    let run = f.state.plan_now(&all).await.expect("plan");
    let stored = f.state.store.run(run).await.expect("run");
    let r05 = stored
        .uncovered
        .iter()
        .find(|u| u.request == "r05")
        .expect("r05 uncovered");
    assert_eq!(r05.referrals.first().map(|r| r.offer.as_str()), Some("o2"));
    assert_eq!(r05.referrals.len(), 1, "only o2 helps in Somali");
}

/// An association that asks for help nobody can give sees where else to go, on its page
/// and in the API.
#[tokio::test]
async fn the_association_sees_where_else_to_go() {
    use serde_json::json;
    let f = common::service::fixture().await;
    let (s, body) = common::service::api(
        &f.state,
        "POST",
        "/api/requests",
        &f.melhus,
        Some(json!({"topic": "smarttelefon", "language": "so",
                    "series": {"first_date": "2027-02-03", "start": "10:00", "end": "12:00",
                               "count": 3, "interval_days": 7}})),
    )
    .await;
    assert_eq!(s, axum::http::StatusCode::CREATED, "{body}");
    let all = common::service::all_clusters();
    f.state.plan_now(&all).await.expect("plan");
    let (_, body) = common::service::api(&f.state, "GET", "/api/requests", &f.melhus, None).await;
    let list: serde_json::Value = serde_json::from_str(&body).expect("json");
    let mine = &list[0];
    assert_eq!(mine["status"], "uncovered", "{body}");
    assert_eq!(mine["referrals"][0]["offer"], "o2", "{body}");
    let bearer = format!("Bearer {}", f.melhus);
    let (_, _, html) = common::service::send(
        &f.state,
        "GET",
        "/association",
        &[("authorization", bearer.as_str())],
        String::new(),
    )
    .await;
    assert!(
        html.contains("henvis til Datakafé på Stjørdal bibliotek"),
        "{html}"
    );
}

/// `plan` and `explain` name the referral beside the reasons.
#[test]
fn plan_and_explain_say_where_else_to_go() {
    let bin = env!("CARGO_BIN_EXE_klynge");
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("k.db").display().to_string();
    let pilot = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/trondelag");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(["--db", &db])
            .args(args)
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let summary = run(&["plan", pilot]);
    assert!(
        summary.contains(
            "→ henvis til Datakafé på Stjørdal bibliotek (datakafé, onsdager 11–13, 14,7 km)"
        ),
        "{summary}"
    );
    run(&["approve", "1"]);
    run(&["publish", "1"]);
    let offers = run(&["offers", "Stjørdal", "--from", "2027-01-11", "--weeks", "2"]);
    assert!(
        offers.contains("smarttelefon (nb) – Seniornett Stjørdal: 12.01.2027 10:00–12:00")
            && offers.contains("Datakafé på Stjørdal bibliotek"),
        "{offers}"
    );
    let explained = run(&["--lang", "en", "explain", "1", "r05"]);
    assert!(
        explained.contains("Meanwhile the association can refer to:")
            && explained.contains("Datakafé på Stjørdal bibliotek"),
        "{explained}"
    );
}

/// The public overview of a municipality: no token needed, the published courses there and
/// the other offers — and nothing unpublished, and no instructor.
#[tokio::test]
async fn the_public_overview_shows_only_published_and_public_data() {
    let f = common::service::fixture().await;
    let get = |uri: String| {
        let state = f.state.clone();
        async move { common::service::send(&state, "GET", &uri, &[], String::new()).await }
    };
    let uri = "/tilbud/Stj%C3%B8rdal?from=2027-01-11&weeks=12";
    // Before anything is published: the registry's offers, and no course.
    let all = common::service::all_clusters();
    let run = f.state.plan_now(&all).await.expect("plan");
    let (s, _, html) = get(uri.into()).await;
    assert_eq!(s, axum::http::StatusCode::OK, "public: no token");
    assert!(
        html.contains("Digital hjelp i Stjørdal")
            && html.contains("Datakafé på Stjørdal bibliotek")
    );
    assert!(
        html.contains("id=\"no-courses\""),
        "a proposed run is not public: {html}"
    );
    f.state.approve(&all, run).await.expect("approve");
    f.state.publish(&all, run).await.expect("publish");
    let (s, _, html) = get(uri.into()).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(
        html.contains("Seniornett Stjørdal") && html.contains("smarttelefon"),
        "{html}"
    );
    // No instructor's name, anywhere on the page or in its JSON.
    let stored = f.state.store.run(run).await.expect("run");
    let (_, _, json) = get(format!("{uri}&format=json")).await;
    for i in &stored.dataset.instructors {
        assert!(
            !html.contains(&i.name) && !json.contains(&i.name),
            "{} is shown",
            i.name
        );
        assert!(
            !json.contains(&format!("\"{}\"", i.id)),
            "{} is shown",
            i.id
        );
    }
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(v["courses"].as_array().is_some_and(|c| !c.is_empty()));
    // Every course shown is one the published run covers, in Stjørdal.
    let covered: Vec<&str> = stored
        .assignments
        .iter()
        .filter_map(|a| stored.dataset.requests.iter().find(|r| r.id == a.request))
        .filter(|r| r.association == "stjordal")
        .map(|r| r.topic.as_str())
        .collect();
    for c in v["courses"].as_array().expect("courses") {
        assert!(covered.contains(&c["topic"].as_str().unwrap_or("")), "{c}");
    }
    // The same courses as iCalendar: one event per session, and no instructor.
    let (s, headers, ics) = get(format!("{uri}&format=ics")).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/calendar")),
        "{headers:?}"
    );
    let sessions: usize = v["courses"]
        .as_array()
        .expect("courses")
        .iter()
        .map(|c| c["sessions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(ics.matches("UID:public-").count(), sessions, "{ics}");
    // And the data café's Wednesdays, twelve of them in twelve weeks.
    let cafe = v["offers"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["id"] == "o2"))
        .expect("the café");
    assert_eq!(cafe["open"].as_array().map(Vec::len), Some(12), "{cafe}");
    assert_eq!(cafe["open"][0]["date"], "2027-01-13", "{cafe}");
    assert_eq!(ics.matches("UID:offer-o2-").count(), 12, "{ics}");
    assert!(ics.contains("UID:offer-o2-20270113T1100@klynge"), "{ics}");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), sessions + 12, "{ics}");
    assert!(
        ics.contains("X-WR-CALNAME:Digital hjelp i Stjørdal"),
        "{ics}"
    );
    for i in &stored.dataset.instructors {
        assert!(
            !ics.contains(&i.name),
            "{} is in the public calendar",
            i.name
        );
    }
    assert!(
        html.contains("/tilbud/Stj%C3%B8rdal?format=ics&#38;from=2027-01-11&#38;weeks=12"),
        "the page links to its calendar with the same window: {html}"
    );
    // A municipality with nothing, and a hostile date, are answered kindly.
    let (s, _, html) = get("/tilbud/Atlantis".into()).await;
    assert_eq!(s, axum::http::StatusCode::OK);
    assert!(html.contains("no-offers"));
    let (s, _, _) = get("/tilbud/Stj%C3%B8rdal?from=-390-01-01".into()).await;
    assert_eq!(s, axum::http::StatusCode::BAD_REQUEST);
}
