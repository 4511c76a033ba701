//! What can go wrong in a use case, once, with its message in both languages. The command
//! line turns the kind into an exit code, the service into an HTTP status.

use crate::i18n::{Lang, Localized};
use crate::model::Problems;
use crate::plan::Violation;
use crate::store::{StoreError, Trouble};

use super::requests::FieldError;

/// How the caller should treat an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong: nothing was changed (exit 2, HTTP 400).
    BadInput,
    /// What was asked for does not exist, or is not the caller's (exit 2, HTTP 404).
    NotFound,
    /// The request clashes with the state of things (exit 2, HTTP 409).
    Conflict,
    /// The caller may not do this (exit 2, HTTP 403).
    Forbidden,
    /// Anything else (exit 1, HTTP 500).
    Internal,
}

#[derive(Debug)]
pub enum AppError {
    /// A dataset or scenario file with problems.
    Dataset(Problems),
    /// Form or API fields with problems.
    Fields(Vec<FieldError>),
    UnknownRequest(String),
    /// An instructor or association that is not in the data, or not the caller's.
    UnknownRecord(String),
    /// Others kept changing the data while this change was being made; nothing was stored.
    DataBusy,
    /// A token's subject that names nothing in the data for its role.
    UnknownSubject(String),
    NoSuchAssignment,
    /// An answer other than accept or decline.
    BadAnswer,
    /// Only a proposed run can be approved.
    NotProposed,
    /// Only a coordinator of all clusters may do this.
    AllClustersOnly,
    /// A run is published only after it is approved.
    NotApproved(i64),
    /// Answers are taken on the published rota (or a newer proposal) only.
    NotAnswerable(i64),
    /// Accepted answers that cannot be kept (with why); nothing was planned or stored.
    Answers(Vec<super::answers::Conflict>),
    /// The independent checker rejected the rota; nothing was stored.
    Rejected(Vec<Violation>),
    /// The cluster proposal could not be solved.
    Clusters(String),
    /// The data the service would plan are not valid.
    InvalidCurrentData(String),
    /// The planning task stopped without an outcome.
    Planning,
    /// Only a failed job can be tried again.
    JobNotFailed(i64),
    /// The mail settings (`KLYNGE_SMTP_URL`, `KLYNGE_SMTP_FROM`) cannot be used.
    MailSetup(String),
    /// An instructor with no e-mail address (for a sign-in link).
    NoAddress(String),
    /// An instructor with no valid token yet (a sign-in link signs in as one).
    NoToken(String),
    Store(StoreError),
}

