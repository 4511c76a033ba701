//! The service in a real browser: headless Chromium driven over WebDriver (Debian's
//! chromium and chromium-driver; `.ci/run` installs them). An association submits a
//! request through the form, a coordinator plans and publishes, and the association's page
//! then names its instructor. Where no browser is installed, the test says so loudly and
//! skips.

use common::browser::wd;
use klynge::server::router;

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn association_form_to_published_instructor_in_headless_chromium() {
    if !common::browser::available() {
        return;
    }
    // The service, on loopback.
    let f = common::service::fixture().await;
    let (coordinator, malvik, state) = (f.coord_hub.clone(), f.malvik.clone(), f.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let app = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(axum::serve(listener, router(state.clone())).into_future());

    // The browser.
    let (b, _driver) = common::browser::start(f.dir.path()).await;
    let addr = b.driver;

    // 1. The association submits a course request through the form.
    b.login(&app, &malvik).await;
    assert_eq!(
        b.wait_text("h1", "Kursforespørsler").await,
        "Kursforespørsler"
    );
    b.script("document.getElementById('topic').value = 'smarttelefon'; document.getElementById('first_date').value = '2027-01-13';").await;
    b.type_into("#start", "11:00").await;
    b.type_into("#end", "13:00").await;
    b.type_into("#note", "Biblioteket").await;
    b.click("#submit").await;
    let status = b
        .wait_text("#requests tr[data-request] .status", "sendt inn")
        .await;
    assert_eq!(
        status, "sendt inn",
        "the new request is listed as submitted"
    );

    // 2. The coordinator plans, approves and publishes.
    b.login(&app, &coordinator).await;
    assert_eq!(b.wait_text("h1", "Koordinator").await, "Koordinator");
    b.click("#plan").await;
    // The plan is a job: its page follows it (refreshing itself) and then links to the run.
    assert_eq!(b.wait_text("#job-status", "Ferdig").await, "Ferdig");
    b.click("#job-run a").await;
    assert_eq!(
        b.wait_text("#runs tr[data-run] .status", "foreslått").await,
        "foreslått"
    );
    // Publishing needs approval: a proposed run offers Approve only.
    b.click(".approve").await;
    assert_eq!(
        b.wait_text("#runs tr[data-run] .status", "godkjent").await,
        "godkjent"
    );
    b.click(".publish").await;
    assert_eq!(
        b.wait_text("#runs tr[data-run] .status", "publisert").await,
        "publisert"
    );

    // 3. The association's page names its instructor.
    b.login(&app, &malvik).await;
    let status = b
        .wait_text("#requests tr[data-request] .status", "foreslått")
        .await;
    let instructors = b.text("#requests tr[data-request] .instructors").await;
    assert_eq!(status, "foreslått", "proposed, with the instructor named");
    let run = state.store.run(1).await.expect("run");
    let live = state
        .store
        .live_requests(Some("malvik"))
        .await
        .expect("live");
    let id = &live[0].request.id;
    let names: Vec<String> = run
        .assignments
        .iter()
        .filter(|a| &a.request == id)
        .filter_map(|a| {
            run.dataset
                .instructors
                .iter()
                .find(|i| i.id == a.instructor)
                .map(|i| i.name.clone())
        })
        .collect();
    assert!(
        !names.is_empty(),
        "the submitted request is covered in the pilot"
    );
    assert_eq!(instructors, names.join(", "));

    wd(addr, "DELETE", &format!("/session/{}", b.session), None).await;
    server.abort();
}

/// The public overview of a municipality in a real browser: on a phone's 390 px nothing is
/// off-screen, printing hides the links that only work on screen and writes out the web
/// addresses, and no instructor is named anywhere on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_overview_reads_on_a_phone_and_prints_in_headless_chromium() {
    if !common::browser::available() {
        return;
    }
    let f = common::service::fixture().await;
    let all = common::service::all_clusters();
    let run = f.state.plan_now(&all).await.expect("plan");
    f.state.approve(&all, run).await.expect("approve");
    f.state.publish(&all, run).await.expect("publish");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let app = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(axum::serve(listener, router(f.state.clone())).into_future());
    let (b, _driver) = common::browser::start(f.dir.path()).await;

    b.size(390, 844).await;
    b.go(&format!("{app}/tilbud/Trondheim?from=2027-01-11&weeks=12"))
        .await;
    assert_eq!(
        b.wait_text("h1", "Digital hjelp i Trondheim").await,
        "Digital hjelp i Trondheim"
    );
    let width = b.eval("window.innerWidth").await;
    let scroll = b.eval("document.documentElement.scrollWidth").await;
    assert!(
        width.as_i64().is_some_and(|w| w <= 400) && scroll.as_i64() <= width.as_i64(),
        "nothing off-screen at 390 px: page {scroll} wide in a window of {width}"
    );
    let offer = b.text("#offers li").await;
    assert!(offer.contains("Trondheim folkebibliotek"), "{offer}");
    let shown = |css: &str| format!("getComputedStyle(document.querySelector('{css}')).display");
    assert_ne!(b.eval(&shown("#other-forms")).await, "none", "on screen");

    b.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "media": "print" }),
    )
    .await;
    assert_eq!(
        b.eval(&shown("#other-forms")).await,
        "none",
        "printed: the calendar links are hidden"
    );
    let after = b
        .eval("getComputedStyle(document.querySelector('#offers a'), '::after').content")
        .await;
    assert!(
        after
            .as_str()
            .is_some_and(|c| c.contains("https://bibliotek-trondheim")),
        "printed: the web address is written out: {after}"
    );

    let text = b.eval("document.body.innerText").await;
    let text = text.as_str().unwrap_or_default();
    assert!(text.contains("Kurs fra seniornettforeningene"), "{text}");
    for i in &f
        .state
        .store
        .run(run)
        .await
        .expect("run")
        .dataset
        .instructors
    {
        assert!(
            !text.contains(&i.name),
            "{} is named on a public page",
            i.name
        );
    }
    b.quit().await;
    server.abort();
}
