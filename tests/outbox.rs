//! People are told: publishing a run leaves a message in the outbox for every instructor and
//! association whose part of the rota changed, in the publication's own transaction, and
//! the deliverer sends them over SMTP to a local sink this test starts
//! (`tests/support/smtp_sink.py`, PyPI's aiosmtpd; `.ci/run` installs it). Without
//! aiosmtpd the delivery tests say so loudly and skip.
//!
//! Long because it follows a message from publication to mailbox — written, sent, failed
//! and retried, listed on the command line, erased — each in its own test.

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use klynge::app::outbox::{Delivered, MAX_ATTEMPTS, Mailer, deliver_pending};
use klynge::compare::{Change, diff};
use klynge::i18n::Lang;
use klynge::run::Run;
use klynge::store::{OutboxEntry, RecipientKind, Store};
use serde_json::Value;

mod common;

use common::service::{Fixture, fixture, fixture_on};
use common::smtp::{Sink, aiosmtpd_available, free_port, to};

// ---------------------------------------------------------------------------------------------
// Helpers over the service

async fn call(f: &Fixture, method: &str, uri: &str) -> (StatusCode, Value) {
    let (status, text) = common::service::api(&f.state, method, uri, &f.coord_all, None).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Plans the pilot as run 1, approves and publishes it.
async fn publish_first(f: &Fixture) {
    assert_eq!(common::service::plan(&f.state, &f.coord_all).await, 1);
    assert_eq!(
        call(f, "POST", "/api/runs/1/approve").await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(f, "POST", "/api/runs/1/publish").await.0,
        StatusCode::OK
    );
}

async fn rows(store: &Store) -> Vec<OutboxEntry> {
    store.outbox(10_000).await.expect("outbox")
}

fn recipients(rows: &[OutboxEntry], kind: RecipientKind) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.recipient_kind == kind)
        .map(|r| r.recipient.clone())
        .collect()
}

/// The instructors whose assignments differ between two rotas.
fn changed_instructors(before: &Run, after: &Run) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in diff(&before.assignments, &after.assignments) {
        let (b, a) = match c {
            Change::Added { instructors, .. } => (vec![], instructors),
            Change::Removed { instructors, .. } => (instructors, vec![]),
            Change::InstructorChanged { before, after, .. } => (before, after),
        };
        out.extend(b.iter().filter(|i| !a.contains(i)).cloned());
        out.extend(a.iter().filter(|i| !b.contains(i)).cloned());
    }
    out
}

fn first_date(run: &Run, request: &str) -> chrono::NaiveDate {
    run.dataset
        .requests
        .iter()
        .find(|r| r.id == request)
        .expect("request")
        .all_sessions()[0]
        .date
}

fn association_name(run: &Run, request: &str) -> String {
    let r = run
        .dataset
        .requests
        .iter()
        .find(|r| r.id == request)
        .expect("request");
    run.dataset
        .association(&r.association)
        .expect("association")
        .name
        .clone()
}

// ---------------------------------------------------------------------------------------------
// Tests

