//! Who may do what: a token's subject must name something in the cluster's data, and a
//! token is made only for such a subject.

use crate::model::{AssociationKind, Dataset};
use crate::store::{Principal, Role, Store};

use super::service::Service;

use super::error::{AppError, Result};

/// Whether `subject` names something in `ds` for `role`: `*` or a hub for a coordinator, a
/// small association for an association, an instructor for an instructor.
pub fn subject_exists(ds: &Dataset, role: Role, subject: &str) -> bool {
    match role {
        Role::Coordinator => {
            subject == "*"
                || ds
                    .association(subject)
                    .is_some_and(|a| a.kind == AssociationKind::Hub)
        }
        Role::Association => ds
            .association(subject)
            .is_some_and(|a| a.kind == AssociationKind::Small),
        Role::Instructor => ds.instructors.iter().any(|i| i.id == subject),
    }
}

/// A new token for `subject`, checked against `data` (or, when none is given, against the
/// input of the newest stored run). Returns the token and whether the subject could be
/// checked at all (a database with no run and no dataset given cannot say).
pub async fn create_token(
    store: &Store,
    data: Option<&Dataset>,
    role: Role,
    subject: &str,
) -> Result<(String, bool)> {
    if subject.trim().is_empty() {
        return Err(AppError::UnknownSubject(subject.to_owned()));
    }
    let newest = match data {
        Some(_) => None,
        None => match store.latest_run(None).await? {
            Some(id) => Some(store.run(id).await?.dataset),
            None => None,
        },
    };
    let checked = match data.or(newest.as_ref()) {
        Some(ds) if !subject_exists(ds, role, subject) => {
            return Err(AppError::UnknownSubject(subject.to_owned()));
        }
        Some(_) => true,
        None => false,
    };
    Ok((store.create_token(role, subject).await?, checked))
}

/// Who is calling the service: tokens, and browser sessions made from them.
impl Service {
    /// Whether a token's subject names something in the cluster's data: `*` or a hub for
    /// a coordinator, a small association for an association, an instructor for an
    /// instructor. A token for anything else opens nothing.
    pub fn subject_exists(&self, role: Role, subject: &str) -> bool {
        subject_exists(&self.base(), role, subject)
    }

    /// The holder of a token: valid, not revoked, and for a subject in the data.
    pub async fn principal(&self, token: &str) -> Result<Option<Principal>> {
        self.refresh().await?;
        Ok(self
            .store
            .principal(token)
            .await?
            .filter(|p| self.subject_exists(p.role, &p.subject)))
    }

    /// Whether a coordinator may see and act on a run: every request it plans is of their
    /// cluster. A run that spans clusters is for a coordinator of all clusters.
    pub(super) fn sees_run(&self, who: &Principal, run: &crate::run::Run) -> bool {
        who.role == Role::Coordinator
            && run
                .dataset
                .requests
                .iter()
                .all(|r| self.coordinator_sees(who, &r.association))
    }

    /// The run, if `who` may act on it; an unknown run and another cluster's run are the
    /// same answer (nothing leaks).
    pub(super) async fn run_for(&self, who: &Principal, id: i64) -> Result<crate::run::Run> {
        let run = self.store.run(id).await?;
        if self.sees_run(who, &run) {
            Ok(run)
        } else {
            Err(AppError::Store(crate::store::StoreError::NotFound(id)))
        }
    }

    /// How long a browser stays signed in.
    pub const SESSION_DAYS: i64 = 14;

    /// Signs a browser in with a token: the caller and a new session id for the cookie
    /// (never the token itself), or `None` for a token that opens nothing.
    pub async fn sign_in(&self, token: &str) -> Result<Option<(Principal, String)>> {
        let Some(who) = self.principal(token).await? else {
            return Ok(None);
        };
        let ttl = chrono::Duration::days(Self::SESSION_DAYS);
        Ok(self
            .store
            .create_session(token, ttl)
            .await?
            .map(|id| (who, id)))
    }

