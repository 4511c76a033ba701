//! What every page has around its content (`templates/layout.html`): who is signed in,
//! with their role and the navigation of that role, a logout, the language switch that
//! returns to the same page, and the confirmation of the last action (the flash after a
//! POST-redirect-GET, carried as `?done=<key>` so that it survives without a cookie).

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;

use crate::app::Service;
use crate::i18n::Lang;
use crate::store::{Principal, Role};

/// The frame of one page.
pub struct Frame {
    pub user: Option<UserBar>,
    /// The confirmation of what the last form did, if anything.
    pub flash: Option<&'static str>,
    /// The page's own address without `lang`, for the language switch; `None` for pages
    /// that answer a form post, whose address cannot be fetched again.
    pub here: Option<String>,
}

/// The signed-in user at the top of each page.
pub struct UserBar {
    pub name: String,
    pub role: &'static str,
    /// (href, text, whether it is this page)
    pub nav: Vec<(String, &'static str, bool)>,
}

impl Frame {
    /// A page without a signed-in user (login, public pages, messages).
    pub fn public(here: Option<String>) -> Frame {
        Frame {
            user: None,
            flash: None,
            here,
        }
    }

    /// A page of `who`, at `here` (path and query without `lang`).
    pub fn of(state: &Service, who: &Principal, lang: Lang, here: &str) -> Frame {
        Frame {
            user: Some(user_bar(state, who, lang, here)),
            flash: None,
            here: Some(here.to_owned()),
        }
    }

    /// With the confirmation named by `done` (unknown keys show nothing).
    pub fn flash(mut self, done: &Done, lang: Lang) -> Frame {
        self.flash = done.0.as_deref().and_then(|k| flash_text(k, lang));
        self
    }

    /// The link of the language switch: this page in the other language. Pages that answer
    /// a post fall back to the current address; a GET of a post-only page address is sent
    /// on to its page (see `pages::not_a_page`).
    pub fn switch(&self, lang: Lang) -> String {
        let here = self.here.clone().unwrap_or_default();
        match lang {
            Lang::Nb => join(&here, "lang=en"),
            Lang::En if here.is_empty() => "?lang=nb".into(),
            Lang::En => here,
        }
    }
}

/// `path` with `param` added to its query.
pub fn join(path: &str, param: &str) -> String {
    if path.contains('?') {
        format!("{path}&{param}")
    } else {
        format!("{path}?{param}")
    }
}

/// The user's name as people know it, their role, and the pages of that role.
fn user_bar(state: &Service, who: &Principal, lang: Lang, here: &str) -> UserBar {
    let ds = state.base();
    let (name, role, pages): (String, _, Vec<(&str, &'static str)>) = match who.role {
        Role::Coordinator => (
            if who.subject == "*" {
                lang.pick("alle klynger", "all clusters").to_owned()
            } else {
                ds.association(&who.subject)
                    .map_or_else(|| who.subject.clone(), |a| a.name.clone())
            },
            lang.pick("koordinator", "coordinator"),
            vec![
                ("/coordinator", lang.pick("Kjøringer", "Runs")),
                (
                    "/coordinator/people",
                    lang.pick("Folk og foreninger", "People and associations"),
                ),
                ("/coordinator/hours", lang.pick("Timer", "Hours")),
            ],
        ),
        Role::Association => (
            ds.association(&who.subject)
                .map_or_else(|| who.subject.clone(), |a| a.name.clone()),
            lang.pick("forening", "association"),
            vec![(
                "/association",
                lang.pick("Kursforespørsler", "Course requests"),
            )],
        ),
        Role::Instructor => (
            ds.instructors
                .iter()
                .find(|i| i.id == who.subject)
                .map_or_else(|| who.subject.clone(), |i| i.name.clone()),
            lang.pick("instruktør", "instructor"),
            vec![("/instructor", lang.pick("Mine kurs", "My courses"))],
        ),
    };
    let path = here.split('?').next().unwrap_or(here);
    // The longest matching page is the current one (/coordinator/people over /coordinator).
    let current = pages
        .iter()
        .filter(|(p, _)| path == *p || path.starts_with(&format!("{p}/")))
        .map(|(p, _)| p.len())
        .max();
    let nav = pages
        .into_iter()
        .map(|(p, text)| {
            let href = match lang {
                Lang::En => format!("{p}?lang=en"),
                Lang::Nb => p.to_owned(),
            };
            (href, text, Some(p.len()) == current)
        })
        .collect();
    UserBar { name, role, nav }
}

/// The confirmation after a form, by its key in `?done=`.
fn flash_text(key: &str, lang: Lang) -> Option<&'static str> {
    let (nb, en) = match key {
        "submitted" => ("Forespørselen er sendt inn.", "The request is submitted."),
        "withdrawn" => ("Forespørselen er trukket.", "The request is withdrawn."),
        "approved" => ("Kjøringen er godkjent.", "The run is approved."),
        "published" => (
            "Kjøringen er publisert; instruktører og foreninger får beskjed.",
            "The run is published; instructors and associations are told.",
        ),
        "saved" => ("Lagret.", "Saved."),
        "retired" => (
            "Fjernet fra klyngens data.",
            "Removed from the cluster's data.",
        ),
        "accepted" => ("Takk! Du har takket ja.", "Thank you! You have accepted."),
        "declined" => (
            "Du har takket nei; koordinatoren finner en annen.",
            "You have declined; the coordinator will find someone else.",
        ),
        "time-added" => ("Tiden er lagt til.", "The time is added."),
        "time-removed" => ("Tiden er fjernet.", "The time is removed."),
        "signed-out" => ("Du er logget ut.", "You are signed out."),
        "link-sent" => (
            "Innloggingslenken er lagt i utboksen og sendes på e-post.",
            "The sign-in link is in the outbox and will be sent by e-mail.",
        ),
        "retried" => ("Jobben er satt i kø igjen.", "The job is queued again."),
        _ => return None,
    };
    Some(lang.pick(nb, en))
}

/// The address of the request without `lang` and `done`: the page itself, for the
/// language switch.
pub fn here_of(uri: &axum::http::Uri) -> String {
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang=") && !kv.starts_with("done="))
        .collect();
    if kept.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), kept.join("&"))
    }
}

/// The `?done=` of a page's address: which action it confirms.
#[derive(Default)]
pub struct Done(pub Option<String>);

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Done {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Done(
            Query::<DoneQuery>::try_from_uri(&parts.uri)
                .ok()
                .and_then(|Query(q)| q.done),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flash_key_has_both_languages_and_unknown_keys_show_nothing() {
        for key in ["submitted", "withdrawn", "published", "signed-out"] {
            let (nb, en) = (flash_text(key, Lang::Nb), flash_text(key, Lang::En));
            assert!(nb.is_some() && en.is_some() && nb != en, "{key}");
        }
        assert_eq!(flash_text("<script>", Lang::Nb), None);
    }

    #[test]
    fn the_switch_keeps_the_page_and_its_query() {
        let f = Frame::public(Some("/coordinator/hours?from=2027-01-01".into()));
        assert_eq!(
            f.switch(Lang::Nb),
            "/coordinator/hours?from=2027-01-01&lang=en"
        );
        assert_eq!(f.switch(Lang::En), "/coordinator/hours?from=2027-01-01");
        assert_eq!(
            Frame::public(Some("/x".into())).switch(Lang::Nb),
            "/x?lang=en"
        );
        let uri: axum::http::Uri = "/tilbud/Malvik?lang=en&weeks=4&done=saved"
            .parse()
            .expect("uri");
        assert_eq!(here_of(&uri), "/tilbud/Malvik?weeks=4");
    }
}
