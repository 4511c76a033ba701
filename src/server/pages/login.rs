//! The login page: a token in, a cookie and the caller's own page out.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use std::net::SocketAddr;

use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{Done, Frame};
use super::{Message, PageLang, login_link, render};
use crate::app::Service;
use crate::i18n::Lang;
use crate::server::ApiError;
use crate::server::auth::{SESSION_COOKIE, UserLang, session_of};
use crate::server::guard::LoginLimiter;
use crate::store::Role;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
}

pub async fn login_page(UserLang(lang): UserLang, done: Done) -> Response {
    render(
        StatusCode::OK,
        &LoginPage {
            lang,
            title: lang.pick("klynge – logg inn", "klynge – log in"),
            frame: Frame::public(Some("/".into())).flash(&done, lang),
        },
    )
}

/// Signs the browser in: a session cookie (never the token) and the caller's own page.
/// Failed attempts are counted per address; past the limit the answer is 429 for a while.
pub async fn login(
    State(state): State<Arc<Service>>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang: Lang = form
        .get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_default();
    let from = peer.map(|Extension(ConnectInfo(a))| a.ip());
    let refuse = |status, error: String| {
        render(
            status,
            &Message {
                lang,
                title: "klynge",
                frame: Frame::public(Some("/".into())),
                error: Some(&error),
                link: login_link(lang, lang.pick("Prøv igjen", "Try again")),
            },
        )
    };
    if let Some(wait) = limiter.wait(from) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            match lang {
                Lang::Nb => format!("For mange feil forsøk. Prøv igjen om {minutes} min."),
                Lang::En => format!("Too many failed attempts. Try again in {minutes} min."),
            },
        );
    }
    let token = form.get("token").map_or("", |t| t.trim());
    let signed_in = match state.sign_in(token).await {
        Ok(s) => s,
        Err(e) => return ApiError::app(e, lang).into_response(),
    };
    let Some((who, session)) = signed_in else {
        limiter.failed(from);
        return refuse(
            StatusCode::UNAUTHORIZED,
            lang.pick(
                "Ukjent eller tilbakekalt nøkkel.",
                "Unknown or revoked token.",
            )
            .to_owned(),
        );
    };
    limiter.succeeded(from);
    let target = match who.role {
        Role::Coordinator => "/coordinator",
        Role::Association => "/association",
        Role::Instructor => "/instructor",
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, session_cookie(&session, &headers)),
            (header::LOCATION, format!("{target}{}", lang.query())),
        ],
    )
        .into_response()
}

/// Ends the browser's session and forgets the cookie.
pub async fn logout(
    State(state): State<Arc<Service>>,
    UserLang(lang): UserLang,
    headers: HeaderMap,
) -> Response {
    if let Some(id) = session_of(&headers) {
        let _ = state.sign_out(&id).await;
    }
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"),
            ),
            (
                header::LOCATION,
                super::frame::join(&format!("/{}", lang.query()), "done=signed-out"),
            ),
        ],
    )
        .into_response()
}

/// The session cookie: HttpOnly, expiring with the session, and `Secure` when the request
/// came over HTTPS (through a proxy that says so with `X-Forwarded-Proto: https`).
/// SameSite=Lax, not Strict: with Strict, a browser opening klynge from a link in an e-mail
/// or a bookmark arrives without its cookie and looks signed out. Forms from other sites
/// are still refused: Lax sends no cookie on their posts, and `auth::same_origin` checks
/// the Origin of every post besides.
fn session_cookie(id: &str, headers: &HeaderMap) -> String {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!(
        "{SESSION_COOKIE}={id}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
        Service::SESSION_DAYS * 24 * 3600,
        if https { "; Secure" } else { "" }
    )
}