    /// The holder of a browser session: not expired, token not revoked, subject in the
    /// data.
    pub async fn session(&self, id: &str) -> Result<Option<Principal>> {
        self.refresh().await?;
        Ok(self
            .store
            .session_principal(id)
            .await?
            .filter(|p| self.subject_exists(p.role, &p.subject)))
    }

    /// How long a sign-in link sent by e-mail is good for.
    pub const LINK_HOURS: i64 = 24;

    /// Sends instructor `id` a sign-in link by e-mail: one outbox message with the link
    /// (`base` is the service's address as the browser reached it), good once, for
    /// `LINK_HOURS`. Only a coordinator of the instructor's cluster may (another's is
    /// unknown, as on the people page); the instructor needs an address and a valid token,
    /// which the link signs in as. The sending is audited.
    pub async fn send_signin_link(&self, who: &Principal, id: &str, base: &str) -> Result<()> {
        let person = self.instructor_for(who, id)?;
        let Some(address) = person.email.clone().filter(|a| !a.trim().is_empty()) else {
            return Err(AppError::NoAddress(id.to_owned()));
        };
        let lang: crate::i18n::Lang = person
            .lang
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or_default();
        let ttl = chrono::Duration::hours(Self::LINK_HOURS);
        let hours = Self::LINK_HOURS;
        let sent = self
            .store
            .create_signin_link(Role::Instructor, id, ttl, |secret| {
                let link = format!("{}/login/link/{secret}", base.trim_end_matches('/'));
                let (subject, body) = match lang {
                    crate::i18n::Lang::Nb => (
                        "Innloggingslenke til klynge".to_owned(),
                        format!(
                            "Hei {},\n\nkoordinatoren har sendt deg en lenke som logger deg inn i klynge:\n\n{link}\n\nLenken virker én gang og i {hours} timer. Var det ikke du som trengte den, kan du se bort fra denne e-posten.\n",
                            person.name
                        ),
                    ),
                    crate::i18n::Lang::En => (
                        "Your sign-in link to klynge".to_owned(),
                        format!(
                            "Hello {},\n\nyour coordinator has sent you a link that signs you in to klynge:\n\n{link}\n\nThe link works once and for {hours} hours. If you did not need it, you can ignore this e-mail.\n",
                            person.name
                        ),
                    ),
                };
                crate::store::NewMessage {
                    recipient_kind: crate::store::RecipientKind::Instructor,
                    recipient: id.to_owned(),
                    address: Some(address.clone()),
                    lang: lang.to_string(),
                    subject,
                    body,
                }
            })
            .await?;
        if sent.is_none() {
            return Err(AppError::NoToken(id.to_owned()));
        }
        let actor = super::lifecycle::actor(who);
        self.store
            .audit(&actor, "send sign-in link", &format!("instructor {id}"), "")
            .await?;
        Ok(())
    }

    /// Whom sign-in link `secret` would sign in, without using it (for the page that asks
    /// first, since mail scanners follow links too).
    pub async fn signin_link_state(&self, secret: &str) -> Result<crate::store::LinkState> {
        Ok(self.store.signin_link_state(secret).await?)
    }

    /// Uses sign-in link `secret` once: a session as its token's holder, as a login with
    /// the token opens.
    pub async fn use_signin_link(&self, secret: &str) -> Result<crate::store::LinkUse> {
        let ttl = chrono::Duration::days(Self::SESSION_DAYS);
        Ok(self.store.use_signin_link(secret, ttl).await?)
    }

    /// Ends a browser session (logout).
    pub async fn sign_out(&self, id: &str) -> Result<()> {
        self.store.end_session(id).await?;
        Ok(())
    }

    /// A run's key figures, for `who` (a coordinator who may see it).
    pub async fn figures(&self, who: &Principal, id: i64) -> Result<crate::plan::Figures> {
        Ok(self.run_for(who, id).await?.summary.figures)
    }
}
