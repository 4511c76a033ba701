//! A headless Chromium driven over WebDriver (Debian's chromium and chromium-driver;
//! `.ci/run` installs them), for the browser tests.

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A WebDriver call; retried a few times, since a busy chromedriver may drop a connection.
pub async fn wd(addr: SocketAddr, method: &str, path: &str, body: Option<Value>) -> Value {
    for _ in 0..5 {
        if let Some(v) = wd_once(addr, method, path, body.clone()).await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("chromedriver does not answer {method} {path}");
}

/// A minimal HTTP/1.1 JSON client for the WebDriver wire protocol; None when the
/// connection drops.
pub async fn wd_once(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Option<Value> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.ok()?;
    // chromedriver keeps the connection open: read the head, then Content-Length bytes.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let payload = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
    Some(serde_json::from_str(&payload).unwrap_or_else(|e| panic!("webdriver said {payload}: {e}")))
}

pub struct Browser {
    pub driver: SocketAddr,
    pub session: String,
}

impl Browser {
    pub async fn go(&self, url: &str) {
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({ "url": url })),
        )
        .await;
    }
    /// The element matching `css` (the session waits up to its implicit timeout for it).
    pub async fn find(&self, css: &str) -> String {
        let v = wd(
            self.driver,
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({ "using": "css selector", "value": css })),
        )
        .await;
        assert!(v["value"]["error"].is_null(), "no element {css}: {v}");
        v["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }

    /// Waits (up to 15 s) until the text of `css` is `expected`; pages change after a
    /// click only once the server has answered.
    pub async fn wait_text(&self, css: &str, expected: &str) -> String {
        let mut last = String::new();
        // Bounded by time, not tries: each try may wait the session's implicit timeout.
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            let v = wd(
                self.driver,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
            if let Some(e) = v["value"]
                .as_object()
                .filter(|o| !o.contains_key("error"))
                .and_then(|o| o.values().next())
                .and_then(Value::as_str)
            {
                let t = wd(
                    self.driver,
                    "GET",
                    &format!("/session/{}/element/{e}/text", self.session),
                    None,
                )
                .await;
                last = t["value"].as_str().unwrap_or("").to_owned();
                if last == expected {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        last
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/element/{e}/clear", self.session),
            Some(json!({})),
        )
        .await;
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/element/{e}/value", self.session),
            Some(json!({ "text": text })),
        )
        .await;
    }
    pub async fn click(&self, css: &str) {
        let e = self.find(css).await;
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/element/{e}/click", self.session),
            Some(json!({})),
        )
        .await;
    }
    pub async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        wd(
            self.driver,
            "GET",
            &format!("/session/{}/element/{e}/text", self.session),
            None,
        )
        .await["value"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
    pub async fn script(&self, js: &str) {
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({ "script": js, "args": [] })),
        )
        .await;
    }
    /// The value of a JavaScript expression (`return ...;` is added).
    pub async fn eval(&self, expression: &str) -> Value {
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({ "script": format!("return {expression};"), "args": [] })),
        )
        .await["value"]
            .clone()
    }

    /// A Chrome DevTools command (chromedriver's `goog/cdp/execute`), e.g. to emulate print.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/goog/cdp/execute", self.session),
            Some(json!({ "cmd": cmd, "params": params })),
        )
        .await
    }

    /// Sets the window's size, e.g. to a phone's 390 px.
    pub async fn size(&self, width: u32, height: u32) {
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/window/rect", self.session),
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// The text of `css`, or `None` when no element matches (without waiting).
    pub async fn text_if_any(&self, css: &str) -> Option<String> {
        let v = wd(
            self.driver,
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({ "using": "css selector", "value": css })),
        )
        .await;
        let e = v["value"]
            .as_object()
            .filter(|o| !o.contains_key("error"))
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)?
            .to_owned();
        wd(
            self.driver,
            "GET",
            &format!("/session/{}/element/{e}/text", self.session),
            None,
        )
        .await["value"]
            .as_str()
            .map(str::to_owned)
    }

    /// Ends the session (the browser closes).
    pub async fn quit(&self) {
        wd(
            self.driver,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        )
        .await;
    }

    pub async fn login(&self, base: &str, token: &str) {
        self.go(&format!("{base}/")).await;
        self.type_into("#token", token).await;
        self.click("button[type=submit]").await;
    }
}

/// Stops chromedriver (and so its browser) however the test ends.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // chromedriver and the browsers it started share one process group (its own, see
        // `process_group(0)`): end them all. The `--` matters: without it, kill may read
        // the negative group id as an option.
        let pgid = self.0.id();
        if pgid > 1 {
            let _ = std::process::Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{pgid}")])
                .status();
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port()
}

