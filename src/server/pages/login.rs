//! The login page: a token in, a cookie and the caller's own page out; and the sign-in
//! links a coordinator sends by e-mail, which do the same once.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use std::net::SocketAddr;

use axum::Extension;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{Done, Frame};
use super::{Confirm, PageLang, login_link, path_segment, public_message, render};
use crate::app::Service;
use crate::i18n::Lang;
use crate::server::ApiError;
use crate::server::auth::{SESSION_COOKIE, UserLang, session_of};
use crate::server::guard::LoginLimiter;
use crate::store::{LinkState, LinkUse, Principal, Role};

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
        public_message(
            status,
            lang,
            Some("/".into()),
            &error,
            login_link(lang, lang.pick("Prøv igjen", "Try again")),
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
    signed_in_page(&who, &session, &headers, lang)
}

/// The answer to a browser just signed in: the session cookie and the caller's own page.
fn signed_in_page(who: &Principal, session: &str, headers: &HeaderMap, lang: Lang) -> Response {
    let target = match who.role {
        Role::Coordinator => "/coordinator",
        Role::Association => "/association",
        Role::Instructor => "/instructor",
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, session_cookie(session, headers)),
            (header::LOCATION, format!("{target}{}", lang.query())),
        ],
    )
        .into_response()
}

/// Why a sign-in link does not sign in, as a page with a link to the normal login.
fn link_refused(state: LinkProblem, lang: Lang) -> Response {
    let (status, nb, en) = match state {
        LinkProblem::Used => (
            StatusCode::GONE,
            "Denne innloggingslenken er brukt allerede. Be koordinatoren om en ny, eller logg inn med tilgangsnøkkelen.",
            "This sign-in link has been used already. Ask your coordinator for a new one, or log in with your token.",
        ),
        LinkProblem::Expired => (
            StatusCode::GONE,
            "Denne innloggingslenken er for gammel. Be koordinatoren om en ny, eller logg inn med tilgangsnøkkelen.",
            "This sign-in link is too old. Ask your coordinator for a new one, or log in with your token.",
        ),
        LinkProblem::Unknown => (
            StatusCode::NOT_FOUND,
            "Ukjent innloggingslenke. Sjekk at hele lenken fra e-posten er med, eller logg inn med tilgangsnøkkelen.",
            "Unknown sign-in link. Check that the whole link from the e-mail is there, or log in with your token.",
        ),
    };
    public_message(
        status,
        lang,
        Some("/".into()),
        lang.pick(nb, en),
        login_link(lang, lang.pick("Til innloggingen", "To the login")),
    )
}

enum LinkProblem {
    Used,
    Expired,
    Unknown,
}

/// A sign-in link from an e-mail: a page that asks first, so that a mail scanner following
/// the link does not use it up; its button posts to the same address.
pub async fn link_page(
    State(state): State<Arc<Service>>,
    UserLang(lang): UserLang,
    Path(secret): Path<String>,
) -> Response {
    let problem = match state.signin_link_state(&secret).await {
        Ok(LinkState::Good(_)) => None,
        Ok(LinkState::Used) => Some(LinkProblem::Used),
        Ok(LinkState::Expired) => Some(LinkProblem::Expired),
        Ok(LinkState::Unknown) => Some(LinkProblem::Unknown),
        Err(e) => return ApiError::app(e, lang).into_response(),
    };
    if let Some(p) = problem {
        return link_refused(p, lang);
    }
    render(
        StatusCode::OK,
        &Confirm {
            lang,
            title: lang.pick("klynge – logg inn", "klynge – log in"),
            frame: Frame::public(Some("/".into())),
            question: lang
                .pick(
                    "Du har fått en innloggingslenke fra koordinatoren. Den virker én gang.",
                    "Your coordinator has sent you a sign-in link. It works once.",
                )
                .to_owned(),
            action: format!("/login/link/{}{}", path_segment(&secret), lang.query()),
            yes: lang.pick("Logg inn", "Log in"),
            back: format!("/{}", lang.query()),
        },
    )
}

/// Uses a sign-in link once: the session cookie and the holder's own page, exactly as a
/// login with the token gives. Unknown links count as failed logins.
pub async fn use_link(
    State(state): State<Arc<Service>>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    UserLang(lang): UserLang,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Response {
    let from = peer.map(|Extension(ConnectInfo(a))| a.ip());
    if let Some(wait) = limiter.wait(from) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            match lang {
                Lang::Nb => format!("For mange feil forsøk. Prøv igjen om {minutes} min."),
                Lang::En => format!("Too many failed attempts. Try again in {minutes} min."),
            },
        )
        .into_response();
    }
    match state.use_signin_link(&secret).await {
        Ok(LinkUse::SignedIn(who, session)) => {
            limiter.succeeded(from);
            signed_in_page(&who, &session, &headers, lang)
        }
        Ok(LinkUse::Used) => link_refused(LinkProblem::Used, lang),
        Ok(LinkUse::Expired) => link_refused(LinkProblem::Expired, lang),
        Ok(LinkUse::Unknown) => {
            limiter.failed(from);
            link_refused(LinkProblem::Unknown, lang)
        }
        Err(e) => ApiError::app(e, lang).into_response(),
    }
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
