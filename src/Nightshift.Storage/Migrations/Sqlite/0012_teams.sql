-- Teams (Issue 22): organisations (tenants), their users, API tokens (only their SHA-256, as lowercase hex), secrets
-- (ciphertext only), the Data Protection key ring of a fleet, and the append-only audit log. Every task and outbound
-- endpoint belongs to an organisation; rows from before this migration belong to 'default'.
-- Quotas: null is no limit; money is exact decimal text, as cost_usd is elsewhere. Lists are JSON arrays of text.
-- Written to run again harmlessly (IF NOT EXISTS, ON CONFLICT DO NOTHING) but for the two ADD COLUMNs.
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    max_running INTEGER,
    max_running_per_repo INTEGER,
    max_cost_per_task_usd TEXT,
    max_cost_per_day_usd TEXT,
    max_cost_per_month_usd TEXT,
    allowed_repos TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The one row a single-user install needs. A migration has no application clock: this row's times are the database's.
INSERT INTO orgs (id, name, allowed_repos, created_at, updated_at)
VALUES ('default', 'Default', '[]', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS users (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    oidc_issuer TEXT,
    oidc_subject TEXT,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);

CREATE INDEX IF NOT EXISTS ix_users_org ON users (org_id, num);
CREATE UNIQUE INDEX IF NOT EXISTS ux_users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_issuer IS NOT NULL;

CREATE TABLE IF NOT EXISTS api_tokens (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    hint TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER
);

CREATE INDEX IF NOT EXISTS ix_api_tokens_org ON api_tokens (org_id, user_id, num);

CREATE TABLE IF NOT EXISTS org_secrets (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS protection_keys (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    xml TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    token_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    outcome INTEGER NOT NULL,
    address TEXT,
    detail TEXT
);

CREATE INDEX IF NOT EXISTS ix_audit_log_org ON audit_log (org_id, number);

-- Append-only in the database too: nothing that talks SQL to it can change or remove a line.
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be changed');
END;

CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be deleted');
END;

ALTER TABLE tasks ADD COLUMN org_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE outbound_endpoints ADD COLUMN org_id TEXT NOT NULL DEFAULT 'default';

-- An idempotency key is unique within its organisation only: another organisation's key is never matched.
DROP INDEX IF EXISTS ux_tasks_idempotency_key;
CREATE UNIQUE INDEX IF NOT EXISTS ux_tasks_org_idempotency_key ON tasks (org_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- An organisation's task list, newest first; and its running tasks, counted per organisation and repository by the
-- claim's quotas.
CREATE INDEX IF NOT EXISTS ix_tasks_org ON tasks (org_id, num);
CREATE INDEX IF NOT EXISTS ix_tasks_org_running ON tasks (org_id, repo) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS ix_outbound_endpoints_org ON outbound_endpoints (org_id, num);
-- An organisation's spend since a time (its budgets, checked before every model call) reads usage by time.
CREATE INDEX IF NOT EXISTS ix_usage_time ON usage (time);
