//! The Django superuser, created the way `manage.py createsuperuser` would.
//!
//! * `make_password` / [`check_password`]: Django 5.2's `pbkdf2_sha256` format exactly
//!   (`pbkdf2_sha256$1000000$<22-char salt>$<base64 hash>`), so Django's own `check_password`
//!   accepts what we store, and we can verify what Django stored;
//! * [`Account`]: user, e-mail and password from `DJANGO_ADMIN_*` variables, a mounted secret
//!   directory (one file per key, as OpenShift mounts the `gwells-django` secret) or stdin;
//! * [`create_superuser`]: inserts the row into `auth_user` idempotently — an existing user is
//!   left alone, or updated when asked;
//! * [`admin_url`] / [`generate_admin_url`]: the obfuscated admin path.
//!
//! The password is a [`pg::Secret`] from the moment it is read: it travels to the server only
//! as its hash, and the hash only as COPY data ([`pg::stash_secret`]) — never in a statement
//! or a bind parameter, which statement logging would write to the server log — and no error
//! or report contains it. It deliberately knows
//! nothing about groups, the API test user or other Django management commands.

mod account;
mod create;
mod error;
mod hasher;
mod url;

pub use account::{Account, Sources, strip_newline};
pub use create::{CreateOptions, Outcome, create_superuser};
pub use error::Error;
pub use hasher::check_password;
pub use url::{admin_url, generate_admin_url};
