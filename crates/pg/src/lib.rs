//! Database plumbing shared by every gwells-db crate.
//!
//! * [`Target`]: which database a command talks to, resolved from flags and the environment with
//!   a fixed precedence (flag, `DATABASE_URL`, pod variables, libpq's `PG*` variables, dev
//!   server), filled in from libpq's variables and password file, printed with the password
//!   masked;
//! * [`quote`]: the one place where identifiers and literals become SQL text;
//! * [`Lock`]: the tool's advisory lock, polled with a timeout that names the holder;
//! * [`Conn`]: a connection whose server NOTICEs are captured instead of lost;
//! * [`Stop`], [`finish_or_cancel`]: stopping at a safe point, cancelling the statements in
//!   flight (SIGINT, SIGTERM);
//! * [`stash_secret`]: a secret sent as COPY data, so no statement (logged, or shown in
//!   `pg_stat_activity`) carries it;
//! * TLS as libpq's `sslmode` and `sslrootcert` mean it (`tls.rs`), over rustls, for every
//!   connection and cancel request;
//! * [`wait_ready`]: waiting, bounded, for a database to accept connections;
//! * [`vars`]: the registry of every environment variable the workspace reads.
//!
//! It deliberately knows nothing about migrations, code tables or replication.

mod cancel;
mod conn;
mod error;
mod libpq;
mod lock;
mod mark;
mod pgpass;
pub mod quote;
pub mod report;
mod stash;
mod target;
mod tls;
pub mod vars;
mod wait;

pub use cancel::{Stop, cancel_running, finish_or_cancel};
pub use conn::{Conn, Notice, connect};
pub use error::Error;
pub use lock::{Lock, LockOptions};
pub use mark::{SERVER_MARK, is_devdb_server};
pub use report::{ServerError, describe};
pub use stash::{STASH_TABLE, STASHED_SECRET, stash_secret};
pub use target::{Destination, Secret, Source, Target, mask_url};
pub use wait::{WaitProgress, wait_ready};

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
