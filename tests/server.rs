//! The service: every endpoint against the role matrix, input limits, the pages, and a
//! bounded load test on loopback.
//!
//! Long because it walks every endpoint and page against every role, one test per area.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use klynge::server::router;
use klynge::store::{Role, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;

use common::service::{Fixture, all_clusters as all, fixture, fixture_on};

/// Sends one request through the router: (status, body as text).
async fn send(f: &Fixture, req: Request<Body>) -> (StatusCode, String) {
    let resp = router(f.state.clone())
        .oneshot(req)
        .await
        .expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Calls the API with a bearer token and a JSON body.
async fn call(
    f: &Fixture,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    send(f, req).await
}

fn submission() -> Value {
    json!({
        "topic": "smarttelefon", "language": "nb", "priority": 4,
        "series": { "first_date": "2027-01-12", "start": "10:00", "end": "12:00", "count": 4, "interval_days": 7 },
        "note": "Biblioteket, 2. etasje"
    })
}

/// A path of the API with every `{parameter}` filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a concrete `uri` is an instance of the path template `path`.
fn instance_of(uri: &str, path: &str) -> bool {
    let (u, p): (Vec<&str>, Vec<&str>) = (uri.split('/').collect(), path.split('/').collect());
    u.len() == p.len() && u.iter().zip(&p).all(|(u, p)| p.starts_with('{') || u == p)
}

/// The methods the router serves at `uri` (no HEAD), from the `Allow` header of its 405
/// answer to a method no route uses; empty if the router has no route there.
async fn served_methods(f: &Fixture, uri: &str) -> BTreeSet<String> {
    let req = Request::builder()
        .method("PATCH")
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let resp = router(f.state.clone())
        .oneshot(req)
        .await
        .expect("response");
    match resp.status() {
        StatusCode::NOT_FOUND => BTreeSet::new(),
        StatusCode::METHOD_NOT_ALLOWED => resp
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(',')
            .map(|m| m.trim().to_lowercase())
            .filter(|m| !m.is_empty() && m != "head")
            .collect(),
        other => panic!("PATCH {uri} answered {other}: no route should take PATCH"),
    }
}

/// Every "/api/…" and "/calendar/…" string in the server's source: a route added by hand,
/// outside the documented list, would be one of them.
fn api_strings_in_source() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/server") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            for prefix in ["\"/api/", "\"/calendar/"] {
                for (at, _) in text.match_indices(prefix) {
                    let rest = &text[at + 1..];
                    found.insert(rest[..rest.find('"').expect("closing quote")].to_owned());
                }
            }
        }
    }
    found
}

/// The document and the router agree: every API route the router serves is documented
/// with exactly the methods it serves, and every documented operation is served and
/// answers (without a token) one of its documented responses — 401 where it needs a token.
#[tokio::test]
async fn openapi_documents_exactly_the_routes_the_router_serves() {
    let f = fixture().await;
    let (s, body) = call(&f, "GET", "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let spec: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().expect("paths");
    let documented = |path: &str| -> BTreeSet<String> {
        paths[path]
            .as_object()
            .expect("path item")
            .keys()
            .cloned()
            .collect()
    };
    assert!(
        spec["paths"]["/api/runs/{id}/repair"]["post"].is_object(),
        "repair is documented"
    );

    // Served → documented, for the documented paths and every API path in the source.
    let mut candidates: BTreeSet<String> = paths.keys().cloned().collect();
    candidates.extend(api_strings_in_source());
    for candidate in &candidates {
        let uri = concrete(candidate);
        let served = served_methods(&f, &uri).await;
        if served.is_empty() {
            assert!(
                !paths.contains_key(candidate),
                "{candidate} is documented but not served"
            );
            continue;
        }
        let matching: Vec<&String> = paths.keys().filter(|p| instance_of(&uri, p)).collect();
        assert_eq!(
            matching.len(),
            1,
            "{uri} (from {candidate}) is served but documented as {matching:?}"
        );
        assert_eq!(
            served,
            documented(matching[0]),
            "methods served at {uri} and documented at {}",
            matching[0]
        );
    }

    // Documented → served, with a documented answer.
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let (s, _) = call(&f, &method.to_uppercase(), &concrete(path), None, None).await;
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.contains_key(s.as_str()),
                "{method} {path} answered {s}, documented {:?}",
                responses.keys().collect::<Vec<_>>()
            );
            if op.get("security").is_some() {
                assert_eq!(
                    s,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} without a token"
                );
            }
        }
    }
}

