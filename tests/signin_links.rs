//! Sign-in links by e-mail: a coordinator of the instructor's cluster puts one in the
//! outbox; following it shows a page that asks first (so a mail scanner does not use it
//! up); posting that page signs in once, with a session as a token login gives; a used,
//! an expired and an unknown link are refused with a way to the normal login; another
//! cluster's coordinator cannot send one.

use axum::http::StatusCode;
use sqlx::Executor;

mod common;
use common::service::{TwoClusters, send, two_clusters};

/// Sends `instructor` a sign-in link as `token`: (status, where it goes).
async fn send_link(f: &TwoClusters, token: &str, instructor: &str) -> (StatusCode, String) {
    let bearer = format!("Bearer {token}");
    let (status, headers, body) = send(
        &f.state,
        "POST",
        &format!("/coordinator/instructors/{instructor}/signin-link"),
        &[("authorization", bearer.as_str())],
        String::new(),
    )
    .await;
    let to = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map_or(body, str::to_owned);
    (status, to)
}

/// The secret of the newest sign-in link in `instructor`'s messages.
async fn newest_link(f: &TwoClusters, instructor: &str) -> (String, klynge::store::OutboxEntry) {
    let messages = f
        .state
        .store
        .outbox_of("instructor", instructor)
        .await
        .expect("outbox");
    let m = messages
        .into_iter()
        .rev()
        .find(|m| m.body.contains("/login/link/"))
        .expect("a message with a sign-in link");
    let secret = m
        .body
        .split("/login/link/")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the link's secret")
        .to_owned();
    (secret, m)
}

async fn follow(f: &TwoClusters, method: &str, secret: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = send(
        &f.state,
        method,
        &format!("/login/link/{secret}"),
        &[],
        String::new(),
    )
    .await;
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, format!("{cookie}|{location}"), body)
}

#[tokio::test]
async fn a_sign_in_link_goes_out_by_mail_and_signs_in_once() {
    let f = two_clusters().await;
    let before = f.state.store.count("outbox").await.expect("count");
    let (status, to) = send_link(&f, &f.coord_trondheim, "i01").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.contains("done=link-sent"), "{to}");
    assert_eq!(
        f.state.store.count("outbox").await.expect("count"),
        before + 1,
        "one message"
    );
    let (secret, message) = newest_link(&f, "i01").await;
    assert_eq!(message.run_id, None, "a message about no run");
    assert_eq!(message.status, "pending");
    assert_eq!(message.address.as_deref(), Some("kari.bakken@example.org"));
    assert!(message.subject.contains("Innloggingslenke"), "{message:?}");
    assert!(message.body.contains("Kari Bakken"), "{}", message.body);
    let audit = f.state.store.audit_log(5).await.expect("audit");
    assert!(
        audit.iter().any(|a| a.action == "send sign-in link"
            && a.actor == "coordinator:trondheim"
            && a.subject == "instructor i01"),
        "{audit:?}"
    );

    // Following the link asks first, and asking does not use it up.
    for _ in 0..2 {
        let (status, _, page) = follow(&f, "GET", &secret).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        // The secret is percent-encoded in the form's address, as every path segment.
        let action = format!("action=\"/login/link/{}\"", secret.replace('_', "%5F"));
        assert!(page.contains(&action), "{page}");
    }
    // Posting signs in, as a token login does: a session cookie and the instructor's page.
    let (status, answer, page) = follow(&f, "POST", &secret).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (cookie, location) = answer.split_once('|').expect("cookie|location");
    assert_eq!(location, "/instructor");
    let session = cookie
        .split(';')
        .next()
        .filter(|c| c.starts_with("klynge_session=ks_"))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let (status, _, page) = send(
        &f.state,
        "GET",
        "/instructor",
        &[("cookie", session)],
        String::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Kari Bakken"), "signed in as i01");

    // Once only.
    for method in ["POST", "GET"] {
        let (status, answer, page) = follow(&f, method, &secret).await;
        assert_eq!(status, StatusCode::GONE, "{method}: {page}");
        assert!(page.contains("brukt allerede"), "{page}");
        assert!(page.contains("href=\"/\""), "a way to the login: {page}");
        assert!(!answer.contains("klynge_session"), "{answer}");
    }
}

