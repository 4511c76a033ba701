//! The coordinator's pages for people and places, and an instructor's own times on their
//! page: forms that keep what was typed and show each problem beside its field.

use axum::http::StatusCode;

mod common;
use common::service::fixture;

/// A form through the pages with a bearer token: (status, location header, body).
async fn form(
    f: &common::service::Fixture,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<&str>,
) -> (StatusCode, String, String) {
    let bearer = format!("Bearer {token}");
    let mut headers = vec![("authorization", bearer.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/x-www-form-urlencoded"));
    }
    let (s, h, text) = common::service::send(
        &f.state,
        method,
        uri,
        &headers,
        body.unwrap_or_default().to_owned(),
    )
    .await;
    let location = h
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (s, location, text)
}

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn the_coordinators_pages_add_an_instructor_with_errors_beside_the_fields() {
    let f = fixture().await;
    let (s, _, html) = form(&f, "GET", "/coordinator/people", &f.coord_hub, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Kari Bakken") && html.contains("Legg til en instruktør"));
    let (s, _, html) = form(
        &f,
        "GET",
        "/coordinator/instructors/new",
        &f.coord_hub,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("name=\"availability\""));
    let mut fields = vec![
        ("id", "i77"),
        ("name", "Per Ny"),
        ("association", "trondheim"),
        ("lat", ""),
        ("lon", ""),
        ("topics", "smarttelefon, bankid"),
        ("languages", "nb"),
        ("max_km", "12,5"),
        ("max_sessions_per_week", "2"),
        ("max_sessions_total", ""),
        ("max_hours_per_week", ""),
        ("availability", "tir 09:00–15:00\nfredag 10:00-25:00"),
        ("away", "01.03.2027–07.03.2027"),
    ];
    let (s, _, html) = form(
        &f,
        "POST",
        "/coordinator/instructors/new",
        &f.coord_hub,
        Some(&encode(&fields)),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains("linje 2"),
        "the line with the problem is named"
    );
    assert!(
        html.contains("fredag 10:00-25:00"),
        "what was typed is kept"
    );
    fields[11] = ("availability", "tir 09:00–15:00\nfredag 10:00-14:00");
    let (s, location, html) = form(
        &f,
        "POST",
        "/coordinator/instructors/new",
        &f.coord_hub,
        Some(&encode(&fields)),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(
        location, "/coordinator/people?done=saved",
        "the list confirms it"
    );
    let added = f
        .state
        .base()
        .instructors
        .iter()
        .find(|i| i.id == "i77")
        .cloned()
        .expect("added");
    assert_eq!(added.max_km, 12.5);
    assert_eq!(added.availability.len(), 2);
    // The edit form shows it back in the same notation.
    let (_, _, html) = form(
        &f,
        "GET",
        "/coordinator/instructors/i77",
        &f.coord_hub,
        None,
    )
    .await;
    assert!(
        html.contains("tir 09:00–15:00") && html.contains("01.03.2027–07.03.2027"),
        "{html}"
    );
    let (s, location, _) = form(
        &f,
        "POST",
        "/coordinator/instructors/i77/retire",
        &f.coord_hub,
        Some(""),
    )
    .await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/coordinator/people?done=retired")
    );
    assert!(!f.state.base().instructors.iter().any(|i| i.id == "i77"));
    // Unknown kinds and other clusters' records are not found.
    for uri in ["/coordinator/nonsense/x", "/coordinator/instructors/nobody"] {
        let (s, _, _) = form(&f, "GET", uri, &f.coord_hub, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn an_instructor_adds_and_removes_their_own_times_on_their_page() {
    let f = fixture().await;
    let before = f.state.own_times("i01").expect("times");
    let (s, _, html) = form(
        &f,
        "POST",
        "/instructor/times/away",
        &f.i01,
        Some("from=2027-03-03&to=2027-03-01"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("class=\"error\""), "{html}");
    assert_eq!(f.state.own_times("i01").expect("times"), before);
    let (s, _, _) = form(
        &f,
        "POST",
        "/instructor/times/away",
        &f.i01,
        Some("from=2027-03-03&to=2027-03-10"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, html) = form(&f, "GET", "/instructor", &f.i01, None).await;
    assert!(html.contains("03.03.2027–10.03.2027"), "{html}");
    let (s, _, _) = form(
        &f,
        "POST",
        "/instructor/times/availability",
        &f.i01,
        Some("weekday=sat&start=10%3A00&end=12%3A00"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let after = f.state.own_times("i01").expect("times");
    assert_eq!(after.away.len(), before.away.len() + 1);
    assert_eq!(after.availability.len(), before.availability.len() + 1);
    let last = after.availability.len() - 1;
    let (s, _, _) = form(
        &f,
        "POST",
        &format!("/instructor/times/availability/{last}/remove"),
        &f.i01,
        Some(""),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // A second click on the same remove button changes nothing more.
    let (s, _, _) = form(
        &f,
        "POST",
        &format!("/instructor/times/availability/{last}/remove"),
        &f.i01,
        Some(""),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        f.state.own_times("i01").expect("times").availability,
        before.availability
    );
}

/// People who are told when the rota changes (instructors, associations) have an e-mail
/// address and a language of messages on their form; an offer is only referred to.
#[tokio::test]
async fn the_forms_ask_for_an_address_only_of_those_who_are_told() {
    let f = fixture().await;
    for (kind, told) in [
        ("instructors", true),
        ("associations", true),
        ("offers", false),
    ] {
        let uri = format!("/coordinator/{kind}/new");
        let (s, _, html) = form(&f, "GET", &uri, &f.coord_hub, None).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        for name in ["email", "lang"] {
            assert_eq!(
                html.contains(&format!("name=\"{name}\"")),
                told,
                "{uri}: field {name}"
            );
        }
    }
}
