//! Who is calling, and in which language: the bearer token (API and pages) or the session
//! cookie (pages only, and only for forms from this site), the role check, and the axum
//! extractors that do both before a handler runs.
//!
//! A handler names the roles it serves in its argument's type — `Caller<COORDINATOR>` for
//! the API, `PageCaller<INSTRUCTOR>` for a page — and is called only for them: no or a bad
//! token is 401, another role 403. The API says so in JSON (`ApiError`), a page with a
//! page that tells the user how to log in. Public pages take `UserLang` alone.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ApiError, AppState};
use crate::i18n::Lang;
use crate::store::{Principal, Role};

/// Role bits for `Caller` and `PageCaller`; combine them with `|`.
pub const COORDINATOR: u8 = 1;
pub const ASSOCIATION: u8 = 2;
pub const INSTRUCTOR: u8 = 4;

const fn bit(role: Role) -> u8 {
    match role {
        Role::Coordinator => COORDINATOR,
        Role::Association => ASSOCIATION,
        Role::Instructor => INSTRUCTOR,
    }
}

/// The query parameter that picks the language of messages and pages.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Language {
    /// `en` for English; bokmål (`nb`) otherwise.
    lang: Option<String>,
}

/// The language asked for: `?lang=en` switches to English; bokmål otherwise, also for an
/// unknown or unreadable value. (Browsers' Accept-Language is not followed: bokmål is the
/// default for everyone.)
fn lang_of(parts: &Parts) -> Lang {
    Query::<Language>::try_from_uri(&parts.uri)
        .ok()
        .and_then(|Query(q)| q.lang)
        .and_then(|l| l.parse().ok())
        .unwrap_or_default()
}

/// The name of the cookie that holds a browser's session id (never the token).
pub const SESSION_COOKIE: &str = "klynge_session";

/// The bearer token of the request, if any.
fn bearer_of(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// The session id in the request's cookie, if any.
pub fn session_of(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get("cookie").and_then(|v| v.to_str().ok())?;
    cookies.split(';').find_map(|c| {
        c.trim()
            .strip_prefix(SESSION_COOKIE)
            .and_then(|rest| rest.strip_prefix('='))
            .map(str::to_owned)
    })
}

/// Whether a state-changing request carried by a cookie comes from a page of this site:
/// its Origin (or, failing that, its Referer) names the host it was sent to. A form on
/// another site can make a browser send the cookie, but not a matching Origin.
pub fn same_origin(parts: &Parts) -> bool {
    if matches!(parts.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
        return true;
    }
    let host = parts.headers.get("host").and_then(|v| v.to_str().ok());
    let from = parts
        .headers
        .get("origin")
        .or_else(|| parts.headers.get("referer"))
        .and_then(|v| v.to_str().ok());
    match (host, from) {
        (Some(host), Some(from)) => {
            let rest = from
                .strip_prefix("https://")
                .or_else(|| from.strip_prefix("http://"))
                .unwrap_or("");
            rest.split('/').next() == Some(host)
        }
        _ => false,
    }
}

/// The caller if their role is one of `roles`; else 401 (no, an unknown, a revoked or an
/// expired credential) or 403 (another role, or a cookie-borne form from another site).
/// The API takes bearer tokens only; pages also take the session cookie.
async fn authorise(
    state: &AppState,
    parts: &Parts,
    lang: Lang,
    roles: u8,
    cookie_allowed: bool,
) -> Result<Principal, ApiError> {
    let unauthorized = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            lang.pick(
                "mangler gyldig tilgangsnøkkel",
                "a valid access token is required",
            ),
        )
    };
    let found = if let Some(token) = bearer_of(&parts.headers) {
        state.principal(&token).await
    } else if let Some(id) = session_of(&parts.headers).filter(|_| cookie_allowed) {
        if !same_origin(parts) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                lang.pick(
                    "skjemaet kom ikke fra denne siden",
                    "the form did not come from this site",
                ),
            ));
        }
        state.session(&id).await
    } else {
        return Err(unauthorized());
    };
    let who = found
        .map_err(|e| ApiError::app(e, lang))?
        .ok_or_else(unauthorized)?;
    if bit(who.role) & roles != 0 {
        Ok(who)
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            lang.pick("ikke tilgang for din rolle", "not allowed for your role"),
        ))
    }
}

/// The language of the request (`?lang=`), for public pages.
pub struct UserLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for UserLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(UserLang(lang_of(parts)))
    }
}

/// An API caller with one of the roles `ROLES` (a mask of the bits above), and their
/// language; otherwise the request is answered 401 or 403 in JSON.
pub struct Caller<const ROLES: u8> {
    pub who: Principal,
    pub lang: Lang,
}

impl<const ROLES: u8> FromRequestParts<Arc<AppState>> for Caller<ROLES> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let lang = lang_of(parts);
        let who = authorise(state, parts, lang, ROLES, false).await?;
        Ok(Caller { who, lang })
    }
}

/// A page's caller with one of the roles `ROLES`, and their language; otherwise the
/// answer is the page that says why (401 or 403) and links to the login page.
pub struct PageCaller<const ROLES: u8> {
    pub who: Principal,
    pub lang: Lang,
}

/// Why a page was refused (401 or 403), rendered as a page in `pages`.
pub struct LoginNeeded {
    pub error: ApiError,
    pub lang: Lang,
}

impl<const ROLES: u8> FromRequestParts<Arc<AppState>> for PageCaller<ROLES> {
    type Rejection = LoginNeeded;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, LoginNeeded> {
        let lang = lang_of(parts);
        match authorise(state, parts, lang, ROLES, true).await {
            Ok(who) => Ok(PageCaller { who, lang }),
            Err(error) => Err(LoginNeeded { error, lang }),
        }
    }
}
