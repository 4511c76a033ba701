-- Signed-in browsers: the cookie holds a random session id, never the token. Both are
-- stored only as SHA-256 hashes. A session ends at `expires_at`, at logout, or when its
-- token is revoked (the lookup joins the token and asks that it is not revoked).
CREATE TABLE login_sessions (
    id_hash     TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL REFERENCES tokens(hash) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