/// Whether the browser is installed; says loudly that the test skips when not.
pub fn available() -> bool {
    let ok = std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !ok {
        eprintln!(
            "\n!!!!! SKIPPING browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver) !!!!!\n"
        );
    }
    ok
}

/// Starts chromedriver and a headless session with its profile under `dir`.
pub async fn start(dir: &std::path::Path) -> (Browser, KillOnDrop) {
    let port = free_port();
    let driver = KillOnDrop(
        std::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    // Ready when /status says so.
    for _ in 0..100 {
        if wd_once(addr, "GET", "/status", None)
            .await
            .is_some_and(|v| v["value"]["ready"] == true)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = dir.join("chromium-profile");
    let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": {
        "binary": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 format!("--user-data-dir={}", profile.display())]
    } } } });
    let session = wd(addr, "POST", "/session", Some(caps)).await["value"]["sessionId"]
        .as_str()
        .expect("session")
        .to_owned();
    let b = Browser {
        driver: addr,
        session,
    };
    wd(
        addr,
        "POST",
        &format!("/session/{}/timeouts", b.session),
        Some(json!({ "implicit": 10000, "pageLoad": 60000, "script": 60000 })),
    )
    .await;

    (b, driver)
}

/// axe-core's browser build, as `.ci/run` installs it (`npm ci --prefix tests/support/axe`),
/// or where `KLYNGE_AXE` says.
pub fn axe_source() -> Option<String> {
    let path = std::env::var("KLYNGE_AXE").map_or_else(
        |_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/support/axe/node_modules/axe-core/axe.min.js")
        },
        std::path::PathBuf::from,
    );
    let found = std::fs::read_to_string(&path).ok();
    if found.is_none() {
        eprintln!(
            "\n!!!!! SKIPPING the accessibility check: no axe-core at {} (npm ci --prefix tests/support/axe) !!!!!\n",
            path.display()
        );
    }
    found
}

impl Browser {
    /// Makes the page `width` CSS pixels wide, as a phone (under 500) or a desktop.
    pub async fn viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500 }),
        )
        .await;
    }

    /// A PNG of the whole page (beyond the window too), written to `path`.
    pub async fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let size = self
            .eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            .await;
        let w = size[0].as_f64().unwrap_or(1280.0);
        let h = size[1].as_f64().unwrap_or(800.0).min(8000.0);
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true,
                        "clip": { "x": 0, "y": 0, "width": w, "height": h, "scale": 1 } }),
            )
            .await;
        let data = shot["value"]["data"].as_str().unwrap_or_default();
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap_or_else(|e| panic!("screenshot is not base64: {e}"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Every action button (`button`, `input[type=submit]`, `a.button`) that is shown must lie
    /// inside the window horizontally and be at least 44 px tall; the page must not be wider
    /// than the window.
    /// `width` is the window's width as set: a phone's browser zooms out to fit a page that
    /// is too wide, so the page's own idea of the window's width would hide the overflow.
    pub async fn check_layout(&self, width: u32) -> Vec<String> {
        let v = self
            .eval(
                &r#"(() => {
  const out = [];
  const w = WIDTH;
  const sw = document.documentElement.scrollWidth;
  if (sw > w + 1) out.push(`the page is ${sw} px wide in a window of ${w}`);
  for (const e of document.querySelectorAll('button, input[type=submit], a.button')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not shown (display: none)
    const name = (e.id ? '#' + e.id + ' ' : '') + JSON.stringify((e.innerText || e.value || '').trim().slice(0, 40));
    if (r.left < -0.5 || r.right > w + 0.5) out.push(`${name} is off-screen: ${Math.round(r.left)}..${Math.round(r.right)} of ${w}`);
    if (r.height < 43.5) out.push(`${name} is ${r.height.toFixed(1)} px tall (< 44)`);
  }
  return out;
})()"#
                    .replace("WIDTH", &width.to_string()),
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("the layout check did not run: {v}")])
    }

    /// axe-core's serious and critical findings on the page, one line each.
    pub async fn axe(&self, source: &str) -> Vec<String> {
        // WebDriver's scripts run outside the page's Content-Security-Policy.
        self.script(&format!("{source}\n;window.__axe_loaded = true;"))
            .await;
        let v = wd(
            self.driver,
            "POST",
            &format!("/session/{}/execute/async", self.session),
            Some(json!({ "script": r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations
     .filter(v => v.impact === 'serious' || v.impact === 'critical')
     .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)))
  .catch(e => done(['axe failed: ' + e]));
"#, "args": [] })),
        )
        .await;
        v["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("axe did not answer: {v}")])
    }

    /// Presses a key (a WebDriver key code such as "\u{E004}", Tab) on the page.
    pub async fn press(&self, key: &str) {
        wd(
            self.driver,
            "POST",
            &format!("/session/{}/actions", self.session),
            Some(
                json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }
            ] }] }),
            ),
        )
        .await;
    }
}
