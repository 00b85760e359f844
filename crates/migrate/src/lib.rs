//! Django-compatible migrations: files, graph, plan, ledger, apply.
//!
//! * files `migrations/<app>/NNNN_name.sql` with `-- depends:`, `-- replaces:` and
//!   `-- no-transaction` headers, optional `.down.sql`, repeatable `R_name.sql` scripts
//!   (`migrations/README.md` is the reference);
//! * a graph per app with cross-app edges, planned in Django's exact order;
//! * the ledger is Django's own `django_migrations`, so `manage.py showmigrations` agrees; the
//!   tool's checksums, durations and partial progress live in `gwells_db.migration` (a schema of its own);
//! * applying holds the tool's advisory lock, one transaction per migration with its rows.
//!
//! It deliberately knows nothing about code tables or replication; those are other crates.

mod apply;
mod checksum;
mod error;
mod graph;
mod ledger;
mod plan;
mod render;
mod source;
mod split;
mod squash;

pub use apply::{Accepted, Options, Report, accept_checksum, migrate_all, plan, run, status};
pub use error::Error;
pub use plan::{Drifted, Inconsistent, Listed, Partial, State, Status, Step};
pub use render::{render_plan, render_showmigrations, render_sql};
pub use source::{Key, Migration, Repeatable, Source, load, parse_header};
pub use split::{Statement, split_statements};
pub use squash::{Squashed, squash, write_squash};