pub type Result<T> = std::result::Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl AppError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Dataset(_)
            | AppError::Fields(_)
            | AppError::BadAnswer
            | AppError::UnknownSubject(_)
            | AppError::MailSetup(_)
            | AppError::NoAddress(_) => ErrorKind::BadInput,
            AppError::UnknownRequest(_)
            | AppError::UnknownRecord(_)
            | AppError::NoSuchAssignment => ErrorKind::NotFound,
            AppError::Store(e) => match e.trouble() {
                Trouble::Missing => ErrorKind::NotFound,
                Trouble::Duplicate | Trouble::Reference | Trouble::Busy => ErrorKind::Conflict,
                Trouble::Unreachable | Trouble::Schema | Trouble::Other => ErrorKind::Internal,
            },
            AppError::AllClustersOnly => ErrorKind::Forbidden,
            AppError::NotProposed
            | AppError::DataBusy
            | AppError::NotApproved(_)
            | AppError::NotAnswerable(_)
            | AppError::JobNotFailed(_)
            | AppError::NoToken(_)
            | AppError::Answers(_) => ErrorKind::Conflict,
            AppError::Rejected(_)
            | AppError::Clusters(_)
            | AppError::InvalidCurrentData(_)
            | AppError::Planning => ErrorKind::Internal,
        }
    }

    /// The message for the user. Details of database errors are for the operator's
    /// terminal only: `for_terminal = false` (the service) gives just their kind.
    pub fn render(&self, lang: Lang, for_terminal: bool) -> String {
        match self {
            AppError::Dataset(p) => p.render(lang),
            AppError::Fields(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            AppError::UnknownRequest(r) => format!(
                "{} '{r}'",
                lang.pick("Ukjent forespørsel", "Unknown request")
            ),
            AppError::UnknownRecord(id) => match lang {
                Lang::Nb => format!("fant ingen instruktør eller forening '{id}' du kan endre"),
                Lang::En => format!("no instructor or association '{id}' that you can change"),
            },
            AppError::DataBusy => lang
                .pick(
                    "dataene ble endret av andre i mellomtiden; prøv igjen",
                    "the data were changed by others meanwhile; please try again",
                )
                .into(),
            AppError::UnknownSubject(s) => match lang {
                Lang::Nb => format!(
                    "'{s}' finnes ikke i dataene for den rollen (en koordinator: * eller en hub; en forening: en liten forening; en instruktør: en instruktør-id)"
                ),
                Lang::En => format!(
                    "'{s}' is not in the data for that role (a coordinator: * or a hub; an association: a small association; an instructor: an instructor id)"
                ),
            },
            AppError::NoSuchAssignment => lang
                .pick("fant ingen slik tildeling", "no such assignment")
                .into(),
            AppError::BadAnswer => lang
                .pick(
                    "svar må være accept eller decline",
                    "the answer must be accept or decline",
                )
                .into(),
            AppError::NotProposed => lang
                .pick(
                    "bare en foreslått kjøring kan godkjennes",
                    "only a proposed run can be approved",
                )
                .into(),
            AppError::AllClustersOnly => lang
                .pick(
                    "bare en koordinator for alle klynger kan se dette",
                    "only a coordinator of all clusters may see this",
                )
                .into(),
            AppError::NotApproved(run) => match lang {
                Lang::Nb => {
                    format!("kjøring {run} er ikke godkjent: godkjenn den før den publiseres")
                }
                Lang::En => format!("run {run} is not approved: approve it before publishing"),
            },
            AppError::NotAnswerable(run) => match lang {
                Lang::Nb => format!(
                    "kjøring {run} er ikke den publiserte rotaen: svar gis på den publiserte rotaen"
                ),
                Lang::En => format!(
                    "run {run} is not the published rota: answers are given on the published rota"
                ),
            },
            AppError::Answers(conflicts) => {
                let mut msg = lang
                    .pick(
                        "Svarene fra instruktørene kan ikke holdes alle sammen; ingenting er lagret:",
                        "The instructors' answers cannot all be kept; nothing was stored:",
                    )
                    .to_string();
                for c in conflicts {
                    msg.push_str("\n  ");
                    msg.push_str(&c.render(lang));
                }
                msg
            }
            AppError::Rejected(violations) => {
                let mut msg = lang
                    .pick(
                        "Den uavhengige kontrollen fant feil i rotaen; ingenting er lagret:",
                        "The independent checker found errors in the rota; nothing was stored:",
                    )
                    .to_string();
                for v in violations {
                    msg.push_str("\n  ");
                    msg.push_str(&v.render(lang));
                }
                msg
            }
            AppError::Clusters(e) => format!(
                "{}: {e}",
                lang.pick(
                    "Klyngene kunne ikke foreslås",
                    "The clusters could not be proposed"
                )
            ),
            AppError::InvalidCurrentData(first) => format!(
                "{}: {first}",
                lang.pick(
                    "dataene som skal planlegges, er ikke gyldige",
                    "the current data are not valid"
                )
            ),
            AppError::Planning => lang.pick("planleggingen feilet", "planning failed").into(),
            AppError::JobNotFailed(id) => match lang {
                Lang::Nb => format!(
                    "jobb {id} har ikke feilet: bare en jobb som har feilet, kan prøves igjen"
                ),
                Lang::En => {
                    format!("job {id} has not failed: only a failed job can be tried again")
                }
            },
            AppError::MailSetup(e) => format!(
                "{}: {e}",
                lang.pick(
                    "E-postinnstillingene (KLYNGE_SMTP_URL, KLYNGE_SMTP_FROM) kan ikke brukes",
                    "The mail settings (KLYNGE_SMTP_URL, KLYNGE_SMTP_FROM) cannot be used"
                )
            ),
            AppError::NoAddress(id) => match lang {
                Lang::Nb => format!("instruktør {id} har ingen e-postadresse å sende lenken til"),
                Lang::En => format!("instructor {id} has no e-mail address to send the link to"),
            },
            AppError::NoToken(id) => match lang {
                Lang::Nb => format!(
                    "instruktør {id} har ingen gyldig tilgangsnøkkel ennå, og lenken logger inn med den: lag en først («klynge token create --role instructor --for {id}»)"
                ),
                Lang::En => format!(
                    "instructor {id} has no valid token yet, and the link signs in with it: make one first (`klynge token create --role instructor --for {id}`)"
                ),
            },
            AppError::Store(e) => store_message(e, lang, for_terminal),
        }
    }
}

