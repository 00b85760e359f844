//! The synthetic stand-in of the legacy Oracle `WELLS` schema, for rehearsals without Oracle.
//!
//! [`create`] builds, in a PostgreSQL schema (default `wells`), the nine tables replication
//! reads, shaped as `IMPORT FOREIGN SCHEMA "WELLS"` through oracle_fdw produces them
//! (`schema.sql` declares the shape and the type mapping), and fills them with a deterministic generator
//! that runs inside the server: one `CREATE TABLE ... AS SELECT` per table, computed by parallel
//! workers, every value a hash of the seed and the row's key (so the same seed gives the same
//! content whatever the plan). The tables are UNLOGGED: a throwaway copy needs no WAL, and
//! postgres_fdw reads them like any other; a server crash empties them, and the next [`create`]
//! of the same spec notices and generates them again.
//!
//! The data carries the dirt the real data has (`UNK` codes, `USGM`, `OTH`, `WASH_STATE`,
//! `Abandoned`, `K  & Riser`, `L`, positive longitudes, control characters standing in for NUL
//! bytes, Y/N/NULL flags, NULL statuses, NULL update audit columns, all-NULL perforations) at
//! the rates documented in `generate.rs`, and only codes that translate into the code tables. The
//! tags GWELLS's functional tests look for (`FUNCTIONAL_TAGS`) exist as ACCEPTED wells once
//! there are a few hundred wells. [`Summary`] reports what was generated and what a correct
//! replication must produce from it.
//!
//! [`mutate`] changes a stand-in in place (edits, additions and removals of wells and
//! children, chosen from a seed) and reports the changes as replication will see them.
//!
//! It deliberately knows nothing about the FDW or the GWELLS tables it feeds.

mod create;
mod error;
mod generate;
mod mutate;

pub use create::{Summary, TABLES, content_hash, create};
pub use error::Error;
pub use generate::{MAX_WELLS, SUBSET};
pub use mutate::{Mutated, Mutation, Rows, mutate};

/// What to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The schema (default `wells`).
    pub schema: String,
    /// How many wells (the real full replication has ~111k).
    pub wells: u32,
    /// The seed: the same seed gives the same content.
    pub seed: i64,
    /// Drop and re-create the schema when it holds anything else.
    pub replace: bool,
}

impl Default for Spec {
    fn default() -> Self {
        Spec { schema: "wells".to_string(), wells: 111_000, seed: 1, replace: false }
    }
}
