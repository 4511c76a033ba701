//! Delivering the outbox by e-mail over SMTP (lettre): each due message is claimed, sent,
//! and marked sent or failed with the error. A failed message is tried again on later
//! rounds, up to `MAX_ATTEMPTS` attempts in all; then it stays failed, for the coordinator
//! to see in `klynge outbox`.
//!
//! The mail settings come from the caller (the command line reads `KLYNGE_SMTP_URL` and
//! `KLYNGE_SMTP_FROM`); nothing here reads the environment.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::error::{AppError, Result};
use crate::store::{OutboxEntry, Store};

/// How many times a message is tried before it stays failed.
pub const MAX_ATTEMPTS: i64 = 5;

/// The sender address when `KLYNGE_SMTP_FROM` is not set.
pub const DEFAULT_FROM: &str = "klynge@localhost";

/// How long one SMTP conversation may take: a mail server that hangs must not hold the
/// other messages back for long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An SMTP connection setting and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// From a URL as lettre reads it: `smtp://host:port` (no encryption, for a relay on the
    /// same machine), `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host` (TLS); and a sender, `klynge@example.org` or
    /// `Seniornett <klynge@example.org>`.
    pub fn from_url(url: &str, from: &str) -> Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| AppError::MailSetup(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| AppError::MailSetup(format!("{from}: {e}")))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, m: &OutboxEntry) -> std::result::Result<(), String> {
        let to = m
            .address
            .as_deref()
            .unwrap_or_default()
            .parse::<Mailbox>()
            .map_err(|e| e.to_string())?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What one delivery round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every due message (pending, or failed fewer than `MAX_ATTEMPTS` times, with an
/// address), oldest first, and records each outcome.
pub async fn deliver_pending(store: &Store, mailer: &Mailer) -> Result<Delivered> {
    let mut done = Delivered::default();
    for m in store.due_messages(MAX_ATTEMPTS).await? {
        // Another deliverer (the service's loop and `klynge outbox send` at once) may have
        // taken it: then it is theirs to send.
        if !store.claim_message(m.id, m.attempts).await? {
            continue;
        }
        match mailer.send(&m).await {
            Ok(()) => {
                store.mark_sent(m.id).await?;
                done.sent += 1;
            }
            Err(e) => {
                store.mark_failed(m.id, &e).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// Delivers the outbox every `every`, for as long as the service runs. A round that fails
/// (the database away) is only logged: the next round tries again. Logs hold counts only,
/// never addresses or texts.
pub async fn deliver_forever(store: &Store, mailer: &Mailer, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match deliver_pending(store, mailer).await {
            Ok(Delivered { sent: 0, failed: 0 }) => {}
            Ok(d) => eprintln!("outbox: {} sent, {} failed", d.sent, d.failed),
            Err(e) => eprintln!("outbox: {}", e.render(crate::i18n::Lang::En, true)),
        }
    }
}