/// The served document is valid OpenAPI 3.1, by the PyPI validator `openapi-spec-validator`
/// (`.ci/run` installs it); where it is not installed, the test says so loudly and skips.
#[tokio::test]
async fn openapi_document_is_valid_openapi_3_1() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let f = fixture().await;
    let (s, body) = call(&f, "GET", "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let installed = Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        eprintln!(
            "\n!!!!! SKIPPING: openapi-spec-validator is not installed (pip install openapi-spec-validator) !!!!!\n"
        );
        return;
    }
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import sys,json; from openapi_spec_validator import validate; validate(json.load(sys.stdin))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("document written");
    let out = child.wait_with_output().expect("validator finishes");
    assert!(
        out.status.success(),
        "the document is not valid OpenAPI 3.1:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn requests_role_matrix() {
    let f = fixture().await;
    // Listing.
    assert_eq!(
        call(&f, "GET", "/api/requests", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&f, "GET", "/api/requests", Some("kl_bogus"), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&f, "GET", "/api/requests", Some(&f.i01), None).await.0,
        StatusCode::FORBIDDEN
    );
    // Submitting.
    assert_eq!(
        call(&f, "POST", "/api/requests", None, Some(submission()))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(
            &f,
            "POST",
            "/api/requests",
            Some(&f.i01),
            Some(submission())
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (s, body) = call(
        &f,
        "POST",
        "/api/requests",
        Some(&f.malvik),
        Some(submission()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let malvik_id = serde_json::from_str::<Value>(&body).expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut other = submission();
    other["association"] = json!("melhus");
    assert_eq!(
        call(
            &f,
            "POST",
            "/api/requests",
            Some(&f.malvik),
            Some(other.clone())
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&f, "POST", "/api/requests", Some(&f.coord_hub), Some(other))
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        call(
            &f,
            "POST",
            "/api/requests",
            Some(&f.coord_all),
            Some(submission())
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    // Each association sees only its own.
    let (s, body) = call(&f, "GET", "/api/requests", Some(&f.melhus), None).await;
    assert_eq!(s, StatusCode::OK);
    let list: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(list.len(), 1);
    assert!(list.iter().all(|r| r["association"] == "melhus") && !body.contains("malvik"));
    let (_, body) = call(&f, "GET", "/api/requests", Some(&f.coord_all), None).await;
    assert_eq!(
        serde_json::from_str::<Vec<Value>>(&body)
            .expect("json")
            .len(),
        2
    );
    // Withdrawing: another association's request does not exist for you.
    let uri = format!("/api/requests/{malvik_id}/withdraw");
    assert_eq!(
        call(&f, "POST", &uri, None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&f, "POST", &uri, Some(&f.i01), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&f, "POST", &uri, Some(&f.melhus), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&f, "POST", &uri, Some(&f.malvik), None).await.0,
        StatusCode::OK
    );
    let (_, body) = call(&f, "GET", "/api/requests", Some(&f.malvik), None).await;
    assert!(body.contains("\"withdrawn\""), "{body}");
    // A revoked token stops working.
    assert!(f.state.store.revoke_token(&f.melhus).await.expect("revoke"));
    assert_eq!(
        call(&f, "GET", "/api/requests", Some(&f.melhus), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_stored() {
    let f = fixture().await;
    let (s, body) = call_raw(&f, "{\"topic\": ", &f.malvik).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("ugyldig JSON"), "{body}");
    let mut unknown = submission();
    unknown["colour"] = json!("blue");
    assert_eq!(
        call(&f, "POST", "/api/requests", Some(&f.malvik), Some(unknown))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let mut bad = submission();
    bad["series"]["end"] = json!("09:00");
    bad["language"] = json!("xx");
    let (s, body) = call(
        &f,
        "POST",
        "/api/requests?lang=en",
        Some(&f.malvik),
        Some(bad),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let errors: Value = serde_json::from_str(&body).expect("json");
    let fields: Vec<&str> = errors["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert!(
        fields.contains(&"end") && fields.contains(&"language"),
        "{body}"
    );
    let huge = format!(
        "{{\"topic\": \"{}\"}}",
        "x".repeat(klynge::server::BODY_LIMIT + 10)
    );
    assert_eq!(
        call_raw(&f, &huge, &f.malvik).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert!(
        f.state
            .store
            .live_requests(None)
            .await
            .expect("list")
            .is_empty(),
        "nothing half-made is stored"
    );
}

async fn call_raw(f: &Fixture, body: &str, token: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method("POST")
        .uri("/api/requests")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .expect("request");
    send(f, req).await
}

#[tokio::test]
async fn runs_assignments_answers_and_feed_role_matrix() {
    let f = fixture().await;
    for t in [&f.malvik, &f.i01] {
        assert_eq!(
            call(&f, "GET", "/api/runs", Some(t), None).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            call(&f, "POST", "/api/runs", Some(t), None).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            call(&f, "POST", "/api/runs/1/publish", Some(t), None)
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        call(&f, "GET", "/api/runs", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&f, "POST", "/api/runs", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(
            &f,
            "POST",
            "/api/requests",
            Some(&f.malvik),
            Some(submission())
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(common::service::plan(&f.state, &f.coord_hub).await, 1);
    assert_eq!(
        call(&f, "POST", "/api/runs/99/publish", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Publishing needs approval first.
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call(&f, "POST", "/api/runs/1/approve", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::OK
    );
    let (s, body) = call(&f, "GET", "/api/runs", Some(&f.coord_all), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("\"published\""), "{body}");
    // Repairing the published run with nothing changed changes nothing.
    let repaired = common::service::repair(&f.state, &f.coord_all, 1).await;
    assert_eq!(
        repaired["changes"].as_array().map(Vec::len),
        Some(0),
        "{repaired}"
    );

    // Assignments: an instructor sees only their own; associations none.
    assert_eq!(
        call(&f, "GET", "/api/assignments", Some(&f.malvik), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&f, "GET", "/api/assignments", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, body) = call(&f, "GET", "/api/assignments", Some(&f.i01), None).await;
    assert_eq!(s, StatusCode::OK);
    let mine: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert!(mine.iter().all(|a| a["instructor"] == "i01"));
    let (_, body) = call(&f, "GET", "/api/assignments", Some(&f.coord_all), None).await;
    let all: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert!(all.len() > mine.len());
    // Answers: only on one's own assignments.
    let other = all
        .iter()
        .find(|a| a["instructor"] != "i01")
        .expect("someone else's");
    let uri = format!(
        "/api/assignments/1/{}/accept",
        other["request"].as_str().expect("request")
    );
    assert_eq!(
        call(&f, "POST", &uri, Some(&f.i01), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&f, "POST", &uri, Some(&f.coord_all), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&f, "POST", &uri, Some(&f.malvik), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&f, "POST", &uri, None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    if let Some(a) = mine.first() {
        let uri = format!(
            "/api/assignments/1/{}/accept",
            a["request"].as_str().expect("request")
        );
        assert_eq!(
            call(&f, "POST", &uri, Some(&f.i01), None).await.0,
            StatusCode::OK
        );
        let uri = format!(
            "/api/assignments/1/{}/maybe",
            a["request"].as_str().expect("request")
        );
        assert_eq!(
            call(&f, "POST", &uri, Some(&f.i01), None).await.0,
            StatusCode::BAD_REQUEST
        );
    }
    // The calendar feed: made by the instructor, read by its secret alone.
    assert_eq!(
        call(&f, "POST", "/api/feed", Some(&f.malvik), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&f, "POST", "/api/feed", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, body) = call(&f, "POST", "/api/feed", Some(&f.i01), None).await;
    assert_eq!(s, StatusCode::OK);
    let url = serde_json::from_str::<Value>(&body).expect("json")["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let (s, ics) = call(&f, "GET", &url, None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        ics.starts_with("BEGIN:VCALENDAR")
            && ics.matches("BEGIN:VEVENT").count()
                == mine
                    .iter()
                    .map(|a| a["sessions"].as_array().map_or(0, Vec::len))
                    .sum::<usize>()
    );
    assert_eq!(
        call(&f, "GET", "/calendar/not-a-secret.ics", None, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pages_need_the_right_role_and_show_errors_beside_fields() {
    let f = fixture().await;
    let page =
        |uri: &'static str, cookie: Option<&str>, method: &'static str, form: Option<&str>| {
            let (cookie, form) = (cookie.map(str::to_owned), form.map(str::to_owned));
            let f = &f;
            async move { page_call(f, method, uri, cookie.as_deref(), form.as_deref()).await }
        };
    assert_eq!(page("/", None, "GET", None).await.0, StatusCode::OK);
    assert_eq!(
        page("/association", None, "GET", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        page("/coordinator", Some(&f.malvik), "GET", None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page("/instructor", Some(&f.malvik), "GET", None).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, html) = page("/association", Some(&f.malvik), "GET", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Be om instruktør") && html.contains("Seniornett Malvik"));
    let (s, html) = page("/association?lang=en", Some(&f.malvik), "GET", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Request an instructor"));
    let bad = "topic=epost&language=nb&first_date=2027-02-01&start=12%3A00&end=10%3A00&count=4&interval_days=7&instructors_needed=1&priority=3&note=";
    let (s, html) = page("/association/requests", Some(&f.malvik), "POST", Some(bad)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("id=\"err-end\""),
        "the error stands beside the end field"
    );
    assert!(html.contains("value=\"12:00\""), "what was typed is kept");
    let good = bad.replace("start=12%3A00&end=10%3A00", "start=10%3A00&end=12%3A00");
    let (s, _) = page(
        "/association/requests",
        Some(&f.malvik),
        "POST",
        Some(&good),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        f.state
            .store
            .live_requests(Some("malvik"))
            .await
            .expect("list")
            .len(),
        1
    );
    let (s, _) = page(
        "/login",
        None,
        "POST",
        Some(&format!("token={}&lang=nb", f.i01)),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        page("/login", None, "POST", Some("token=kl_nope&lang=nb"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

/// 200 submissions at once over real TCP on loopback: every one is answered 201 and stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_submissions_are_all_stored() {
    let f = fixture().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(axum::serve(listener, router(f.state.clone())).into_future());
    let body = submission().to_string();
    let mut tasks = Vec::new();
    for k in 0..200 {
        let token = if k % 2 == 0 {
            f.malvik.clone()
        } else {
            f.melhus.clone()
        };
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::timeout(
                std::time::Duration::from_secs(60),
                post(addr, &token, &body),
            )
            .await
            .expect("in time")
        }));
    }
    let mut created = 0;
    for t in tasks {
        if t.await.expect("task").starts_with("HTTP/1.1 201") {
            created += 1;
        }
    }
    server.abort();
    assert_eq!(created, 200);
    assert_eq!(
        f.state.store.live_requests(None).await.expect("list").len(),
        200
    );
}

/// A minimal HTTP/1.1 POST; returns the whole response.
async fn post(addr: std::net::SocketAddr, token: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "POST /api/requests HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    out
}

#[tokio::test]
async fn a_decline_is_repaired_into_a_new_proposed_run_without_that_assignment() {
    let f = fixture().await;
    assert_eq!(common::service::plan(&f.state, &f.coord_all).await, 1);
    // Publishing needs approval first.
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call(&f, "POST", "/api/runs/1/approve", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", Some(&f.coord_all), None)
            .await
            .0,
        StatusCode::OK
    );
    let (_, body) = call(&f, "GET", "/api/assignments", Some(&f.i01), None).await;
    let mine: Vec<Value> = serde_json::from_str(&body).expect("json");
    let request = mine.first().expect("i01 has an assignment in the pilot")["request"]
        .as_str()
        .expect("id")
        .to_owned();
    let (s, body) = call(
        &f,
        "POST",
        &format!("/api/assignments/1/{request}/decline"),
        Some(&f.i01),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let repair = serde_json::from_str::<Value>(&body).expect("json")["repair_run"]
        .as_i64()
        .expect("a repair run");
    let before = f.state.store.run(1).await.expect("run 1");
    let after = f.state.store.run(repair).await.expect("repair run");
    assert_eq!(after.summary.status, "proposed");
    assert_eq!(after.summary.scenario, "service-repair-of-1");
    assert!(
        !after
            .assignments
            .iter()
            .any(|a| a.request == request && a.instructor == "i01")
    );
    // Only what must change changes: at most the declined request and whatever it displaces.
    let changes = klynge::compare::diff(&before.assignments, &after.assignments);
    assert!(!changes.is_empty() && changes.len() <= 4, "{changes:?}");
    assert!(
        after.summary.figures.weighted_covered + 1e-9
            >= before.summary.figures.weighted_covered - 10.0 * 5.0
    );
}

/// Submissions that arrive while a plan runs are stored, and the next plan includes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_during_a_plan_are_kept_for_the_next_one() {
    let f = Arc::new(fixture().await);
    let planner = {
        let f = f.clone();
        tokio::spawn(async move { f.state.plan_now(&all()).await.expect("plan") })
    };
    let mut submitted = Vec::new();
    for _ in 0..20 {
        let (s, body) = call(
            &f,
            "POST",
            "/api/requests",
            Some(&f.malvik),
            Some(submission()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        submitted.push(
            serde_json::from_str::<Value>(&body).expect("json")["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let first = planner.await.expect("first plan");
    let second = f.state.plan_now(&all()).await.expect("second plan");
    let run = f.state.store.run(second).await.expect("run");
    for id in &submitted {
        assert!(
            run.dataset.requests.iter().any(|r| &r.id == id),
            "{id} missing from the next plan"
        );
    }
    assert!(second > first);
}

/// The service on PostgreSQL: submit, plan, publish, list — as on SQLite.
#[tokio::test]
async fn the_service_works_on_postgres() {
    let Some(db) = common::pg::pg_database().await else {
        return;
    };
    let store = Store::open(&db.url).await.expect("open");
    let f = fixture_on(store, tempfile::tempdir().expect("tempdir")).await;
    let (coord, malvik) = (f.coord_all.clone(), f.malvik.clone());
    assert_eq!(
        call(
            &f,
            "POST",
            "/api/requests",
            Some(&malvik),
            Some(submission())
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(common::service::plan(&f.state, &coord).await, 1);
    assert_eq!(
        call(&f, "POST", "/api/runs/1/approve", Some(&coord), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish", Some(&coord), None)
            .await
            .0,
        StatusCode::OK
    );
    let (s, body) = call(&f, "GET", "/api/requests", Some(&malvik), None).await;
    assert_eq!(s, StatusCode::OK);
    let list: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(list.len(), 1);
    assert_ne!(
        list[0]["status"], "submitted",
        "the plan has decided on it: {body}"
    );
    db.finish().await;
}

/// Every page, for every role: no or a bad token is 401, the wrong role 403, the right
/// role gets through.
#[tokio::test]
async fn pages_role_matrix() {
    let f = fixture().await;
    assert_eq!(common::service::plan(&f.state, &f.coord_all).await, 1);
    let pages: [(&str, &str, Role); 15] = [
        ("POST", "/coordinator/runs/1/approve", Role::Coordinator),
        ("GET", "/association", Role::Association),
        ("POST", "/association/requests", Role::Association),
        (
            "POST",
            "/association/requests/q0/withdraw",
            Role::Association,
        ),
        ("GET", "/coordinator", Role::Coordinator),
        ("POST", "/coordinator/plan", Role::Coordinator),
        ("POST", "/coordinator/runs/1/publish", Role::Coordinator),
        ("POST", "/coordinator/runs/1/repair", Role::Coordinator),
        ("GET", "/coordinator/jobs/1", Role::Coordinator),
        ("POST", "/coordinator/jobs/1/retry", Role::Coordinator),
        ("GET", "/instructor", Role::Instructor),
        ("POST", "/instructor/feed", Role::Instructor),
        ("POST", "/instructor/1/r01/accept", Role::Instructor),
        ("POST", "/instructor/1/r01/maybe", Role::Instructor),
        ("GET", "/instructor?lang=en", Role::Instructor),
    ];
    let token = |r: Role| match r {
        Role::Coordinator => f.coord_hub.clone(),
        Role::Association => f.malvik.clone(),
        Role::Instructor => f.i01.clone(),
    };
    for (method, uri, right) in pages {
        let form = (method == "POST").then_some("topic=epost");
        for (cookie, expected) in [
            (None, Some(StatusCode::UNAUTHORIZED)),
            (Some("kl_bad".to_string()), Some(StatusCode::UNAUTHORIZED)),
        ] {
            assert_eq!(
                page_call(&f, method, uri, cookie.as_deref(), form).await.0,
                expected.expect("status"),
                "{method} {uri}"
            );
        }
        for role in [Role::Coordinator, Role::Association, Role::Instructor] {
            let (s, _) = page_call(&f, method, uri, Some(&token(role)), form).await;
            if role == right {
                assert!(
                    s != StatusCode::UNAUTHORIZED && s != StatusCode::FORBIDDEN,
                    "{method} {uri} as {role:?}: {s}"
                );
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{method} {uri} as {role:?}");
            }
        }
    }
    // The instructor's calendar link works.
    let (s, html) = page_call(&f, "POST", "/instructor/feed", Some(&f.i01), Some("")).await;
    assert_eq!(s, StatusCode::OK);
    let start = html.find("/calendar/").expect("link");
    let end = html[start..].find(".ics").expect("ics") + start + 4;
    assert_eq!(
        call(&f, "GET", &html[start..end], None, None).await.0,
        StatusCode::OK
    );
}

async fn page_call(
    f: &Fixture,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    // A page takes the bearer token too (the browser's session cookie is tested in
    // tests/hostile.rs and tests/browser.rs).
    if let Some(c) = cookie {
        req = req.header("authorization", format!("Bearer {c}"));
    }
    let req = match form {
        Some(b) => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(b.to_owned())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    send(f, req).await
}
