//! Browser sessions (the login cookie): opened with a token or a sign-in link, looked up
//! on every page, ended at logout. Only hashes of session ids are stored; a session lasts
//! while it has not expired and its token is not revoked.

use super::service::{hash, principal_of, random_hex, stamp};
use super::{Principal, Result, Store};

impl Store {
    /// Signs a browser in with a token: a new session id (returned once; stored only as a
    /// hash) that lasts `ttl`, or `None` for an unknown or revoked token.
    pub async fn create_session(
        &self,
        token: &str,
        ttl: chrono::Duration,
    ) -> Result<Option<String>> {
        if self.principal(token).await?.is_none() {
            return Ok(None);
        }
        let mut conn = self.pool.acquire().await?;
        Ok(Some(open_session(&mut conn, &hash(token), ttl).await?))
    }

    /// The holder of a session: not expired, and its token not revoked.
    pub async fn session_principal(&self, id: &str) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "SELECT t.role, t.subject FROM login_sessions s JOIN tokens t ON t.hash = s.token_hash \
             WHERE s.id_hash = $1 AND t.revoked = 0 AND s.expires_at > $2",
        )
        .bind(hash(id))
        .bind(stamp(chrono::Utc::now()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().and_then(principal_of))
    }

    /// Ends a session (logout); false if there was none.
    pub async fn end_session(&self, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM login_sessions WHERE id_hash = $1")
            .bind(hash(id))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// Opens a login session of `ttl` for the token whose hash is `token_hash`: a new session
/// id, returned once and stored only as a hash. A token login (`create_session`) and a
/// sign-in link (`use_signin_link`, inside its transaction) both open one here.
pub(super) async fn open_session(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    ttl: chrono::Duration,
) -> Result<String> {
    let id = format!("ks_{}", random_hex(24));
    let now = chrono::Utc::now();
    sqlx::query(
        "INSERT INTO login_sessions (id_hash, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash(&id))
    .bind(token_hash)
    .bind(stamp(now))
    .bind(stamp(now + ttl))
    .execute(conn)
    .await?;
    Ok(id)
}
