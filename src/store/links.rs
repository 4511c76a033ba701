//! Sign-in links sent by e-mail: one use each, until they expire. The token stays the
//! credential: a link signs in as the token it names, and only while that token is not
//! revoked. Its secret is stored only as a hash.

use sqlx::Row;

use super::outbox::{NewMessage, insert_messages};
use super::service::{hash, principal_of, random_hex, stamp};
use super::{Principal, Result, Role, Store};

/// What became of a sign-in link that was followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkUse {
    /// Signed in: the link's holder and the new session's id (for the cookie).
    SignedIn(Principal, String),
    /// The link was used before.
    Used,
    /// The link is too old.
    Expired,
    /// No such link, or its token is revoked.
    Unknown,
}

/// A link that is still good, and whom it signs in (without using it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkState {
    Good(Principal),
    Used,
    Expired,
    Unknown,
}

impl Store {
    /// Makes a sign-in link for the newest valid token of (`role`, `subject`) and, in the
    /// same transaction, the outbox message that carries it (`message` writes it from the
    /// link's secret). `None` when the person has no valid token.
    pub async fn create_signin_link(
        &self,
        role: Role,
        subject: &str,
        ttl: chrono::Duration,
        message: impl FnOnce(&str) -> NewMessage,
    ) -> Result<Option<String>> {
        let mut tx = self.write_tx().await?;
        let token: Option<String> = sqlx::query(
            "SELECT hash FROM tokens WHERE role = $1 AND subject = $2 AND revoked = 0 \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(role.as_str())
        .bind(subject)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let Some(token) = token else {
            return Ok(None);
        };
        let secret = format!("kl_link_{}", random_hex(24));
        let now = chrono::Utc::now();
        sqlx::query(
            "INSERT INTO signin_links (secret_hash, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash(&secret))
        .bind(&token)
        .bind(stamp(now))
        .bind(stamp(now + ttl))
        .execute(&mut *tx)
        .await?;
        insert_messages(&mut tx, None, &[message(&secret)]).await?;
        tx.commit().await?;
        Ok(Some(secret))
    }

    /// Whether link `secret` would sign someone in, without using it.
    pub async fn signin_link_state(&self, secret: &str) -> Result<LinkState> {
        let row = sqlx::query(
            "SELECT t.role, t.subject, l.used_at, l.expires_at FROM signin_links l \
             JOIN tokens t ON t.hash = l.token_hash WHERE l.secret_hash = $1 AND t.revoked = 0",
        )
        .bind(hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(LinkState::Unknown);
        };
        let used: Option<String> = row.try_get(2)?;
        let expires: String = row.try_get(3)?;
        Ok(if used.is_some() {
            LinkState::Used
        } else if expires <= stamp(chrono::Utc::now()) {
            LinkState::Expired
        } else {
            principal_of(&row).map_or(LinkState::Unknown, LinkState::Good)
        })
    }

    /// Uses link `secret` once: marks it used and opens a session of `ttl` for its token,
    /// in one transaction, so that two uses at once cannot both sign in.
    pub async fn use_signin_link(&self, secret: &str, ttl: chrono::Duration) -> Result<LinkUse> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT t.role, t.subject, l.used_at, l.expires_at, l.token_hash FROM signin_links l \
             JOIN tokens t ON t.hash = l.token_hash WHERE l.secret_hash = $1 AND t.revoked = 0",
        )
        .bind(hash(secret))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(LinkUse::Unknown);
        };
        let used: Option<String> = row.try_get(2)?;
        let expires: String = row.try_get(3)?;
        let token: String = row.try_get(4)?;
        let now = chrono::Utc::now();
        if used.is_some() {
            return Ok(LinkUse::Used);
        }
        if expires <= stamp(now) {
            return Ok(LinkUse::Expired);
        }
        let Some(who) = principal_of(&row) else {
            return Ok(LinkUse::Unknown);
        };
        let marked = sqlx::query(
            "UPDATE signin_links SET used_at = $1 WHERE secret_hash = $2 AND used_at IS NULL",
        )
        .bind(stamp(now))
        .bind(hash(secret))
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() == 0 {
            return Ok(LinkUse::Used);
        }
        let id = super::sessions::open_session(&mut tx, &token, ttl).await?;
        tx.commit().await?;
        Ok(LinkUse::SignedIn(who, id))
    }
}
