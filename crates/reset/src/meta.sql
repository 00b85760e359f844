-- gwells-db's own schema: markers that must survive a reset. Reset never drops this schema.
CREATE SCHEMA IF NOT EXISTS gwells_db_meta;
COMMENT ON SCHEMA gwells_db_meta IS
    'gwells-db: protection and maintenance markers; `cargo xtask reset` never drops this schema';
CREATE TABLE IF NOT EXISTS gwells_db_meta.marker (
    name          text PRIMARY KEY CHECK (name IN ('protected', 'maintenance')),
    set_at        timestamptz NOT NULL DEFAULT now(),
    set_by        text NOT NULL,
    note          text NOT NULL DEFAULT '',
    -- The session that lives as long as the marker is meant to (maintenance only): when it is
    -- gone, the reset that set the marker was interrupted.
    backend_pid   integer,
    backend_start timestamptz
);
