//! The web pages: plain HTML forms that work without scripts, in bokmål (default) or
//! English (`?lang=en`). They call the same use cases as the API and render askama
//! templates (`templates/`, all extending `layout.html`), which escape every value.

mod association;
mod coordinator;
mod frame;
mod hours;
mod instructor;
mod login;
mod names;
mod overview;
mod people;
mod record_form;
mod run;
mod show;
mod week;

pub use frame::Frame;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::auth::LoginNeeded;
use super::{ApiError, State};
use crate::app::AppError;
use crate::i18n::Lang;

pub fn routes() -> Router<State> {
    Router::new()
        .route("/", get(login::login_page))
        .route("/login", post(login::login))
        // Public: what is on offer in a municipality (no token).
        .route("/tilbud/{municipality}", get(overview::page))
        .route("/logout", post(login::logout))
        .route("/association", get(association::page))
        .route("/association/requests", post(association::submit))
        // GET: the confirm step (works without script); POST: the withdrawal.
        .route(
            "/association/requests/{id}/withdraw",
            get(association::confirm_withdraw).post(association::withdraw),
        )
        .route("/coordinator", get(coordinator::page))
        .route("/coordinator/plan", post(coordinator::plan))
        .route("/coordinator/runs/{id}", get(run::page))
        .route("/coordinator/runs/{id}/files/{name}", get(run::file))
        .route("/coordinator/runs/{id}/approve", post(coordinator::approve))
        .route("/coordinator/runs/{id}/publish", post(coordinator::publish))
        .route("/coordinator/runs/{id}/repair", post(coordinator::repair))
        .route("/coordinator/jobs/{id}", get(coordinator::job))
        .route("/coordinator/jobs/{id}/retry", post(coordinator::retry))
        .route("/coordinator/people", get(people::list))
        .route("/coordinator/hours", get(hours::page))
        .route("/coordinator/hours.csv", get(hours::csv))
        // {kind}: instructors or associations; {id}: `new` for the empty form.
        .route(
            "/coordinator/{kind}/{id}",
            get(people::form).post(people::save),
        )
        .route(
            "/coordinator/{kind}/{id}/retire",
            get(people::confirm_retire).post(people::retire),
        )
        .route(
            "/coordinator/{kind}/{id}/signin-link",
            post(people::send_link),
        )
        .route(
            "/login/link/{secret}",
            get(login::link_page).post(login::use_link),
        )
        .route("/instructor", get(instructor::page))
        .route("/instructor/feed", post(instructor::feed))
        // {list}: availability or away.
        .route("/instructor/times/{list}", post(instructor::add_time))
        .route(
            "/instructor/times/{list}/{k}/remove",
            post(instructor::remove_time),
        )
        .route(
            "/instructor/{run}/{request}/{answer}",
            get(instructor::confirm_answer).post(instructor::answer),
        )
        .method_not_allowed_fallback(not_a_page)
}

/// A GET of an address that only takes forms (the language switch on a page that answered
/// a post, a bookmark, a reload): on to the page the form belongs to, instead of a blank
/// 405. Other methods and the API keep their 405.
async fn not_a_page(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if method != axum::http::Method::GET || path.starts_with("/api/") {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let page = ["/coordinator", "/association", "/instructor"]
        .into_iter()
        .find(|p| path.starts_with(p))
        .unwrap_or("/");
    let lang = match uri
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == "lang=en"))
    {
        true => Lang::En,
        false => Lang::Nb,
    };
    back_to(page, lang).into_response()
}

/// What the templates ask of the language beyond `Lang::pick`.
trait PageLang {
    /// The query that keeps the language on a link or form action: `?lang=en` or nothing.
    fn query(self) -> &'static str;
}

impl PageLang for Lang {
    fn query(self) -> &'static str {
        match self {
            Lang::En => "?lang=en",
            Lang::Nb => "",
        }
    }
}

/// Filters for the templates.
mod filters {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

    /// Everything but RFC 3986's unreserved characters: safe inside one path segment.
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');

    /// A value as one percent-encoded URL path segment (then HTML-escaped by the template).
    #[askama::filter_fn]
    pub fn segment<T: std::fmt::Display>(
        value: T,
        _: &dyn askama::Values,
    ) -> askama::Result<String> {
        Ok(utf8_percent_encode(&value.to_string(), SEGMENT).to_string())
    }
}

/// A page as the answer, with `status`; 500 if the template cannot be rendered.
/// An id as one segment of a page's path, for addresses built in code (the templates use
/// the `segment` filter).
fn path_segment(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A short page: a message, if any, and a link onwards, if any.
#[derive(Template)]
#[template(path = "message.html")]
struct Message<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    error: Option<&'a str>,
    /// (href, text)
    link: Option<(String, &'a str)>,
}

/// A message to someone not signed in (or no longer): the public frame, `home` as its
/// home link, and an optional link onwards. What login, sign-in links and page errors
/// answer with.
fn public_message(
    status: StatusCode,
    lang: Lang,
    home: Option<String>,
    error: &str,
    link: Option<(String, &str)>,
) -> Response {
    render(
        status,
        &Message {
            lang,
            title: "klynge",
            frame: Frame::public(home),
            error: Some(error),
            link,
        },
    )
}

/// A link to the login page, in the user's language.
fn login_link(lang: Lang, text: &str) -> Option<(String, &str)> {
    Some((format!("/{}", lang.query()), text))
}

impl IntoResponse for LoginNeeded {
    fn into_response(self) -> Response {
        let lang = self.lang;
        public_message(
            self.error.status,
            lang,
            None,
            &self.error.message,
            login_link(lang, lang.pick("Logg inn", "Log in")),
        )
    }
}

/// A use case's error on a page: its status, and its message in the user's language.
struct PageError {
    error: ApiError,
    lang: Lang,
}

impl PageError {
    fn new(status: StatusCode, message: &str, lang: Lang) -> PageError {
        PageError {
            error: ApiError::new(status, message),
            lang,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        public_message(
            self.error.status,
            self.lang,
            None,
            &self.error.message,
            None,
        )
    }
}

/// A use case's result, with its error as a page in the user's language.
trait OrPage<T> {
    fn or_page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T> OrPage<T> for crate::app::Result<T> {
    fn or_page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e: AppError| PageError {
            error: ApiError::app(e, lang),
            lang,
        })
    }
}

/// After a form: back to `page`, in the same language.
fn back_to(page: &str, lang: Lang) -> Redirect {
    Redirect::to(&format!("{page}{}", lang.query()))
}

/// After a form that did something: back to `page`, which confirms it (`done` is a key of
/// `frame::flash_text`).
fn done_to(page: &str, lang: Lang, done: &str) -> Redirect {
    let to = frame::join(page, &format!("done={done}"));
    Redirect::to(&match lang {
        Lang::En => frame::join(&to, "lang=en"),
        Lang::Nb => to,
    })
}

/// The confirm step before something that cannot be undone: what will happen, a button
/// that does it (a form posting to `action`) and a way back. Works without script.
#[derive(Template)]
#[template(path = "confirm.html")]
struct Confirm<'a> {
    lang: Lang,
    title: &'a str,
    frame: Frame,
    question: String,
    action: String,
    yes: &'a str,
    back: String,
}

fn confirm(c: Confirm<'_>) -> Response {
    render(StatusCode::OK, &c)
}
