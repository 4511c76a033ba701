//! Who is calling, and in which language: the token (bearer header, else the login
//! cookie), the role check, and the axum extractors that do both before a handler runs.
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

/// The token in the request: bearer header first, then the login cookie.
fn token_of(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok())
        && let Some(t) = v.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_owned());
    }
    let cookies = headers.get("cookie").and_then(|v| v.to_str().ok())?;
    cookies
        .split(';')
        .find_map(|c| c.trim().strip_prefix("klynge_token=").map(str::to_owned))
}

/// The holder of the request's token if their role is one of `roles`; else 401 (no or an
/// unknown token) or 403 (another role).
async fn authorise(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    roles: u8,
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
    let token = token_of(headers).ok_or_else(unauthorized)?;
    let who = state
        .principal(&token)
        .await
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
        let who = authorise(state, &parts.headers, lang, ROLES).await?;
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
        match authorise(state, &parts.headers, lang, ROLES).await {
            Ok(who) => Ok(PageCaller { who, lang }),
            Err(error) => Err(LoginNeeded { error, lang }),
        }
    }
}

/// The principal for a login token, if it is valid.
pub async fn principal(state: &AppState, token: &str) -> Option<Principal> {
    state.store.principal(token).await.ok().flatten()
}
