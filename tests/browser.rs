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
        b.wait_text("#runs tr[data-run] .status", "proposed").await,
        "proposed"
    );
    // Publishing needs approval: a proposed run offers Approve only.
    b.click(".approve").await;
    assert_eq!(
        b.wait_text("#runs tr[data-run] .status", "approved").await,
        "approved"
    );
    b.click(".publish").await;
    assert_eq!(
        b.wait_text("#runs tr[data-run] .status", "published").await,
        "published"
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
