//! The login page: a token in, a cookie and the caller's own page out.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Message, PageLang, login_link, render};
use crate::app::Service;
use crate::i18n::Lang;
use crate::server::auth::{UserLang, principal};
use crate::store::Role;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    lang: Lang,
    title: &'a str,
}

pub async fn login_page(UserLang(lang): UserLang) -> Response {
    render(
        StatusCode::OK,
        &LoginPage {
            lang,
            title: lang.pick("klynge – logg inn", "klynge – log in"),
        },
    )
}

/// Sets the token as the login cookie and sends the caller to their role's page.
pub async fn login(
    State(state): State<Arc<Service>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang: Lang = form
        .get("lang")
        .and_then(|l| l.parse().ok())
        .unwrap_or_default();
    let token = form.get("token").map_or("", |t| t.trim());
    let Some(who) = principal(&state, token).await else {
        return render(
            StatusCode::UNAUTHORIZED,
            &Message {
                lang,
                title: "klynge",
                error: Some(lang.pick(
                    "Ukjent eller tilbakekalt nøkkel.",
                    "Unknown or revoked token.",
                )),
                link: login_link(lang, lang.pick("Prøv igjen", "Try again")),
            },
        );
    };
    let target = match who.role {
        Role::Coordinator => "/coordinator",
        Role::Association => "/association",
        Role::Instructor => "/instructor",
    };
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!("klynge_token={token}; HttpOnly; SameSite=Strict; Path=/"),
            ),
            (header::LOCATION, format!("{target}{}", lang.query())),
        ],
    )
        .into_response()
}
