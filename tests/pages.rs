//! The pages over HTTP, without a browser: dates checked against today with the days
//! allowed, a GET of a form's address going on to its page, the confirm step before a
//! withdrawal and the confirmation after it, and a run's page and files for its own
//! coordinator only. (`tests/browser.rs` looks at the same pages in Chromium.)

use axum::http::StatusCode;

mod common;
use common::service::{all_clusters, fixture, send, two_clusters};

/// (status, location, body) of a page call with a bearer token.
async fn page(
    state: &std::sync::Arc<klynge::app::Service>,
    method: &str,
    uri: &str,
    token: &str,
    form: Option<&str>,
) -> (StatusCode, String, String) {
    let bearer = format!("Bearer {token}");
    let mut headers = vec![("authorization", bearer.as_str())];
    if form.is_some() {
        headers.push(("content-type", "application/x-www-form-urlencoded"));
    }
    let (s, h, body) = send(state, method, uri, &headers, form.unwrap_or("").to_owned()).await;
    let location = h
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (s, location, body)
}

fn request_form(first_date: &str, count: &str) -> String {
    format!(
        "topic=smarttelefon&language=nb&first_date={first_date}&start=11%3A00&end=13%3A00&count={count}&interval_days=7&instructors_needed=1&priority=3&note="
    )
}

#[tokio::test]
async fn days_in_the_past_or_beyond_a_year_are_refused_with_the_days_allowed() {
    let f = fixture().await;
    // The fixture's today is 1 December 2026.
    for (first, count, expected) in [
        ("2019-01-02", "4", "før i dag"),
        ("2026-11-30", "1", "tirsdag 1. desember 2026"),
        ("2028-06-01", "1", "mer enn ett år fram"),
        ("2027-11-25", "10", "siste mulige kursdag er"),
        ("-390-01-01", "1", "utenfor 2000–2100"),
    ] {
        let (s, _, body) = page(
            &f.state,
            "POST",
            "/association/requests",
            &f.malvik,
            Some(&request_form(first, count)),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{first}");
        assert!(body.contains(expected), "{first}: {expected} in {body}");
        assert!(
            body.contains("id=\"error-summary\""),
            "{first}: a summary at the top"
        );
    }
    let stored = f
        .state
        .store
        .live_requests(Some("malvik"))
        .await
        .expect("live");
    assert!(stored.is_empty(), "nothing stored: {stored:?}");
    // The API checks the same.
    let (s, _, body) = send(
        &f.state,
        "POST",
        "/api/requests",
        &[
            ("authorization", &format!("Bearer {}", f.malvik)),
            ("content-type", "application/json"),
        ],
        r#"{"topic":"smarttelefon","language":"nb","series":{"first_date":"2020-01-01","start":"10:00","end":"12:00","count":2,"interval_days":7}}"#.into(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("first_date"), "{body}");
    // A day within the limits goes through, and the page confirms it.
    let (s, location, _) = page(
        &f.state,
        "POST",
        "/association/requests",
        &f.malvik,
        Some(&request_form("2027-01-13", "4")),
    )
    .await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/association?done=submitted")
    );
    let (_, _, body) = page(&f.state, "GET", &location, &f.malvik, None).await;
    assert!(body.contains("Forespørselen er sendt inn."), "{body}");
}

#[tokio::test]
async fn a_get_of_a_form_address_goes_on_to_its_page_in_the_same_language() {
    let f = fixture().await;
    for (uri, to) in [
        ("/association/requests?lang=en", "/association?lang=en"),
        ("/coordinator/plan", "/coordinator"),
        ("/instructor/times/away", "/instructor"),
        ("/login", "/"),
    ] {
        let (s, location, _) = page(&f.state, "GET", uri, &f.malvik, None).await;
        assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, to), "{uri}");
    }
    // The API keeps its 405.
    let (s, _, _) = page(&f.state, "GET", "/api/runs/1/approve", &f.coord_all, None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    // Every page's language switch points back at the page itself.
    let (_, _, body) = page(
        &f.state,
        "GET",
        "/coordinator/hours?from=2027-01-01",
        &f.coord_hub,
        None,
    )
    .await;
    assert!(
        body.contains("href=\"/coordinator/hours?from=2027-01-01&#38;lang=en\""),
        "{body}"
    );
}

#[tokio::test]
async fn a_withdrawal_asks_first_and_is_confirmed_after() {
    let f = fixture().await;
    page(
        &f.state,
        "POST",
        "/association/requests",
        &f.malvik,
        Some(&request_form("2027-01-13", "4")),
    )
    .await;
    let id = f
        .state
        .store
        .live_requests(Some("malvik"))
        .await
        .expect("live")[0]
        .request
        .id
        .clone();
    let confirm = format!("/association/requests/{id}/withdraw");
    let (s, _, body) = page(&f.state, "GET", &confirm, &f.malvik, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains(&format!("action=\"{confirm}\"")) && body.contains("Smarttelefon"),
        "the confirm page names the request and posts the withdrawal: {body}"
    );
    assert!(
        !f.state
            .store
            .live_requests(Some("malvik"))
            .await
            .expect("live")[0]
            .withdrawn
    );
    // Another association cannot even see the question.
    let (s, _, _) = page(&f.state, "GET", &confirm, &f.melhus, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, location, _) = page(&f.state, "POST", &confirm, &f.malvik, Some("")).await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/association?done=withdrawn")
    );
    assert!(
        f.state
            .store
            .live_requests(Some("malvik"))
            .await
            .expect("live")[0]
            .withdrawn
    );
    let (_, _, body) = page(&f.state, "GET", &location, &f.malvik, None).await;
    assert!(body.contains("Forespørselen er trukket."), "{body}");
    // An unknown key shows nothing (no text from the address reaches the page).
    let (_, _, body) = page(
        &f.state,
        "GET",
        "/association?done=%3Cb%3Ehi",
        &f.malvik,
        None,
    )
    .await;
    assert!(!body.contains("id=\"flash\""), "{body}");
}

