//! What every response and every login goes through: security headers on all responses,
//! and a limit on failed logins per address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// The headers every response carries. The pages use no script at all, so the policy
/// allows none; styles are inline in the layout.
pub async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // `same-origin`, not `no-referrer`: with no referrer at all, browsers send
    // `Origin: null` on form posts, and the cookie check needs the real origin.
    set(h, header::REFERRER_POLICY, "same-origin");
    // Every page and answer is someone's own: nothing is kept in shared caches.
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

/// Failed logins per address: after `MAX_FAILURES` within `WINDOW`, further attempts
/// from that address are refused until the oldest failure is out of the window.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<Option<IpAddr>, Vec<Instant>>>,
}

impl LoginLimiter {
    pub const MAX_FAILURES: usize = 10;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// `None` when `from` may try; otherwise how long until it may try again.
    pub fn wait(&self, from: Option<IpAddr>) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = map.entry(from).or_default();
        let now = Instant::now();
        list.retain(|t| now.duration_since(*t) < Self::WINDOW);
        (list.len() >= Self::MAX_FAILURES)
            .then(|| Self::WINDOW.saturating_sub(now.duration_since(list[0])))
    }

    pub fn failed(&self, from: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded memory under a flood of addresses: forget the oldest record first.
        if map.len() > 100_000 {
            map.clear();
        }
        map.entry(from).or_default().push(Instant::now());
    }

    pub fn succeeded(&self, from: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&from);
    }
}
