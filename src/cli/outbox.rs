//! `klynge outbox` and `klynge outbox send`: the messages publications left for people, and
//! delivering them now. The mail settings are read here (flags or `KLYNGE_SMTP_URL`,
//! `KLYNGE_SMTP_FROM`), and by `klynge serve`, which delivers in the background.

use clap::Subcommand;

use klynge::app::outbox::{DEFAULT_FROM, Mailer, deliver_pending};
use klynge::i18n::Lang;
use klynge::store::{OutboxEntry, Store};

use super::Failure;

#[derive(Subcommand, Debug)]
pub enum OutboxAction {
    /// Send the pending messages now (and retry the failed ones). /
    /// Send ventende meldinger nå (og prøv de som feilet, på nytt).
    Send {
        #[command(flatten)]
        mail: MailArgs,
    },
}

/// Where mail goes. The URL may hold a password: its value is never shown in the help.
#[derive(clap::Args, Debug, Clone)]
pub struct MailArgs {
    /// The SMTP server, as a URL: smtp://host:25 (no encryption), smtp://user:password@host:587?tls=required
    /// (STARTTLS), smtps://user:password@host (TLS). /
    /// SMTP-tjeneren, som en URL.
    #[arg(long = "smtp-url", env = "KLYNGE_SMTP_URL", hide_env_values = true)]
    pub url: Option<String>,
    /// The sender address. / Avsenderadressen.
    #[arg(long = "smtp-from", env = "KLYNGE_SMTP_FROM", default_value = DEFAULT_FROM)]
    pub from: String,
}

impl MailArgs {
    /// The mailer, when an SMTP server is set.
    pub fn mailer(&self) -> Result<Option<Mailer>, Failure> {
        match &self.url {
            None => Ok(None),
            Some(url) => Ok(Some(Mailer::from_url(url, &self.from)?)),
        }
    }
}

pub async fn outbox(
    db: &str,
    lang: Lang,
    action: Option<OutboxAction>,
    limit: i64,
) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    let result = match action {
        None => list(&store, lang, limit).await,
        Some(OutboxAction::Send { mail }) => send(&store, lang, &mail).await,
    };
    store.close().await;
    result
}

/// Newest first, one line each: what a coordinator needs to follow up (who has no address,
/// what failed and why). The texts themselves are not shown.
async fn list(store: &Store, lang: Lang, limit: i64) -> Result<(), Failure> {
    let entries = store.outbox(limit.max(0)).await?;
    if entries.is_empty() {
        println!("{}", lang.pick("Ingen meldinger ennå.", "No messages yet."));
        return Ok(());
    }
    println!(
        "{:>5} {:>5}  {:<26} {:<40} {:<16} {}",
        "id",
        lang.pick("kjør.", "run"),
        lang.pick("mottaker", "recipient"),
        lang.pick("adresse", "address"),
        "status",
        lang.pick("emne", "subject"),
    );
    for e in &entries {
        println!(
            "{:>5} {:>5}  {:<26} {:<40} {:<16} {}",
            e.id,
            e.run_id.map_or_else(|| "—".to_owned(), |r| r.to_string()),
            format!(
                "{} {}",
                match e.recipient_kind {
                    klynge::store::RecipientKind::Instructor =>
                        lang.pick("instruktør", "instructor"),
                    klynge::store::RecipientKind::Association =>
                        lang.pick("forening", "association"),
                },
                e.recipient
            ),
            e.address.as_deref().unwrap_or("—"),
            status(e, lang),
            e.subject
        );
        if let Some(err) = e.last_error.as_deref().filter(|_| e.status != "sent") {
            println!("{:>13}{}: {err}", "", lang.pick("siste feil", "last error"));
        }
    }
    Ok(())
}

/// The status in words, with the attempts when they matter.
fn status(e: &OutboxEntry, lang: Lang) -> String {
    match e.status.as_str() {
        "pending" => lang.pick("venter", "pending").to_owned(),
        "sent" => lang.pick("sendt", "sent").to_owned(),
        "no_address" => lang.pick("ingen adresse", "no address").to_owned(),
        "failed" => format!("{} ({}×)", lang.pick("feilet", "failed"), e.attempts),
        other => other.to_owned(),
    }
}

async fn send(store: &Store, lang: Lang, mail: &MailArgs) -> Result<(), Failure> {
    let Some(mailer) = mail.mailer()? else {
        return Err(Failure::new(
            2,
            lang.pick(
                "Ingen SMTP-tjener: sett KLYNGE_SMTP_URL (eller gi --smtp-url).",
                "No SMTP server: set KLYNGE_SMTP_URL (or give --smtp-url).",
            ),
        ));
    };
    let done = deliver_pending(store, &mailer).await?;
    println!(
        "{}",
        match lang {
            Lang::Nb => format!("{} sendt, {} feilet.", done.sent, done.failed),
            Lang::En => format!("{} sent, {} failed.", done.sent, done.failed),
        }
    );
    if done.failed > 0 {
        return Err(Failure::new(
            1,
            lang.pick(
                "Noen meldinger kunne ikke sendes; se `klynge outbox`.",
                "Some messages could not be sent; see `klynge outbox`.",
            ),
        ));
    }
    Ok(())
}
