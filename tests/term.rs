//! A whole term in a real browser (headless Chromium over WebDriver), as issue 9 tells it:
//! the pilot is imported; the coordinator adds an instructor through the page; an
//! instructor marks an away-period; an association asks for two courses; the coordinator
//! plans (a job: its page shows progress and the request never waits), approves and
//! publishes; the new instructor says yes to one course and no to the other; the
//! association sees its published instructor with the proposed change beside it, then the
//! repaired one once the coordinator publishes the repair; and the people concerned got
//! e-mail at a local SMTP sink. Without a browser or aiosmtpd, it says so and skips.

use std::time::Duration;

use klynge::app::outbox::{Mailer, deliver_pending};
use klynge::server::router;
use klynge::store::Role;
use serde_json::Value;

mod common;
use common::browser::Browser;
use common::smtp::{Sink, aiosmtpd_available, free_port, to};

/// Waits (up to 20 s) until the text of `css` contains `needle`; returns the last text.
async fn wait_contains(b: &Browser, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        last = b.text_if_any(css).await.unwrap_or_default();
        if last.contains(needle) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    last
}

/// Sets a form field's value by script (date inputs read their typing by locale).
async fn set(b: &Browser, id: &str, value: &str) {
    b.script(&format!(
        "document.getElementById('{id}').value = {};",
        Value::String(value.into())
    ))
    .await;
}

