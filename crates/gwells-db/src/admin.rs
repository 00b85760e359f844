//! `cargo xtask admin create / url`: the Django superuser and the obfuscated admin path.
//!
//! The password comes from `DJANGO_ADMIN_PASSWORD`, a secret directory or stdin, never from an
//! argument (arguments are visible in `ps`), and is never printed.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::ctx::{Ctx, say};
use crate::exit::{self, bad_input};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  DJANGO_ADMIN_USER=admin DJANGO_ADMIN_PASSWORD=... cargo xtask admin create
  cargo xtask admin create --secret-dir /etc/secrets/gwells-django   # files named after the keys
  printf '%s' \"$PW\" | cargo xtask admin create --password-stdin
  cargo xtask admin create --update        # reset the password of an existing user
  cargo xtask admin url                    # DJANGO_ADMIN_URL (or the secret's)
  cargo xtask admin url --generate         # a new random path

Keys: DJANGO_ADMIN_USER, DJANGO_ADMIN_EMAIL (optional), DJANGO_ADMIN_PASSWORD, DJANGO_ADMIN_URL.
The password is hashed as Django 5.2 does (pbkdf2_sha256, 1,000,000 iterations).")]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create the superuser; an existing one is left alone unless --update.
    Create(CreateArgs),
    /// Print the obfuscated admin path.
    Url(UrlArgs),
}

#[derive(clap::Args)]
struct CreateArgs {
    /// A mounted secret: files named DJANGO_ADMIN_USER, DJANGO_ADMIN_EMAIL, DJANGO_ADMIN_PASSWORD.
    #[arg(long, value_name = "DIR")]
    secret_dir: Option<PathBuf>,
    /// Read the password from the first line of stdin.
    #[arg(long)]
    password_stdin: bool,
    /// Reset the password, e-mail and superuser flags of an existing user.
    #[arg(long)]
    update: bool,
}

#[derive(clap::Args)]
struct UrlArgs {
    /// A mounted secret holding a DJANGO_ADMIN_URL file.
    #[arg(long, value_name = "DIR")]
    secret_dir: Option<PathBuf>,
    /// Generate a new random path instead of reading one.
    #[arg(long)]
    generate: bool,
}

pub(crate) async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let env = |name: &str| std::env::var(name).ok();
    match args.command {
        Command::Create(a) => {
            let password = if a.password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("cannot read the password from stdin")?;
                Some(pg::Secret::new(admin::strip_newline(&line)))
            } else {
                None
            };
            let sources =
                admin::Sources { env: &env, secret_dir: a.secret_dir.as_deref(), password };
            let account = admin::Account::from_sources(&sources)?;
            let target = ctx.target().await?;
            let options = admin::CreateOptions { update: a.update };
            let outcome = admin::create_superuser(&target, &account, &options)
                .await
                .with_context(|| format!("cannot create the superuser in {target}"))?;
            say(&format!("admin: superuser `{}` {outcome}", account.username));
            Ok(exit::OK)
        }
        Command::Url(a) => {
            let url = if a.generate {
                admin::generate_admin_url()
            } else {
                let sources = admin::Sources {
                    env: &env,
                    secret_dir: a.secret_dir.as_deref(),
                    password: None,
                };
                admin::admin_url(&sources)?.ok_or_else(|| {
                    bad_input(anyhow::anyhow!(
                        "`DJANGO_ADMIN_URL` is not set\nhint: export it, pass `--secret-dir`, or make one with `--generate`"
                    ))
                })?
            };
            crate::ctx::print_line(&url);
            Ok(exit::OK)
        }
    }
}
