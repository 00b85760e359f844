//! FDW spec from the environment, DDL rendering for oracle_fdw and postgres_fdw, fingerprint, apply.
