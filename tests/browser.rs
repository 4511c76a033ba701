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
    // Time inputs are set as a date picker sets them (typing depends on the browser's locale).
    b.script("document.getElementById('start').value = '11:00'; document.getElementById('end').value = '13:00';").await;
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

/// Every page, as each role sees it, at a desktop's 1280 px and a phone's 390 px: a
/// screenshot of each (under `target/tmp/screenshots/`), every action button inside the
/// window and at least 44 px tall, nothing wider than the window, and axe-core's serious
/// and critical findings none. The keyboard reaches the skip link first, and focus shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_at_1280_and_390_px_as_each_role_is_usable_and_passes_axe() {
    if !common::browser::available() {
        return;
    }
    let axe = common::browser::axe_source();
    let f = common::service::fixture().await;
    let state = f.state.clone();
    let all = common::service::all_clusters();
    let malvik = klynge::store::Principal {
        role: klynge::store::Role::Association,
        subject: "malvik".into(),
    };
    let submission: klynge::app::requests::Submission = serde_json::from_value(serde_json::json!({
        "topic": "smarttelefon", "language": "nb",
        "series": { "first_date": "2027-01-13", "start": "11:00", "end": "13:00", "count": 4, "interval_days": 7 },
        "note": "Biblioteket"
    }))
    .expect("submission");
    let request = state
        .submit(&malvik, "malvik", &submission, klynge::i18n::Lang::Nb)
        .await
        .expect("submit");
    let published = state.plan_now(&all).await.expect("plan");
    state.approve(&all, published).await.expect("approve");
    state.publish(&all, published).await.expect("publish");
    let proposed = state.plan_now(&all).await.expect("plan again");
    let hub = state
        .principal(&f.coord_hub)
        .await
        .expect("token")
        .expect("hub");
    let job = state.enqueue_plan(&hub).await.expect("job");
    let mine = state.assignments_for(Some("i01")).await.expect("i01's");
    let theirs = mine
        .iter()
        .find(|a| a.run == published)
        .expect("i01 teaches in the published run");
    let seg = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    format!("%{:02X}", c as u32)
                }
            })
            .collect::<String>()
    };

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let app = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(axum::serve(listener, router(state.clone())).into_future());
    let (b, _driver) = common::browser::start(f.dir.path()).await;
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");

    // (role, token, [(name, path)])
    type Pages<'a> = Vec<(&'a str, String)>;
    let roles: Vec<(&str, Option<&str>, Pages)> = vec![
        (
            "public",
            None,
            vec![
                ("login", "/".into()),
                (
                    "overview",
                    "/tilbud/Trondheim?from=2027-01-11&weeks=4".into(),
                ),
            ],
        ),
        (
            "coordinator",
            Some(&f.coord_hub),
            vec![
                ("runs", "/coordinator".into()),
                ("run", format!("/coordinator/runs/{published}")),
                (
                    "run-by-association",
                    format!("/coordinator/runs/{proposed}?by=association"),
                ),
                ("job", format!("/coordinator/jobs/{job}")),
                ("people", "/coordinator/people".into()),
                ("instructor-form", "/coordinator/instructors/i01".into()),
                ("new-association", "/coordinator/associations/new".into()),
                ("new-offer", "/coordinator/offers/new".into()),
                (
                    "retire-confirm",
                    "/coordinator/instructors/i01/retire".into(),
                ),
                ("hours", "/coordinator/hours".into()),
            ],
        ),
        (
            "association",
            Some(&f.malvik),
            vec![
                ("requests", "/association".into()),
                (
                    "withdraw-confirm",
                    format!("/association/requests/{}/withdraw", seg(&request)),
                ),
            ],
        ),
        (
            "instructor",
            Some(&f.i01),
            vec![
                ("courses", "/instructor".into()),
                (
                    "decline-confirm",
                    format!(
                        "/instructor/{}/{}/decline",
                        theirs.run,
                        seg(&theirs.request)
                    ),
                ),
            ],
        ),
    ];

    let mut problems: Vec<String> = Vec::new();
    let mut visited = 0;
    for (role, token, pages) in &roles {
        if let Some(token) = token {
            b.viewport(1280, 900).await;
            b.login(&app, token).await;
            b.find("#logout").await;
        }
        for (name, path) in pages {
            for width in [1280u32, 390] {
                b.viewport(width, if width < 500 { 844 } else { 900 }).await;
                b.go(&format!("{app}{path}")).await;
                b.find("h1").await;
                b.screenshot(&shots.join(format!("{role}-{name}-{width}.png")))
                    .await;
                for p in b.check_layout(width).await {
                    problems.push(format!("{role} {path} at {width} px: {p}"));
                }
                if let Some(axe) = &axe {
                    for p in b.axe(axe).await {
                        problems.push(format!("{role} {path} at {width} px: axe: {p}"));
                    }
                }
                visited += 1;
            }
        }
    }
    // Pages that only come after a form: a request with mistakes, the calendar link.
    b.login(&app, &f.malvik).await;
    b.find("#logout").await;
    for width in [1280u32, 390] {
        b.viewport(width, 900).await;
        b.go(&format!("{app}/association")).await;
        b.script("document.getElementById('first_date').value = '2019-01-01';")
            .await;
        b.click("#submit").await;
        b.find("#error-summary").await;
        let summary = b.text("#error-summary").await;
        assert!(
            summary.contains("2019"),
            "the summary names the day: {summary}"
        );
        let described = b
            .eval("document.getElementById('first_date').getAttribute('aria-describedby')")
            .await;
        assert_eq!(
            described, "err-first_date",
            "the error is tied to its field"
        );
        b.screenshot(&shots.join(format!("association-form-errors-{width}.png")))
            .await;
        for p in b.check_layout(width).await {
            problems.push(format!("association form with errors at {width} px: {p}"));
        }
        if let Some(axe) = &axe {
            for p in b.axe(axe).await {
                problems.push(format!(
                    "association form with errors at {width} px: axe: {p}"
                ));
            }
        }
    }
    b.login(&app, &f.i01).await;
    b.find("#logout").await;
    for width in [1280u32, 390] {
        b.viewport(width, 900).await;
        b.go(&format!("{app}/instructor")).await;
        b.click("#feed").await;
        b.find("#webcal").await;
        let webcal = b
            .eval("document.getElementById('webcal').getAttribute('href')")
            .await;
        assert!(
            webcal.as_str().is_some_and(|h| h.starts_with("webcal://")),
            "{webcal}"
        );
        b.find("#feed-qr svg").await;
        b.screenshot(&shots.join(format!("instructor-feed-{width}.png")))
            .await;
        for p in b.check_layout(width).await {
            problems.push(format!("instructor feed at {width} px: {p}"));
        }
        if let Some(axe) = &axe {
            for p in b.axe(axe).await {
                problems.push(format!("instructor feed at {width} px: axe: {p}"));
            }
        }
    }

    // The keyboard: the first Tab lands on the skip link, which then shows, with a focus ring.
    b.viewport(390, 844).await;
    b.go(&format!("{app}/instructor")).await;
    b.find("h1").await;
    b.press("\u{E004}").await;
    let focused = b
        .eval("(() => { const e = document.activeElement; const r = e.getBoundingClientRect(); return [e.className, r.left >= 0 && r.right <= window.innerWidth, getComputedStyle(e).outlineStyle]; })()")
        .await;
    assert_eq!(
        focused[0], "skip",
        "the first Tab reaches the skip link: {focused}"
    );
    assert_eq!(
        focused[1], true,
        "the focused skip link is on screen: {focused}"
    );
    assert_ne!(focused[2], "none", "focus is visible: {focused}");

    // The checks can fail: a planted image without text and a small button off-screen.
    b.script("document.body.insertAdjacentHTML('beforeend', '<img src=\"data:,\"><button style=\"position:absolute;left:500px;min-height:0;height:20px\">x</button>');").await;
    let layout = b.check_layout(390).await;
    assert!(
        layout.iter().any(|p| p.contains("off-screen"))
            && layout.iter().any(|p| p.contains("< 44")),
        "the layout check sees a planted bad button: {layout:?}"
    );
    if let Some(axe) = &axe {
        let found = b.axe(axe).await;
        assert!(
            found.iter().any(|p| p.contains("image-alt")),
            "axe sees a planted image without text: {found:?}"
        );
    }

    assert!(visited >= 30, "every page at both widths: {visited}");
    assert!(
        problems.is_empty(),
        "{} problems (screenshots in {}):\n{}",
        problems.len(),
        shots.display(),
        problems.join("\n")
    );
    b.quit().await;
    server.abort();
}