async fn mails(sink: &Sink, state: &klynge::app::Service) -> Vec<Value> {
    let mailer = Mailer::from_url(&sink.url(), "klynge@localhost").expect("mailer");
    deliver_pending(&state.store, &mailer)
        .await
        .expect("deliver");
    sink.messages()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_term_from_import_to_repaired_rota_in_headless_chromium() {
    if !common::browser::available() || !aiosmtpd_available() {
        return;
    }
    let sink = Sink::start_on(free_port());
    // The pilot, imported into the database; the service with its job worker, on loopback.
    let f = common::service::fixture().await;
    let state = f.state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let app = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(axum::serve(listener, router(state.clone())).into_future());
    let (b, _driver) = common::browser::start(f.dir.path()).await;

    // 1. The coordinator adds an instructor who lives in Malvik, through the page.
    b.login(&app, &f.coord_hub).await;
    assert_eq!(b.wait_text("h1", "Koordinator").await, "Koordinator");
    b.click("#people").await;
    b.click("#add-instructor").await;
    for (id, value) in [
        ("id", "i90"),
        ("name", "Nina Nærvik"),
        ("lat", "63,41162"),
        ("lon", "10,79683"),
        ("max_km", "5"),
        ("max_sessions_per_week", "4"),
        ("email", "nina@example.org"),
    ] {
        b.type_into(&format!("#{id}"), value).await;
    }
    // Topics are checkboxes by name; bokmål is ticked already for a new instructor.
    b.click("input[name='topics.smarttelefon']").await;
    b.type_into("#availability", "ons 09:00–15:00\ntor 09:00–15:00")
        .await;
    b.click("#save").await;
    assert_eq!(
        b.wait_text("tr[data-instructor='i90'] td", "Nina Nærvik")
            .await,
        "Nina Nærvik",
        "the new instructor is listed"
    );

    // 2. An instructor marks an away-period on their own page.
    b.login(&app, &f.i01).await;
    assert_eq!(b.wait_text("h1", "Mine kurs").await, "Mine kurs");
    set(&b, "from", "2027-03-01").await;
    set(&b, "to", "2027-03-07").await;
    b.click("#add-away").await;
    let away = wait_contains(&b, "#away", "01.03.2027–07.03.2027").await;
    assert!(away.contains("01.03.2027–07.03.2027"), "{away}");

    // 3. Malvik asks for two smartphone courses, on Wednesdays and on Thursdays.
    b.login(&app, &f.malvik).await;
    assert_eq!(
        b.wait_text("h1", "Kursforespørsler").await,
        "Kursforespørsler"
    );
    for day in ["2027-01-13", "2027-01-14"] {
        set(&b, "topic", "smarttelefon").await;
        set(&b, "first_date", day).await;
        set(&b, "start", "11:00").await;
        set(&b, "end", "13:00").await;
        set(&b, "count", "2").await;
        b.click("#submit").await;
        wait_contains(&b, "#requests", "sendt inn").await;
    }
    // After the second submission "sendt inn" is already on the page (from the first):
    // wait until the store has both before reading it, up to 10 s.
    let mut live = Vec::new();
    for _ in 0..100 {
        live = state
            .store
            .live_requests(Some("malvik"))
            .await
            .expect("requests");
        if live.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(live.len(), 2);
    let first_day = |l: &klynge::store::LiveRequest| {
        l.request
            .series
            .as_ref()
            .map(|s| s.first_date.to_string())
            .unwrap_or_default()
    };
    let wed = live
        .iter()
        .find(|l| first_day(l) == "2027-01-13")
        .expect("wednesday")
        .request
        .id
        .clone();
    let thu = live
        .iter()
        .find(|l| first_day(l) == "2027-01-14")
        .expect("thursday")
        .request
        .id
        .clone();

    // 4. The coordinator plans: a job, whose page follows it; then approves and publishes.
    b.login(&app, &f.coord_hub).await;
    assert_eq!(b.wait_text("h1", "Koordinator").await, "Koordinator");
    b.click("#plan").await;
    assert!(
        b.text("#job-what").await.contains("jobb"),
        "the job's page is shown at once"
    );
    assert_eq!(b.wait_text("#job-status", "Ferdig").await, "Ferdig");
    b.click("#job-run a").await;
    b.click("tr[data-run='1'] .approve").await;
    assert_eq!(
        b.wait_text("tr[data-run='1'] .status", "godkjent").await,
        "godkjent"
    );
    b.click("tr[data-run='1'] .publish").await;
    assert_eq!(
        b.wait_text("tr[data-run='1'] .status", "publisert").await,
        "publisert"
    );
    let run1 = state.store.run(1).await.expect("run 1");
    let who = |run: &klynge::run::Run, request: &str| -> Vec<String> {
        run.assignments
            .iter()
            .filter(|a| a.request == request)
            .map(|a| a.instructor.clone())
            .collect()
    };
    assert_eq!(
        who(&run1, &wed),
        ["i90"],
        "Nina, who lives there, takes Wednesdays"
    );
    assert_eq!(who(&run1, &thu), ["i90"], "… and Thursdays");
    assert!(
        !run1.assignments.iter().any(|a| a.instructor == "i01"
            && run1
                .dataset
                .requests
                .iter()
                .find(|r| r.id == a.request)
                .is_some_and(|r| r.all_sessions().iter().any(|s| {
                    s.date.to_string().as_str() >= "2027-03-01"
                        && s.date.to_string().as_str() <= "2027-03-07"
                }))),
        "i01 is given nothing in the week they are away"
    );
    let published = mails(&sink, &state).await;
    let nina = to(&published, "nina@example.org");
    assert_eq!(nina.len(), 1, "Nina is told once: {published:?}");
    assert!(
        nina[0]["body"]
            .as_str()
            .unwrap_or("")
            .contains("Seniornett Malvik"),
        "{:?}",
        nina[0]
    );
    assert_eq!(
        to(&published, "leder@seniornett-malvik.example.org").len(),
        1,
        "Malvik is told who comes"
    );

    // 5. Nina says yes to Thursdays and no to Wednesdays.
    let nina_token = state
        .store
        .create_token(Role::Instructor, "i90")
        .await
        .expect("token");
    b.login(&app, &nina_token).await;
    assert_eq!(b.wait_text("h1", "Mine kurs").await, "Mine kurs");
    b.click(&format!(
        "tr[data-run='1'][data-request='{thu}'] form[action$='/accept'] button"
    ))
    .await;
    assert_eq!(
        b.wait_text(
            &format!("tr[data-run='1'][data-request='{thu}'] .answer"),
            "takket ja"
        )
        .await,
        "takket ja"
    );
    // A no asks first, on a page of its own.
    b.click(&format!("tr[data-run='1'][data-request='{wed}'] a.decline"))
        .await;
    b.click("#confirm").await;
    assert_eq!(
        b.wait_text(
            &format!("tr[data-run='1'][data-request='{wed}'] .answer"),
            "takket nei"
        )
        .await,
        "takket nei"
    );

    // 6. Malvik sees Nina, published, with the proposed change beside it.
    b.login(&app, &f.malvik).await;
    let row = wait_contains(
        &b,
        &format!("tr[data-request='{wed}'] .instructors"),
        "endring foreslått",
    )
    .await;
    assert!(
        row.contains("Nina Nærvik") && row.contains("ikke publisert"),
        "{row}"
    );

    // 7. The coordinator approves and publishes the repair; Malvik sees the new instructor.
    let repair = state
        .store
        .runs()
        .await
        .expect("runs")
        .iter()
        .find(|r| r.status == "proposed")
        .map(|r| r.id)
        .expect("the decline made a repair proposal");
    b.login(&app, &f.coord_hub).await;
    b.click(&format!("tr[data-run='{repair}'] .approve")).await;
    b.wait_text(&format!("tr[data-run='{repair}'] .status"), "godkjent")
        .await;
    b.click(&format!("tr[data-run='{repair}'] .publish")).await;
    assert_eq!(
        b.wait_text(&format!("tr[data-run='{repair}'] .status"), "publisert")
            .await,
        "publisert"
    );
    let run2 = state.store.run(repair).await.expect("repair");
    let new = who(&run2, &wed);
    assert!(
        !new.is_empty() && !new.contains(&"i90".to_string()),
        "{new:?}"
    );
    assert_eq!(who(&run2, &thu), ["i90"], "the yes stays");
    let new_name = run2
        .dataset
        .instructors
        .iter()
        .find(|i| i.id == new[0])
        .map(|i| i.name.clone())
        .expect("name");
    b.login(&app, &f.malvik).await;
    let row = wait_contains(
        &b,
        &format!("tr[data-request='{wed}'] .instructors"),
        &new_name,
    )
    .await;
    assert!(
        row.contains(&new_name) && !row.contains("foreslått"),
        "{row}"
    );

    // 8. The repair told Nina (taken off Wednesdays) and Malvik (who comes instead).
    let all = mails(&sink, &state).await;
    assert_eq!(to(&all, "nina@example.org").len(), 2, "{all:?}");
    assert_eq!(
        to(&all, "leder@seniornett-malvik.example.org").len(),
        2,
        "{all:?}"
    );
    let last = to(&all, "leder@seniornett-malvik.example.org")[1]["body"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(last.contains(&new_name), "{last}");

    b.quit().await;
    server.abort();
}
