//! `klynge serve` and `klynge token`: the service (with a worker for its queued plans,
//! unless `--no-worker`, and its outbox deliverer, with a mail server set) and its access
//! tokens.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;

use klynge::app::Service;
use klynge::app::access::create_token;
use klynge::app::jobs::run_worker;
use klynge::i18n::Lang;
use klynge::store::{Role, Store};

use super::{Failure, choice, load_dataset};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Import this dataset first (as `klynge import` does); without it the service plans the
    /// current data in the database (none yet: an empty cluster).
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Time limit for plans started from the service, seconds.
    #[arg(long, default_value_t = 30.0, value_parser = super::decimal_arg)]
    time_limit: f64,
    /// Run no worker here: queued plans and repairs are run by other processes (`klynge
    /// worker`, or another `klynge serve`) on the same database.
    #[arg(long)]
    no_worker: bool,
    /// With an SMTP server set, the outbox is delivered in the background.
    #[command(flatten)]
    mail: super::outbox::MailArgs,
    /// How often the outbox is delivered, seconds.
    #[arg(long, default_value_t = 30)]
    mail_every: u64,
}

#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Make a token; it is shown once and stored only as a hash.
    Create {
        #[arg(long, value_parser = choice::<Role>(&Role::NAMES))]
        role: Role,
        /// Whom it is for: a hub id or `*` (coordinator), an association id, an instructor id.
        #[arg(long = "for")]
        subject: String,
        /// The cluster's data to check the subject against (default: the input of the
        /// newest stored run).
        #[arg(long)]
        dataset: Option<PathBuf>,
    },
    /// Revoke a token.
    Revoke { token: String },
}

pub async fn serve(db: &str, lang: Lang, a: ServeArgs) -> Result<(), Failure> {
    if let Some(path) = &a.dataset {
        super::data::import(db, lang, path).await?;
    }
    let mailer = a.mail.mailer()?;
    let state = service(db, a.time_limit).await?;
    let worker = (!a.no_worker).then(|| {
        tokio::spawn(run_worker(state.clone(), async {
            let _ = tokio::signal::ctrl_c().await;
        }))
    });
    // Messages are written when a run is published; they are sent from here, so that a
    // slow or absent mail server never holds a publication up.
    match mailer {
        Some(mailer) => {
            let state = Arc::clone(&state);
            let every = std::time::Duration::from_secs(a.mail_every.max(1));
            tokio::spawn(async move {
                klynge::app::outbox::deliver_forever(&state.store, &mailer, every).await;
            });
        }
        None => eprintln!(
            "{}",
            lang.pick(
                "Uten KLYNGE_SMTP_URL sendes ingen e-post; meldingene venter i `klynge outbox`.",
                "Without KLYNGE_SMTP_URL no e-mail is sent; messages wait in `klynge outbox`.",
            )
        ),
    }
    let listen = &a.listen;
    eprintln!(
        "{} http://{listen}/ ({})",
        lang.pick("klynge lytter på", "klynge listening on"),
        lang.pick("Ctrl-C stopper", "Ctrl-C stops")
    );
    let served = klynge::server::serve(state, listen)
        .await
        .map_err(|e| Failure::new(1, format!("{listen}: {e}")));
    if let Some(worker) = worker {
        // Ctrl-C stopped it too; a job it was running is marked failed, to be retried.
        if served.is_ok() {
            let _ = worker.await;
        } else {
            worker.abort();
        }
    }
    served
}

/// The service over the current data in the database (an empty cluster if none).
pub(super) async fn service(db: &str, time_limit: f64) -> Result<Arc<Service>, Failure> {
    let store = Store::open(db).await?;
    Ok(Arc::new(Service::open(store, time_limit).await?))
}

pub async fn token(db: &str, lang: Lang, action: TokenAction) -> Result<(), Failure> {
    let store = Store::open(db).await?;
    match action {
        TokenAction::Create {
            role,
            subject,
            dataset,
        } => {
            let data = dataset.as_deref().map(load_dataset).transpose()?;
            let (token, checked) = create_token(&store, data.as_ref(), role, &subject).await?;
            if !checked {
                eprintln!(
                    "{}",
                    lang.pick(
                        "Merk: databasen har ingen data å kontrollere mottakeren mot (gi --dataset).",
                        "Note: the database holds no data to check the subject against (give --dataset).",
                    )
                );
            }
            println!("{token}");
            eprintln!(
                "{}",
                lang.pick(
                    "Nøkkelen vises bare nå; den lagres bare som en hash.",
                    "The token is shown only now; only its hash is stored."
                )
            );
        }
        TokenAction::Revoke { token } => {
            if !store.revoke_token(&token).await? {
                return Err(Failure::new(
                    2,
                    lang.pick("Ukjent nøkkel.", "Unknown token."),
                ));
            }
            println!(
                "{}",
                lang.pick("Nøkkelen er tilbakekalt.", "The token is revoked.")
            );
        }
    }
    store.close().await;
    Ok(())
}