/// The whole way: a publication tells every instructor on the rota and every association
/// with a course in it, by e-mail where they have an address, in bokmål or English; a
/// repair then tells only the people it changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publication_tells_the_people_concerned_and_a_repair_only_those_it_changes() {
    if !aiosmtpd_available() {
        return;
    }
    let sink = Sink::start_on(free_port());
    let f = fixture().await;
    publish_first(&f).await;
    let store = &f.state.store;
    let run1 = store.run(1).await.expect("run 1");
    let first = rows(store).await;
    assert!(first.iter().all(|r| r.run_id == Some(1)));
    let used: BTreeSet<String> = run1
        .assignments
        .iter()
        .map(|a| a.instructor.clone())
        .collect();
    assert_eq!(recipients(&first, RecipientKind::Instructor), used);
    let asking: BTreeSet<String> = run1
        .dataset
        .requests
        .iter()
        .map(|r| r.association.clone())
        .collect();
    assert_eq!(recipients(&first, RecipientKind::Association), asking);
    for r in &first {
        let expected = if r.address.is_some() {
            "pending"
        } else {
            "no_address"
        };
        assert_eq!(r.status, expected, "{r:?}");
    }
    let addressed = first.iter().filter(|r| r.address.is_some()).count();
    assert!(addressed >= 5, "the pilot has addresses: {addressed}");

    let mailer = Mailer::from_url(&sink.url(), "klynge@localhost").expect("mailer");
    let done = deliver_pending(store, &mailer).await.expect("deliver");
    assert_eq!(
        done,
        Delivered {
            sent: addressed,
            failed: 0
        }
    );
    let mails = sink.messages();
    assert_eq!(mails.len(), addressed);
    for r in rows(store).await {
        let expected = if r.address.is_some() {
            "sent"
        } else {
            "no_address"
        };
        assert_eq!(r.status, expected, "{r:?}");
        assert_eq!(r.sent_at.is_some(), r.address.is_some());
    }

    // Kari (i01), bokmål: each of her courses with its association and first date.
    let kari = to(&mails, "kari.bakken@example.org");
    assert_eq!(kari.len(), 1);
    assert_eq!(kari[0]["subject"], "Kursplanen din er oppdatert");
    assert_eq!(kari[0]["mail_from"], "klynge@localhost");
    assert_eq!(kari[0]["charset"], "utf-8");
    let body = kari[0]["body"].as_str().expect("body");
    assert!(body.starts_with("Hei Kari Bakken,"), "{body}");
    assert!(body.contains("Du er satt opp på"), "{body}");
    for a in run1.assignments.iter().filter(|a| a.instructor == "i01") {
        assert!(
            body.contains(&association_name(&run1, &a.request)),
            "{body}"
        );
        let date = Lang::Nb.long_date(first_date(&run1, &a.request));
        assert!(body.contains(&date), "{date} in {body}");
    }
    assert!(
        body.contains("koordinatoren i Seniornett Trondheim"),
        "{body}"
    );
    // Layla (i05) reads English.
    let layla = to(&mails, "layla.haddad@example.org");
    assert_eq!(layla.len(), 1);
    assert_eq!(layla[0]["subject"], "Your course schedule has been updated");
    let body = layla[0]["body"].as_str().expect("body");
    assert!(body.contains("You are scheduled for"), "{body}");
    let some = run1
        .assignments
        .iter()
        .find(|a| a.instructor == "i05")
        .expect("i05 teaches");
    let date = Lang::En.long_date(first_date(&run1, &some.request));
    assert!(body.contains(&date), "{date} in {body}");
    // An association hears who comes; Stjørdal also that r05 has nobody yet.
    let stjordal = to(&mails, "post@seniornett-stjordal.example.org");
    assert_eq!(stjordal.len(), 1);
    assert_eq!(stjordal[0]["subject"], "Kursplanen er oppdatert");
    let body = stjordal[0]["body"].as_str().expect("body");
    assert!(body.contains("kommer"), "{body}");
    assert!(body.contains("ikke funnet noen instruktør ennå"), "{body}");
    // An instructor with no address is recorded, never sent.
    assert!(
        first
            .iter()
            .any(|r| r.recipient == "i04" && r.status == "no_address")
    );

    // Kari says no to one course; the repair is approved and published.
    let declined = run1
        .assignments
        .iter()
        .find(|a| a.instructor == "i01")
        .expect("i01")
        .request
        .clone();
    let (s, body) = common::service::api(
        &f.state,
        "POST",
        &format!("/api/assignments/1/{declined}/decline"),
        &f.i01,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let body: Value = serde_json::from_str(&body).expect("json");
    let repair = body["repair_run"].as_i64().expect("a repair proposal");
    for step in ["approve", "publish"] {
        let (s, body) = call(&f, "POST", &format!("/api/runs/{repair}/{step}")).await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let run2 = store.run(repair).await.expect("repair");
    let second: Vec<OutboxEntry> = rows(store)
        .await
        .into_iter()
        .filter(|r| r.run_id == Some(repair))
        .collect();
    let changed = changed_instructors(&run1, &run2);
    assert!(changed.contains("i01"), "{changed:?}");
    assert_eq!(recipients(&second, RecipientKind::Instructor), changed);
    let moved: BTreeSet<String> = diff(&run1.assignments, &run2.assignments)
        .iter()
        .map(|c| match c {
            Change::Added { request, .. }
            | Change::Removed { request, .. }
            | Change::InstructorChanged { request, .. } => request.clone(),
        })
        .map(|r| {
            run2.dataset
                .requests
                .iter()
                .find(|x| x.id == r)
                .expect("request")
                .association
                .clone()
        })
        .collect();
    assert_eq!(recipients(&second, RecipientKind::Association), moved);

    let done = deliver_pending(store, &mailer).await.expect("deliver");
    let addressed2 = second.iter().filter(|r| r.address.is_some()).count();
    assert_eq!(
        done,
        Delivered {
            sent: addressed2,
            failed: 0
        }
    );
    let mails = sink.messages();
    assert_eq!(mails.len(), addressed + addressed2);
    let kari = to(&mails, "kari.bakken@example.org");
    assert_eq!(kari.len(), 2, "Kari is told again");
    let body = kari[1]["body"].as_str().expect("body");
    assert!(body.contains("er tatt bort fra planen din"), "{body}");
    assert!(body.contains(&association_name(&run1, &declined)), "{body}");
    // Everyone with an address whom the repair did not change heard only once.
    let unchanged: Vec<&str> = [
        ("i02", "ola.strand@example.org"),
        ("i03", "ingrid.solberg@example.org"),
        ("i05", "layla.haddad@example.org"),
        ("i07", "solveig.odegard@example.org"),
    ]
    .into_iter()
    .filter(|(id, _)| !changed.contains(*id) && used.contains(*id))
    .map(|(_, address)| address)
    .collect();
    assert!(
        !unchanged.is_empty(),
        "some addressed instructor keeps the same rota"
    );
    for address in unchanged {
        assert_eq!(to(&mails, address).len(), 1, "{address} is not told again");
    }
}

/// A mail server that is down: every message is marked failed with the error, and sent by
/// a later round once the server is up. Nothing is sent twice.
async fn down_then_up(f: Fixture) {
    let port = free_port();
    publish_first(&f).await;
    let store = &f.state.store;
    let addressed = rows(store)
        .await
        .iter()
        .filter(|r| r.address.is_some())
        .count();
    let mailer = Mailer::from_url(
        &format!("smtp://127.0.0.1:{port}"),
        "Seniornett <klynge@example.org>",
    )
    .expect("mailer");
    let done = deliver_pending(store, &mailer).await.expect("deliver");
    assert_eq!(
        done,
        Delivered {
            sent: 0,
            failed: addressed
        }
    );
    for r in rows(store).await.iter().filter(|r| r.address.is_some()) {
        assert_eq!(r.status, "failed");
        assert_eq!(r.attempts, 1);
        assert!(
            r.last_error.as_deref().is_some_and(|e| !e.is_empty()),
            "{r:?}"
        );
        assert_eq!(r.sent_at, None);
    }
    let sink = Sink::start_on(port);
    let done = deliver_pending(store, &mailer).await.expect("deliver");
    assert_eq!(
        done,
        Delivered {
            sent: addressed,
            failed: 0
        }
    );
    assert_eq!(sink.messages().len(), addressed);
    for r in rows(store).await.iter().filter(|r| r.address.is_some()) {
        assert_eq!(
            (r.status.as_str(), r.attempts, r.last_error.as_deref()),
            ("sent", 2, None)
        );
    }
    assert_eq!(
        deliver_pending(store, &mailer).await.expect("deliver"),
        Delivered::default(),
        "nothing is due any more"
    );
    assert_eq!(sink.messages().len(), addressed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_failing_mail_server_marks_messages_failed_and_a_retry_sends_them() {
    if aiosmtpd_available() {
        down_then_up(fixture().await).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_failing_mail_server_marks_messages_failed_and_a_retry_sends_them() {
    if !aiosmtpd_available() {
        return;
    }
    let Some(db) = common::pg::pg_database().await else {
        return;
    };
    let store = Store::open(&db.url).await.expect("open");
    down_then_up(fixture_on(store, tempfile::tempdir().expect("tempdir")).await).await;
    db.finish().await;
}

/// A message is tried `MAX_ATTEMPTS` times, then stays failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_tried_a_limited_number_of_times() {
    let f = fixture().await;
    publish_first(&f).await;
    let store = &f.state.store;
    let mailer = Mailer::from_url(
        &format!("smtp://127.0.0.1:{}", free_port()),
        "klynge@localhost",
    )
    .expect("mailer");
    for _ in 0..MAX_ATTEMPTS {
        assert!(
            deliver_pending(store, &mailer)
                .await
                .expect("deliver")
                .failed
                > 0
        );
    }
    assert_eq!(
        deliver_pending(store, &mailer).await.expect("deliver"),
        Delivered::default()
    );
    for r in rows(store).await.iter().filter(|r| r.address.is_some()) {
        assert_eq!((r.status.as_str(), r.attempts), ("failed", MAX_ATTEMPTS));
    }
}

/// The outbox rows exist exactly when the publication committed: none for a publication
/// refused (not approved) or rolled back (the outbox write failed), one set for the one
/// that happened, none more for publishing it again.
async fn rows_iff_published(f: Fixture, url: &str, break_sql: &[&str], mend_sql: &[&str]) {
    let store = &f.state.store;
    assert_eq!(common::service::plan(&f.state, &f.coord_all).await, 1);
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish").await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(store.count("outbox").await.expect("count"), 0);
    assert_eq!(store.run_status(1).await.expect("status"), "proposed");
    assert_eq!(
        call(&f, "POST", "/api/runs/1/approve").await.0,
        StatusCode::OK
    );

    // A second connection changes the schema under the service: the outbox write fails.
    let raw = sqlx::AnyPool::connect(url).await.expect("raw connection");
    for sql in break_sql {
        sqlx::query(sqlx::AssertSqlSafe(*sql))
            .execute(&raw)
            .await
            .expect("break");
    }
    let (s, _) = call(&f, "POST", "/api/runs/1/publish").await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(store.count("outbox").await.expect("count"), 0);
    assert_eq!(
        store.run_status(1).await.expect("status"),
        "approved",
        "rolled back"
    );
    for sql in mend_sql {
        sqlx::query(sqlx::AssertSqlSafe(*sql))
            .execute(&raw)
            .await
            .expect("mend");
    }
    raw.close().await;

    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish").await.0,
        StatusCode::OK
    );
    let n = store.count("outbox").await.expect("count");
    assert!(n > 0);
    assert!(rows(store).await.iter().all(|r| r.run_id == Some(1)));
    assert_eq!(
        call(&f, "POST", "/api/runs/1/publish").await.0,
        StatusCode::OK
    );
    assert_eq!(
        store.count("outbox").await.expect("count"),
        n,
        "no second set"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_outbox_rows_exist_iff_the_publication_committed() {
    let f = fixture().await;
    let url = klynge::store::database_url(&f.dir.path().join("k.db").display().to_string());
    rows_iff_published(
        f,
        &url,
        &["CREATE TRIGGER no_mail BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no mail today'); END"],
        &["DROP TRIGGER no_mail"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outbox_rows_exist_iff_the_publication_committed() {
    let Some(db) = common::pg::pg_database().await else {
        return;
    };
    let store = Store::open(&db.url).await.expect("open");
    rows_iff_published(
        fixture_on(store, tempfile::tempdir().expect("tempdir")).await,
        &db.url,
        &[
            "CREATE FUNCTION no_mail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no mail today'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER no_mail BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION no_mail()",
        ],
        &["DROP TRIGGER no_mail ON outbox", "DROP FUNCTION no_mail()"],
    )
    .await;
    db.finish().await;
}

/// GDPR: an instructor's export holds their address and their messages; erasure removes
/// the address from every snapshot, deletes the unsent messages and blanks the sent ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_and_erasure_cover_addresses_and_messages() {
    let f = fixture().await;
    publish_first(&f).await;
    let store = &f.state.store;
    // One of Kari's messages was sent (marked so by hand: no mail server needed here).
    let kari: Vec<OutboxEntry> = store.outbox_of("instructor", "i01").await.expect("outbox");
    assert_eq!(kari.len(), 1);
    let export = store.export_person("i01").await.expect("export");
    let text = export.to_string();
    assert!(text.contains("kari.bakken@example.org"), "{text}");
    assert_eq!(
        export["messages"].as_array().map(Vec::len),
        Some(1),
        "{text}"
    );
    assert!(
        export["messages"][0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("Du er satt opp på"))
    );
    // i02's message is sent; i01's is still pending.
    let ola = store.outbox_of("instructor", "i02").await.expect("outbox");
    assert!(store.claim_message(ola[0].id, 0).await.expect("claim"));
    store.mark_sent(ola[0].id).await.expect("sent");

    store.erase_person("i01").await.expect("erase");
    store.erase_person("i02").await.expect("erase");
    let after = store
        .export_person("i01")
        .await
        .expect("export")
        .to_string();
    assert!(!after.contains("kari.bakken@example.org"), "{after}");
    assert!(
        store
            .outbox_of("instructor", "i01")
            .await
            .expect("outbox")
            .is_empty(),
        "unsent: deleted"
    );
    let ola = store.outbox_of("instructor", "i02").await.expect("outbox");
    assert_eq!(ola.len(), 1, "sent: kept, blanked");
    assert_eq!(ola[0].address, None);
    assert!(!ola[0].body.contains("Ola"), "{}", ola[0].body);
    assert_eq!(ola[0].status, "sent");
    let snapshot = store.run(1).await.expect("run 1");
    assert!(
        snapshot
            .dataset
            .instructors
            .iter()
            .all(|i| i.id != "i01" && i.id != "i02" || i.email.is_none())
    );
    // Other people's messages are untouched.
    assert!(
        store.outbox_of("instructor", "i03").await.expect("outbox")[0]
            .address
            .is_some()
    );
}

/// `klynge outbox` lists who is told what (never the texts), `klynge outbox send` delivers,
/// and without a mail server says what to set.
#[test]
fn the_command_line_lists_and_sends_the_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let klynge = || {
        let mut c = assert_cmd::Command::cargo_bin("klynge").expect("binary");
        c.arg("--db")
            .arg(&db)
            .env_remove("DATABASE_URL")
            .env_remove("KLYNGE_LANG")
            .env_remove("KLYNGE_SMTP_URL")
            .env_remove("KLYNGE_SMTP_FROM");
        c
    };
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trondelag");
    klynge().args(["plan"]).arg(&pilot).assert().success();
    let out = klynge()
        .args(["--lang", "en", "outbox"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("No messages yet."));
    klynge().args(["approve", "1"]).assert().success();
    klynge().args(["publish", "1"]).assert().success();
    let out = klynge()
        .args(["--lang", "en", "outbox"])
        .output()
        .expect("runs");
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{out:?}");
    assert!(
        list.contains("instructor i01") && list.contains("kari.bakken@example.org"),
        "{list}"
    );
    assert!(
        list.contains("instructor i04") && list.contains("no address"),
        "{list}"
    );
    assert!(
        list.contains("pending") && list.contains("Kursplanen din er oppdatert"),
        "{list}"
    );
    assert!(
        !list.contains("Du er satt opp"),
        "no bodies in the listing: {list}"
    );

    let out = klynge()
        .args(["--lang", "en", "outbox", "send"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("KLYNGE_SMTP_URL"),
        "{out:?}"
    );

    if !aiosmtpd_available() {
        return;
    }
    let sink = Sink::start_on(free_port());
    let out = klynge()
        .args(["--lang", "en", "outbox", "send"])
        .env("KLYNGE_SMTP_URL", sink.url())
        .env("KLYNGE_SMTP_FROM", "koordinator@example.org")
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{out:?}");
    let n = sink.messages().len();
    assert!(
        n > 0 && said.contains(&format!("{n} sent, 0 failed")),
        "{said}"
    );
    assert!(
        sink.messages()
            .iter()
            .all(|m| m["mail_from"] == "koordinator@example.org")
    );
    let out = klynge()
        .args(["--lang", "nb", "outbox"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("sendt"));
}