#[tokio::test]
async fn a_run_page_and_its_files_are_for_its_own_coordinator() {
    let f = two_clusters().await;
    let all = all_clusters();
    let run = f.state.plan_now(&all).await.expect("plan");
    let (s, _, body) = page(
        &f.state,
        "GET",
        &format!("/coordinator/runs/{run}"),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    for part in [
        "id=\"figures\"",
        "id=\"week\"",
        "<svg",
        "id=\"files\"",
        "rota.xlsx",
    ] {
        assert!(body.contains(part), "{part} in the run page");
    }
    // Why requests are uncovered names instructors by name: no instructor id (`i05`)
    // stands where a name should.
    let uncovered = body
        .split_once("id=\"uncovered\"")
        .and_then(|(_, rest)| rest.split_once("</ul>"))
        .map(|(list, _)| list)
        .expect("the pilot's run leaves requests uncovered");
    assert!(uncovered.contains("Hvorfor"), "{uncovered}");
    let ids: Vec<&str> = uncovered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            w.len() == 3
                && (w.starts_with('i') || w.starts_with('b'))
                && w[1..].chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    assert!(
        ids.is_empty(),
        "ids {ids:?} where names should be: {uncovered}"
    );
    let (s, _, _) = page(
        &f.state,
        "GET",
        &format!("/coordinator/runs/{run}?week=2027-W99"),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    for (name, starts) in [
        ("rota.csv", ""),
        ("rota-excel.csv", "\u{feff}"),
        ("rota.xlsx", "PK"),
        ("rota.ics", "BEGIN:VCALENDAR"),
        ("rota.geojson", "{"),
        ("report.html", "<!DOCTYPE html>"),
    ] {
        let (s, _, body) = page(
            &f.state,
            "GET",
            &format!("/coordinator/runs/{run}/files/{name}"),
            &f.coord_all,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{name}");
        assert!(
            body.starts_with(starts),
            "{name}: {}",
            &body[..body.len().min(40)]
        );
    }
    let (s, _, _) = page(
        &f.state,
        "GET",
        &format!("/coordinator/runs/{run}/files/rota.pdf"),
        &f.coord_all,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A run across clusters is not one cluster's coordinator's: not found, page and files.
    for uri in [
        format!("/coordinator/runs/{run}"),
        format!("/coordinator/runs/{run}/files/rota.csv"),
    ] {
        let (s, _, _) = page(&f.state, "GET", &uri, &f.coord_bergen, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
    }
}

/// The request form takes every format: a drop-in in two languages and one-to-one
/// guidance with its slots and desks are stored as such; a field only guidance takes is
/// refused on a course, beside the field, and nothing is stored.
#[tokio::test]
async fn the_request_form_takes_drop_ins_and_guidance() {
    let f = fixture().await;
    let base = request_form("2027-01-13", "4");
    let drop_in = format!("{base}&format=drop_in&extra_language=so&instructors_needed=2")
        .replace("language=nb&", "language=ar&")
        .replace("instructors_needed=1&", "");
    let guidance = format!("{base}&format=one_to_one&slot_minutes=30&desks=2");
    for form in [&drop_in, &guidance] {
        let (s, location, body) = page(
            &f.state,
            "POST",
            "/association/requests",
            &f.malvik,
            Some(form),
        )
        .await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/association?done=submitted"),
            "{form}: {body}"
        );
    }
    let stored = f
        .state
        .store
        .live_requests(Some("malvik"))
        .await
        .expect("live");
    let formats: Vec<_> = stored
        .iter()
        .map(|l| {
            (
                l.request.format,
                l.request.language.clone(),
                l.request.instructors_needed,
                l.request.slot_minutes,
                l.request.desks,
            )
        })
        .collect();
    assert_eq!(
        formats,
        vec![
            (
                klynge::model::Format::DropIn,
                "ar;so".to_owned(),
                2,
                None,
                None
            ),
            (
                klynge::model::Format::OneToOne,
                "nb".to_owned(),
                1,
                Some(30),
                Some(2)
            ),
        ]
    );
    let (_, _, page_body) = page(&f.state, "GET", "/association", &f.malvik, None).await;
    assert!(page_body.contains("arabisk og somali"), "{page_body}");
    // slot_minutes on a course: refused beside its field.
    let (s, _, body) = page(
        &f.state,
        "POST",
        "/association/requests",
        &f.malvik,
        Some(&format!("{base}&format=course&slot_minutes=30")),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("id=\"err-slot_minutes\""), "{body}");
    assert_eq!(
        f.state
            .store
            .live_requests(Some("malvik"))
            .await
            .expect("live")
            .len(),
        2
    );
}
