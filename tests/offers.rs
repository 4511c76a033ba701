//! The registry of other offers kept by coordinators (issue 13, part 1): over the API and
//! the pages, only in their own cluster's municipalities, checked like `offers.csv`, and
//! used at once — the association's page refers to an offer added after the run, and the
//! public overview lists it.

use axum::http::StatusCode;
use serde_json::{Value, json};

mod common;
use common::service::{all_clusters, api, fields, fixture, send, two_clusters};

/// A library drop-in in Malvik (a municipality of the Trondheim cluster) teaching what the
/// pilot's uncovered Somali request r05 asks for.
fn malvik_library() -> Value {
    json!({
        "id": "o9", "provider": "Malvik bibliotek", "kind": "drop_in",
        "topics": ["smarttelefon", "bankid"], "languages": ["nb", "so"],
        "municipality": "Malvik", "lat": 63.4269, "lon": 10.6856,
        "when": "torsdager 12–14", "contact": "73 00 00 00",
        "url": "https://malvik.example.org/bibliotek"
    })
}

#[tokio::test]
async fn a_coordinator_keeps_the_registry_and_the_association_is_referred_at_once() {
    let f = fixture().await;
    // Malvik asks for a course in Somali, which no instructor of the pilot speaks.
    let somali = json!({
        "topic": "bankid", "language": "so", "priority": 4,
        "series": { "first_date": "2027-01-12", "start": "10:00", "end": "12:00", "count": 4, "interval_days": 7 }
    });
    let (s, body) = api(&f.state, "POST", "/api/requests", &f.malvik, Some(somali)).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    f.state.plan_now(&all_clusters()).await.expect("plan");
    let referred = |body: &str| -> Vec<String> {
        let v: Vec<Value> = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        let somali = v
            .iter()
            .find(|r| r["language"] == "so")
            .expect("the request");
        assert_eq!(somali["status"], "uncovered", "{somali}");
        somali["referrals"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r["offer"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (_, body) = api(&f.state, "GET", "/api/requests", &f.malvik, None).await;
    assert!(
        !referred(&body).contains(&"o9".to_owned()),
        "not registered yet: {body}"
    );

    let (s, body) = api(
        &f.state,
        "POST",
        "/api/offers",
        &f.coord_hub,
        Some(malvik_library()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, body) = api(&f.state, "GET", "/api/offers", &f.coord_hub, None).await;
    assert_eq!(s, StatusCode::OK);
    let list: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert!(
        list.iter()
            .any(|o| o["id"] == "o9" && o["kind"] == "drop_in"),
        "{body}"
    );
    // Without a new plan, the association is referred to the library in its own
    // municipality, first: it is the nearest that teaches bankid in Somali.
    let (_, body) = api(&f.state, "GET", "/api/requests", &f.malvik, None).await;
    assert_eq!(
        referred(&body).first().map(String::as_str),
        Some("o9"),
        "{body}"
    );
    let (_, _, html) = send(
        &f.state,
        "GET",
        "/association",
        &[("authorization", &format!("Bearer {}", f.malvik))],
        String::new(),
    )
    .await;
    assert!(
        html.contains("Malvik bibliotek"),
        "on the association's page: {html}"
    );

    // Changed, then removed; each change audited.
    let mut changed = malvik_library();
    changed["when"] = json!("fredager 10–12");
    let (s, body) = api(
        &f.state,
        "PUT",
        "/api/offers/o9",
        &f.coord_hub,
        Some(changed),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, body) = api(&f.state, "GET", "/api/offers/o9", &f.coord_hub, None).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["when"],
        "fredager 10–12"
    );
    let (s, _) = api(&f.state, "DELETE", "/api/offers/o9", &f.coord_hub, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(f.state.base().offers.iter().all(|o| o.id != "o9"));
    let (_, body) = api(&f.state, "GET", "/api/requests", &f.malvik, None).await;
    assert!(
        !referred(&body).contains(&"o9".to_owned()),
        "removed: {body}"
    );
    let log = f.state.store.audit_log(1000).await.expect("audit");
    for action in ["add offer", "edit offer", "remove offer"] {
        assert!(
            log.iter().any(|e| e.action == action && e.subject == "o9"),
            "{action} is audited"
        );
    }
}

#[tokio::test]
async fn an_offer_is_checked_like_the_file_and_each_problem_named_by_its_field() {
    let f = fixture().await;
    let mut bad = malvik_library();
    bad["url"] = json!("javascript:alert(1)");
    bad["languages"] = json!(["somali"]);
    bad["kind"] = json!("party");
    bad["times"] = json!(["tir 12:00-14:00", "hver torsdag"]);
    bad["lat"] = json!(95.0);
    let (s, body) = api(&f.state, "POST", "/api/offers", &f.coord_hub, Some(bad)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        fields(&body),
        vec!["kind", "times[1]"],
        "the record's own problems first"
    );
    let mut bad = malvik_library();
    bad["url"] = json!("javascript:alert(1)");
    bad["languages"] = json!(["somali"]);
    bad["lat"] = json!(95.0);
    let (s, body) = api(&f.state, "POST", "/api/offers", &f.coord_hub, Some(bad)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let mut named = fields(&body);
    named.sort();
    assert_eq!(named, vec!["languages", "lat", "url"], "{body}");
    // A taken id, and an id that is not safe in a path.
    let mut taken = malvik_library();
    taken["id"] = json!("o1");
    let (s, body) = api(&f.state, "POST", "/api/offers", &f.coord_hub, Some(taken)).await;
    assert_eq!(
        (s, fields(&body)),
        (StatusCode::BAD_REQUEST, vec!["id".to_owned()])
    );
    let mut hostile = malvik_library();
    hostile["id"] = json!("../o1");
    let (s, body) = api(&f.state, "POST", "/api/offers", &f.coord_hub, Some(hostile)).await;
    assert_eq!(
        (s, fields(&body)),
        (StatusCode::BAD_REQUEST, vec!["id".to_owned()])
    );
    assert_eq!(f.state.base().offers.len(), 3, "nothing was stored");
}

#[tokio::test]
async fn a_coordinator_keeps_only_the_offers_of_their_own_clusters_municipalities() {
    let t = two_clusters().await;
    // Trondheim's coordinator sees the pilot's offers; Bergen's sees none of them.
    let (_, body) = api(&t.state, "GET", "/api/offers", &t.coord_trondheim, None).await;
    assert!(body.contains("\"o1\""), "{body}");
    let (_, body) = api(&t.state, "GET", "/api/offers", &t.coord_bergen, None).await;
    assert_eq!(body, "[]");
    let (s, _) = api(&t.state, "GET", "/api/offers/o1", &t.coord_bergen, None).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another cluster's offer is unknown"
    );
    let (s, _) = api(&t.state, "DELETE", "/api/offers/o1", &t.coord_bergen, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = api(
        &t.state,
        "POST",
        "/api/offers",
        &t.coord_bergen,
        Some(malvik_library()),
    )
    .await;
    assert_eq!(
        (s, fields(&body)),
        (StatusCode::BAD_REQUEST, vec!["municipality".to_owned()])
    );
    // Not coordinators: no registry at all.
    let (s, _) = api(&t.state, "GET", "/api/offers", &t.malvik, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = api(
        &t.state,
        "POST",
        "/api/offers",
        &t.i01,
        Some(malvik_library()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(t.state.base().offers.len(), 3, "nothing changed");
}

/// The same through the coordinator's pages: the list, a form with a problem beside its
/// field, and the public overview listing the saved offer.
#[tokio::test]
async fn the_registry_pages_add_an_offer_that_the_public_overview_lists() {
    let f = fixture().await;
    let bearer = format!("Bearer {}", f.coord_hub);
    let page = |method: &'static str, uri: &'static str, body: &str| {
        let (state, bearer, body) = (f.state.clone(), bearer.clone(), body.to_owned());
        async move {
            send(
                &state,
                method,
                uri,
                &[
                    ("authorization", bearer.as_str()),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                body,
            )
            .await
        }
    };
    let (s, _, html) = page("GET", "/coordinator/people", "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-offer=\"o2\"") && html.contains("id=\"add-offer\""));
    let form = "id=o9&provider=Malvik+bibliotek&kind=drop_in&topics=smarttelefon%2C+bankid&languages=nb%2C+so&municipality=Malvik&lat=63%2C4269&lon=10%2C6856&when=torsdager+12%E2%80%9314&contact=&url=ftp%3A%2F%2Fx";
    let (s, _, html) = page("POST", "/coordinator/offers/new", form).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains("er ikke en nettadresse"),
        "beside the field: {html}"
    );
    assert!(
        html.contains("value=\"Malvik bibliotek\""),
        "what was typed stays"
    );
    let form = form.replace("url=ftp%3A%2F%2Fx", "url=");
    let (s, _, _) = page("POST", "/coordinator/offers/new", &form.clone()).await;
    assert!(s.is_redirection(), "{s}");
    let (s, _, html) = page("GET", "/coordinator/offers/o9", "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("value=\"63,4269\""),
        "a decimal comma: {html}"
    );
    let (_, _, html) = send(&f.state, "GET", "/tilbud/Malvik", &[], String::new()).await;
    assert!(html.contains("Malvik bibliotek"), "{html}");
}
