-- Teams (Issue 22): organisations (tenants), their users, API tokens (only their SHA-256, as lowercase hex), secrets
-- (ciphertext only), the Data Protection key ring of a fleet, and the append-only audit log. Every task and outbound
-- endpoint belongs to an organisation; rows from before this migration belong to 'default'.
-- Quotas: null is no limit. Lists are JSON arrays of text.
-- Written to run again harmlessly (IF NOT EXISTS, ON CONFLICT DO NOTHING, OR REPLACE).
CREATE TABLE IF NOT EXISTS orgs (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    max_running bigint,
    max_running_per_repo bigint,
    max_cost_per_task_usd numeric,
    max_cost_per_day_usd numeric,
    max_cost_per_month_usd numeric,
    allowed_repos text NOT NULL DEFAULT '[]',
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);

-- The one row a single-user install needs. A migration has no application clock: this row's times are the database's.
INSERT INTO orgs (id, name, allowed_repos, created_at, updated_at)
VALUES ('default', 'Default', '[]', (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint)
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS users (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    org_id text NOT NULL REFERENCES orgs (id),
    name text NOT NULL,
    role text NOT NULL,
    oidc_issuer text,
    oidc_subject text,
    created_at bigint NOT NULL,
    disabled_at bigint
);

CREATE INDEX IF NOT EXISTS ix_users_org ON users (org_id, num);
CREATE UNIQUE INDEX IF NOT EXISTS ux_users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_issuer IS NOT NULL;

CREATE TABLE IF NOT EXISTS api_tokens (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    org_id text NOT NULL REFERENCES orgs (id),
    user_id text NOT NULL REFERENCES users (id),
    name text NOT NULL,
    hint text NOT NULL,
    hash text NOT NULL UNIQUE,
    scopes text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint,
    revoked_at bigint,
    last_used_at bigint
);

CREATE INDEX IF NOT EXISTS ix_api_tokens_org ON api_tokens (org_id, user_id, num);

CREATE TABLE IF NOT EXISTS org_secrets (
    org_id text NOT NULL REFERENCES orgs (id),
    name text NOT NULL,
    ciphertext text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (org_id, name)
);

CREATE TABLE IF NOT EXISTS protection_keys (
    num bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    xml text NOT NULL,
    created_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id text NOT NULL,
    at bigint NOT NULL,
    actor_id text NOT NULL,
    actor_name text NOT NULL,
    token_id text,
    action text NOT NULL,
    target text,
    outcome bigint NOT NULL,
    address text,
    detail text
);

CREATE INDEX IF NOT EXISTS ix_audit_log_org ON audit_log (org_id, number);

-- Append-only in the database too: nothing that talks SQL to it can change, remove or truncate a line.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP;
END;
$$;

CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE tasks ADD COLUMN IF NOT EXISTS org_id text NOT NULL DEFAULT 'default';
ALTER TABLE outbound_endpoints ADD COLUMN IF NOT EXISTS org_id text NOT NULL DEFAULT 'default';

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