#[tokio::test]
async fn an_expired_or_unknown_link_is_refused() {
    let f = two_clusters().await;
    let (status, to) = send_link(&f, &f.coord_all, "i01").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (secret, _) = newest_link(&f, "i01").await;
    let url = klynge::store::database_url(&f.dir.path().join("k.db").display().to_string());
    let raw = sqlx::AnyPool::connect(&url).await.expect("raw");
    raw.execute("UPDATE signin_links SET expires_at = '2000-01-01T00:00:00.000Z'")
        .await
        .expect("age the link");
    raw.close().await;
    for method in ["GET", "POST"] {
        let (status, answer, page) = follow(&f, method, &secret).await;
        assert_eq!(status, StatusCode::GONE, "{method}: {page}");
        assert!(page.contains("for gammel"), "{page}");
        assert!(!answer.contains("klynge_session"), "{answer}");
    }
    let (status, _, page) = follow(&f, "POST", "kl_link_nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    assert!(page.contains("Ukjent innloggingslenke"), "{page}");
    let (status, _, page) = send(
        &f.state,
        "GET",
        &format!("/login/link/{}?lang=en", "kl_link_nothing"),
        &[],
        String::new(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Unknown sign-in link"), "{page}");
}

#[tokio::test]
async fn only_a_coordinator_of_the_instructors_cluster_sends_a_link() {
    let f = two_clusters().await;
    let before = f.state.store.count("outbox").await.expect("count");
    // Bergen's coordinator does not see Trondheim's instructor.
    let (status, page) = send_link(&f, &f.coord_bergen, "i01").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    // An instructor may not send one, not even to themselves.
    let (status, page) = send_link(&f, &f.i01, "i01").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    // Nothing was written.
    assert_eq!(f.state.store.count("outbox").await.expect("count"), before);
    assert!(
        !f.state
            .store
            .audit_log(50)
            .await
            .expect("audit")
            .iter()
            .any(|a| a.action == "send sign-in link"),
        "nothing audited"
    );
    // Bergen's own instructor has no address: said so, and nothing is written.
    let (status, page) = send_link(&f, &f.coord_bergen, "b01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("ingen e-postadresse"), "{page}");
    assert_eq!(f.state.store.count("outbox").await.expect("count"), before);
}

/// The store's side on both backends: a link and its message in one go, good once, and
/// none for a person without a valid token.
async fn links_in_store(url: &str) {
    use klynge::store::{LinkState, LinkUse, NewMessage, RecipientKind, Role, Store};
    let store = Store::open(url).await.expect("open");
    let message = |secret: &str| NewMessage {
        recipient_kind: RecipientKind::Instructor,
        recipient: "i01".into(),
        address: Some("kari.bakken@example.org".into()),
        lang: "nb".into(),
        subject: "Innloggingslenke til klynge".into(),
        body: format!("https://klynge.example.org/login/link/{secret}"),
    };
    let day = chrono::Duration::hours(24);
    let none = store
        .create_signin_link(Role::Instructor, "i01", day, message)
        .await
        .expect("no token");
    assert_eq!(none, None, "no token, no link");
    assert_eq!(
        store.count("outbox").await.expect("count"),
        0,
        "nor a message"
    );
    store
        .create_token(Role::Instructor, "i01")
        .await
        .expect("token");
    let secret = store
        .create_signin_link(Role::Instructor, "i01", day, message)
        .await
        .expect("link")
        .expect("a token, a link");
    let sent = store.outbox(10).await.expect("outbox");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].run_id, None);
    assert!(sent[0].body.ends_with(&secret));
    assert!(matches!(
        store.signin_link_state(&secret).await.expect("state"),
        LinkState::Good(_)
    ));
    let LinkUse::SignedIn(who, session) = store.use_signin_link(&secret, day).await.expect("use")
    else {
        panic!("the first use signs in");
    };
    assert_eq!((who.role, who.subject.as_str()), (Role::Instructor, "i01"));
    let held = store.session_principal(&session).await.expect("session");
    assert_eq!(held.map(|p| p.subject), Some("i01".to_owned()));
    assert_eq!(
        store.use_signin_link(&secret, day).await.expect("again"),
        LinkUse::Used
    );
    let old = store
        .create_signin_link(
            Role::Instructor,
            "i01",
            chrono::Duration::hours(-1),
            message,
        )
        .await
        .expect("link")
        .expect("a link");
    assert_eq!(
        store.use_signin_link(&old, day).await.expect("old"),
        LinkUse::Expired
    );
    assert_eq!(
        store.use_signin_link("kl_link_x", day).await.expect("x"),
        LinkUse::Unknown
    );
    store.close().await;
}

#[tokio::test]
async fn sqlite_keeps_sign_in_links() {
    let dir = tempfile::tempdir().expect("tempdir");
    links_in_store(&dir.path().join("k.db").display().to_string()).await;
}

#[tokio::test]
async fn postgres_keeps_sign_in_links() {
    let Some(db) = common::pg::pg_database().await else {
        return;
    };
    links_in_store(&db.url).await;
    db.finish().await;
}