/// A database error as its kind, said in `lang`; the database's own text (English, and
/// quoting values that may be personal data) is never shown. On the terminal the operator
/// also reads what to check.
fn store_message(e: &StoreError, lang: Lang, for_terminal: bool) -> String {
    match (e, lang, for_terminal) {
        (StoreError::NotFound(id), Lang::Nb, true) => {
            return format!("Ingen kjøring med id {id} (se `klynge runs`).");
        }
        (StoreError::NotFound(id), Lang::En, true) => {
            return format!("No run with id {id} (see `klynge runs`).");
        }
        (StoreError::NotFound(id), Lang::Nb, false) => return format!("fant ingen kjøring {id}"),
        (StoreError::NotFound(id), Lang::En, false) => return format!("no run {id}"),
        (StoreError::NoJob(id), Lang::Nb, _) => return format!("fant ingen jobb {id}"),
        (StoreError::NoJob(id), Lang::En, _) => return format!("no job {id}"),
        _ => {}
    }
    let (nb, en) = match (e.trouble(), for_terminal) {
        (Trouble::Unreachable, true) => (
            "Databasen kan ikke nås eller åpnes: sjekk --db (DATABASE_URL), at mappen finnes og kan skrives i, og at databasetjeneren kjører og godtar tilkoblingen",
            "The database cannot be reached or opened: check --db (DATABASE_URL), that the folder exists and can be written to, and that the database server is running and accepts the connection",
        ),
        (Trouble::Unreachable, false) => (
            "databasen kan ikke nås akkurat nå; prøv igjen senere",
            "the database cannot be reached just now; please try again later",
        ),
        (Trouble::Duplicate, _) => (
            "det finnes allerede en oppføring med samme nøkkel; ingenting er endret",
            "a record with the same key is stored already; nothing was changed",
        ),
        (Trouble::Reference, _) => (
            "oppføringen viser til noe som ikke finnes, eller noe annet viser fortsatt til den; ingenting er endret",
            "the record refers to something that does not exist, or something else still refers to it; nothing was changed",
        ),
        (Trouble::Busy, _) => (
            "databasen er opptatt med en annen endring; prøv igjen om litt",
            "the database is busy with another change; please try again in a moment",
        ),
        (Trouble::Schema, true) => (
            "Databasen passer ikke til denne versjonen av klynge (tabellene eller migreringene er fra en annen versjon): bruk klynge i samme versjon som databasen ble laget med, eller en ny database",
            "The database does not fit this version of klynge (its tables or migrations are from another version): use klynge of the version the database was made with, or a new database",
        ),
        (Trouble::Schema, false) => (
            "databasen passer ikke til denne versjonen av klynge",
            "the database does not fit this version of klynge",
        ),
        (Trouble::Missing, _) => (
            "fant ikke det som ble spurt etter",
            "what was asked for was not found",
        ),
        (Trouble::Other, _) => match e {
            StoreError::Corrupt(_) => (
                "lagrede data kan ikke leses (de er skadet, eller fra en annen versjon av klynge)",
                "stored data cannot be read (they are damaged, or from another version of klynge)",
            ),
            _ => ("uventet databasefeil", "unexpected database error"),
        },
    };
    lang.pick(nb, en).to_owned()
}

impl Localized for AppError {
    fn localized(&self, lang: Lang) -> String {
        self.render(lang, false)
    }
}
