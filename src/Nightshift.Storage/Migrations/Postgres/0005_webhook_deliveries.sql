-- Every webhook delivery a forge sent that passed its signature check, keyed by the forge's delivery id, so that a
-- delivery sent twice acts once and reconciliation can tell what was already seen.
-- Stands alone (one new table, nothing else touched): it may be renumbered to sit after another new migration.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    forge text NOT NULL,
    delivery_id text NOT NULL,
    event text NOT NULL,
    outcome text NOT NULL,
    task_id text,
    received_at bigint NOT NULL,
    PRIMARY KEY (forge, delivery_id)
);
