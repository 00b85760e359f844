//! The bad-input corpus: each case is rejected with exit code 2, a message that
//! names the file and line or the variable, and the database exactly as it was.

use std::path::Path;

use crate::support::{copy_dir, database, fingerprint, root, run, text};

/// The arguments and extra environment of one command.
type Invocation = (Vec<String>, Vec<(&'static str, String)>);

/// One bad input: how to make it, the command, and what the message must name.
struct Case {
    name: &'static str,
    /// Writes fixtures into the scratch dir; returns the arguments and extra environment.
    setup: fn(&Path) -> Invocation,
    /// Every one of these must appear in stderr.
    names: &'static [&'static str],
}

fn migrations_with(dir: &Path, file: &str, body: &str) -> Vec<String> {
    let m = dir.join("migrations");
    copy_dir(&root().join("migrations"), &m);
    let path = m.join(file);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, body).expect("write");
    vec!["migrate".into(), "--migrations-dir".into(), m.display().to_string()]
}

fn codes_with(dir: &Path, file: &str, edit: fn(String) -> String) -> Vec<String> {
    let c = dir.join("codetables");
    copy_dir(&root().join("codetables"), &c);
    let path = c.join(file);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, edit(old)).expect("write");
    vec!["codes".into(), "load".into(), "--dir".into(), c.display().to_string()]
}

fn replace_line(text: String, n: usize, f: fn(&str) -> String) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == n { f(l) } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn fdw_env(over: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut env: Vec<(&'static str, String)> = vec![
        ("FDW_NAME", "wells_oradb".into()),
        ("FDW_FOREIGN_SERVER", "//nrk1-scan.example/envprod1".into()),
        ("FDW_USER", "proxy_wells_gwells".into()),
        ("FDW_PASS", "Planted-Fdw-S3cret".into()),
        ("FDW_FOREIGN_SCHEMA", "WELLS".into()),
        ("FDW_SCHEMA", "wells".into()),
    ];
    for (k, v) in over {
        env.retain(|(name, _)| name != k);
        if !v.is_empty() {
            env.push((k, v.to_string()));
        }
    }
    env
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const CASES: &[Case] = &[
    // migrations
    Case {
        name: "malformed migration name",
        setup: |d| (migrations_with(d, "gwells/12_bad-name.sql", "SELECT 1;\n"), vec![]),
        names: &["12_bad-name.sql"],
    },
    // guards (issue 14)
    Case {
        name: "FDW_SCHEMA=public for fdw setup",
        setup: |_| (args(&["fdw", "setup"]), fdw_env(&[("FDW_SCHEMA", "public")])),
        names: &["`FDW_SCHEMA` is `public`", "hint: set `FDW_SCHEMA`"],
    },
    Case {
        name: "FDW_SCHEMA=public for reset",
        setup: |_| (args(&["reset"]), fdw_env(&[("FDW_SCHEMA", "public")])),
        names: &["`FDW_SCHEMA` is `public`"],
    },
    Case {
        name: "FDW_SCHEMA the tool's own schema",
        setup: |_| (args(&["reset"]), fdw_env(&[("FDW_SCHEMA", "gwells_db_meta")])),
        names: &["`FDW_SCHEMA` is `gwells_db_meta`"],
    },
    Case {
        name: "FDW_SCHEMA a system schema",
        setup: |_| (args(&["fdw", "setup"]), fdw_env(&[("FDW_SCHEMA", "pg_catalog")])),
        names: &["`FDW_SCHEMA` is `pg_catalog`"],
    },
    Case {
        name: "unencoded @ in the URL's password",
        setup: |_| {
            let url = "postgres://postgres:Hunter@Secret2@db.example/gwells";
            (args(&["health", "--json"]), vec![("DATABASE_URL", url.into())])
        },
        names: &["`DATABASE_URL`", "unencoded `@`", "%40"],
    },
    Case {
        name: "unencoded @ in --database-url for reset",
        setup: |_| {
            let url = "postgres://me@corp@db.example/gwells";
            (args(&["reset", "--database-url", url]), vec![])
        },
        names: &["`--database-url`", "unencoded `@`"],
    },
    Case {
        name: "unknown sslmode says so",
        setup: |_| {
            let url = "postgres://u:pw@db.example/gwells?sslmode=verify-fuller";
            (args(&["migrate", "--check"]), vec![("DATABASE_URL", url.into())])
        },
        names: &["`DATABASE_URL`", "invalid value for option `sslmode`"],
    },
    Case {
        name: "bad port says so",
        setup: |_| (args(&["health", "--database-url", "postgres://u@h:99999/gwells"]), vec![]),
        names: &["`--database-url`", "invalid value for option `port`"],
    },
    Case {
        name: "bad hostaddr says so",
        setup: |_| {
            (args(&["reset"]), vec![("DATABASE_URL", "host=h hostaddr=db.example dbname=g".into())])
        },
        names: &["`DATABASE_URL`", "invalid value for option `hostaddr`"],
    },
    Case {
        name: "duplicate number",
        setup: |d| (migrations_with(d, "gwells/0001_again.sql", "SELECT 1;\n"), vec![]),
        names: &["0001_again.sql"],
    },
    Case {
        name: "missing dependency",
        setup: |d| {
            (
                migrations_with(
                    d,
                    "gwells/0004_needs_ghost.sql",
                    "-- depends: ghosts 0001_initial\nSELECT 1;\n",
                ),
                vec![],
            )
        },
        names: &["0004_needs_ghost.sql", "ghosts"],
    },
    Case {
        name: "cycle across apps",
        setup: |d| {
            let mut a = migrations_with(
                d,
                "alpha/0001_initial.sql",
                "-- depends: beta 0001_initial\nSELECT 1;\n",
            );
            std::fs::create_dir_all(d.join("migrations/beta")).expect("mkdir");
            std::fs::write(
                d.join("migrations/beta/0001_initial.sql"),
                "-- depends: alpha 0001_initial\nSELECT 1;\n",
            )
            .expect("write");
            a.push("--plan".into());
            (a, vec![])
        },
        names: &["alpha", "beta"],
    },
    Case {
        name: "two leaves in one app",
        setup: |d| {
            (
                migrations_with(
                    d,
                    "gwells/0004_side.sql",
                    "-- depends: gwells 0002_profile\nSELECT 1;\n",
                ),
                vec![],
            )
        },
        names: &["gwells", "merge"],
    },
    Case {
        name: "malformed header",
        setup: |d| {
            (
                migrations_with(d, "gwells/0004_bad_header.sql", "-- depends: gwells\nSELECT 1;\n"),
                vec![],
            )
        },
        names: &["0004_bad_header.sql", "line 1"],
    },
    Case {
        name: "unknown app",
        setup: |_| (args(&["migrate", "nosuchapp", "0001_initial"]), vec![]),
        names: &["nosuchapp"],
    },
    Case {
        name: "unknown migration",
        setup: |_| (args(&["migrate", "gwells", "9999_nothing"]), vec![]),
        names: &["9999_nothing"],
    },
    Case {
        name: "sqlmigrate of an unknown migration",
        setup: |_| (args(&["sqlmigrate", "gwells", "0042_none"]), vec![]),
        names: &["0042_none"],
    },
    // code tables
    Case {
        name: "ragged row",
        setup: |d| {
            (
                codes_with(d, "well_class_code.csv", |t| {
                    replace_line(t, 3, |l| format!("{l},extra"))
                }),
                vec![],
            )
        },
        names: &["well_class_code.csv", "line 3"],
    },
    Case {
        name: "unknown header column",
        setup: |d| {
            (
                codes_with(d, "well_class_code.csv", |t| {
                    replace_line(t, 1, |l| l.replace("description", "descripton"))
                }),
                vec![],
            )
        },
        names: &["well_class_code.csv", "line 1", "descripton"],
    },
    Case {
        name: "duplicated header column",
        setup: |d| {
            (
                codes_with(d, "licenced_status_code.csv", |t| {
                    replace_line(t, 1, |l| l.replace("display_order", "description"))
                }),
                vec![],
            )
        },
        names: &["licenced_status_code.csv", "line 1", "description"],
    },
    Case {
        name: "duplicate key",
        setup: |d| {
            (
                codes_with(d, "well_class_code.csv", |t| {
                    let second = t.lines().nth(1).unwrap_or_default().to_string();
                    format!("{t}{second}\n")
                }),
                vec![],
            )
        },
        names: &["well_class_code.csv", "line"],
    },
    Case {
        name: "bad uuid",
        setup: |d| {
            (
                codes_with(d, "well_subclass_code.csv", |t| {
                    replace_line(t, 2, |l| {
                        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
                        if let Some(i) =
                            f.iter().position(|x| x.len() == 36 && x.matches('-').count() == 4)
                        {
                            f[i] = "not-a-uuid".into();
                        }
                        f.join(",")
                    })
                }),
                vec![],
            )
        },
        names: &["well_subclass_code.csv", "line 2"],
    },
    Case {
        name: "bad timestamp",
        setup: |d| {
            (
                codes_with(d, "well_class_code.csv", |t| {
                    replace_line(t, 2, |l| {
                        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
                        if let Some(i) =
                            f.iter().position(|x| x.starts_with("20") && x.contains(':'))
                        {
                            f[i] = "2018-13-45 25:61:00-08".into();
                        }
                        f.join(",")
                    })
                }),
                vec![],
            )
        },
        names: &["well_class_code.csv", "line 2"],
    },
    Case {
        name: "unknown reference between code tables",
        setup: |d| {
            (
                codes_with(d, "well_subclass_code.csv", |t| {
                    // The last column of well_subclass_code is its reference, well_class_code.
                    replace_line(t, 2, |l| {
                        let head = l.rsplit_once(',').map_or(l, |(head, _)| head);
                        format!("{head},NO_SUCH")
                    })
                }),
                vec![],
            )
        },
        names: &["well_subclass_code.csv", "NO_SUCH"],
    },
    Case {
        name: "invalid utf-8",
        setup: |d| {
            let a = codes_with(d, "well_class_code.csv", |t| t);
            let path = d.join("codetables/well_class_code.csv");
            let mut bytes = std::fs::read(&path).expect("read");
            bytes.extend_from_slice(b"BAD\xff\xfe,x,1,,,,,,\n");
            std::fs::write(&path, bytes).expect("write");
            (a, vec![])
        },
        names: &["well_class_code.csv", "line"],
    },
    Case {
        name: "value too long",
        setup: |d| {
            (
                codes_with(d, "well_class_code.csv", |t| {
                    replace_line(t, 2, |l| {
                        // The sixth column is the description, varchar(100).
                        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
                        f[5] = "x".repeat(101);
                        f.join(",")
                    })
                }),
                vec![],
            )
        },
        names: &["well_class_code.csv", "line 2"],
    },
    Case {
        name: "non-integer display order",
        setup: |d| {
            (
                codes_with(d, "licenced_status_code.csv", |t| {
                    let header: Vec<String> = t
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .split(',')
                        .map(str::to_string)
                        .collect();
                    let col = header.iter().position(|h| h == "display_order").unwrap_or(0);
                    t.lines()
                        .enumerate()
                        .map(|(i, l)| {
                            if i == 1 {
                                let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
                                f[col] = "first".into();
                                f.join(",")
                            } else {
                                l.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                        + "\n"
                }),
                vec![],
            )
        },
        names: &["licenced_status_code.csv", "line 2"],
    },
    Case {
        name: "empty code folder",
        setup: |d| {
            std::fs::create_dir_all(d.join("empty")).expect("mkdir");
            (
                vec![
                    "codes".into(),
                    "load".into(),
                    "--dir".into(),
                    d.join("empty").display().to_string(),
                ],
                vec![],
            )
        },
        names: &["empty"],
    },
    // replication mode
    Case {
        name: "bad DB_REPLICATE",
        setup: |_| (args(&["replicate"]), vec![("DB_REPLICATE", "Sometimes".into())]),
        names: &["DB_REPLICATE", "Sometimes"],
    },
    Case {
        name: "DB_REPLICATE in the wrong case",
        setup: |_| (args(&["replicate"]), vec![("DB_REPLICATE", "SUBSET".into())]),
        names: &["DB_REPLICATE"],
    },
    Case {
        name: "bad --replicate of reset",
        setup: |_| (args(&["reset", "--replicate", "most"]), vec![]),
        names: &["most"],
    },
    // FDW
    Case {
        name: "every FDW variable missing",
        setup: |_| (args(&["fdw", "setup"]), vec![]),
        names: &[
            "FDW_NAME",
            "FDW_FOREIGN_SERVER",
            "FDW_USER",
            "FDW_PASS",
            "FDW_FOREIGN_SCHEMA",
            "FDW_SCHEMA",
        ],
    },
    Case {
        name: "FDW_PASS missing",
        setup: |_| (args(&["fdw", "setup"]), fdw_env(&[("FDW_PASS", "")])),
        names: &["FDW_PASS"],
    },
    Case {
        name: "FDW_FOREIGN_SERVER of no known form",
        setup: |_| {
            (
                args(&["fdw", "setup"]),
                fdw_env(&[("FDW_FOREIGN_SERVER", "oracle-somewhere; DROP SCHEMA public")]),
            )
        },
        names: &["FDW_FOREIGN_SERVER"],
    },
    Case {
        name: "FDW_FOREIGN_SERVER with a bad port",
        setup: |_| {
            (
                args(&["fdw", "setup"]),
                fdw_env(&[("FDW_FOREIGN_SERVER", "postgres://legacy:notaport/wells")]),
            )
        },
        names: &["FDW_FOREIGN_SERVER"],
    },
    Case {
        name: "FDW_SCHEMA set but empty",
        setup: |_| {
            (
                args(&["fdw", "setup"]),
                fdw_env(&[("FDW_SCHEMA", "")])
                    .into_iter()
                    .chain([("FDW_SCHEMA", String::new())])
                    .collect(),
            )
        },
        names: &["FDW_SCHEMA"],
    },
    // targets
    Case {
        name: "incomplete pod variables",
        setup: |_| {
            (
                args(&["health"]),
                vec![("POSTGRESQL_USER", "gwells".into()), ("DATABASE_URL", String::new())],
            )
        },
        names: &["POSTGRESQL_PASSWORD", "POSTGRESQL_DATABASE"],
    },
    Case {
        name: "pod port not a number",
        setup: |_| {
            (
                args(&["health"]),
                vec![
                    ("POSTGRESQL_USER", "u".into()),
                    ("POSTGRESQL_PASSWORD", "p".into()),
                    ("POSTGRESQL_DATABASE", "d".into()),
                    ("POSTGRESQL_SERVICE_PORT", "fifty".into()),
                    ("DATABASE_URL", String::new()),
                ],
            )
        },
        names: &["POSTGRESQL_SERVICE_PORT"],
    },
    Case {
        name: "--database-url not a URL",
        setup: |_| {
            (args(&["migrate", "--check", "--database-url", "postgres://a:b@h:port/d"]), vec![])
        },
        names: &["--database-url"],
    },
    // admin
    Case {
        name: "admin password missing",
        setup: |_| {
            (
                args(&["admin", "create"]),
                vec![
                    ("DJANGO_ADMIN_USER", "admin".into()),
                    ("DJANGO_ADMIN_EMAIL", "admin@example.com".into()),
                ],
            )
        },
        names: &["DJANGO_ADMIN_PASSWORD"],
    },
    // devdb
    Case {
        name: "unknown backend",
        setup: |_| (args(&["rehearse", "--backend", "podman"]), vec![]),
        names: &["podman"],
    },
    // codes and migrations (issue 14)
    Case {
        name: "a CSV of a table that is not a code table",
        setup: |d| {
            (
                codes_with(d, "auth_user.csv", |_| {
                    "id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,is_active,date_joined\n".into()
                }),
                vec![],
            )
        },
        names: &["auth_user.csv", "`auth_user` is not a code table"],
    },
    Case {
        name: "a header-only code-table CSV",
        setup: |d| {
            (
                codes_with(d, "screen_bottom_code.csv", |t| {
                    format!("{}\n", t.lines().next().unwrap_or_default())
                }),
                vec![],
            )
        },
        names: &["screen_bottom_code.csv", "no rows", "--allow-empty screen_bottom_code"],
    },
    Case {
        name: "codes dump of a table that is not a code table",
        setup: |_| (args(&["codes", "dump", "--table", "auth_user", "--out", "-"]), vec![]),
        names: &["`auth_user` is not a code table"],
    },
    Case {
        name: "a migrations folder that does not exist",
        setup: |_| (args(&["migrate", "--migrations-dir", "/nonexistent"]), vec![]),
        names: &["/nonexistent", "--migrations-dir"],
    },
    Case {
        name: "a migration that is not UTF-8 on line 2",
        setup: |d| {
            let a = migrations_with(d, "gwells/0004_latin1.sql", "");
            let path = d.join("migrations/gwells/0004_latin1.sql");
            std::fs::write(&path, b"SELECT 1;\nSELECT 'caf\xe9';\n").expect("write");
            (a, vec![])
        },
        names: &["0004_latin1.sql", "line 2", "not UTF-8"],
    },
    Case {
        name: "--accept-checksum of an unknown migration",
        setup: |_| (args(&["migrate", "--accept-checksum", "gwells", "9999_none"]), vec![]),
        names: &["gwells 9999_none"],
    },
    Case {
        name: "--accept-checksum without NAME",
        setup: |_| (args(&["migrate", "--accept-checksum", "gwells"]), vec![]),
        names: &["<NAME>"],
    },
    // connection strings and flags
    Case {
        name: "an unknown option in a URL is named",
        setup: |_| {
            let url = "postgres://u@db.example/gwells?frobnicate=1";
            (args(&["migrate", "--check"]), vec![("DATABASE_URL", url.into())])
        },
        names: &["`DATABASE_URL`", "unknown option `frobnicate`"],
    },
    Case {
        name: "an unterminated quoted value in a connection string",
        setup: |_| (args(&["health"]), vec![("DATABASE_URL", "host=h password='abc".into())]),
        names: &["`DATABASE_URL`", "unterminated quoted connection parameter value"],
    },
    Case {
        name: "--accept-checksum of an unknown app",
        setup: |_| (args(&["migrate", "--accept-checksum", "nosuchapp", "0001_initial"]), vec![]),
        names: &["nosuchapp"],
    },
    Case {
        name: "bench with no runs",
        setup: |_| (args(&["bench", "--runs", "0", "clone"]), vec![]),
        names: &["`--runs` must be at least 1"],
    },
];

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_input_is_rejected_by_name_with_the_database_unchanged() {
    let Some(db) = database("bad_input_corpus", true).await else { return };
    let before = fingerprint(db.target()).await;
    let mut failures = Vec::new();
    for case in CASES {
        let scratch = tempfile::tempdir().expect("tempdir");
        let (args, env) = (case.setup)(scratch.path());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(db.target(), &args, &env);
        let err = text(&out.stderr);
        let missing: Vec<&&str> = case.names.iter().filter(|n| !err.contains(**n)).collect();
        let has_error_line = err.lines().any(|l| l.starts_with("error: "));
        if out.status.code() != Some(2) || !missing.is_empty() || !has_error_line {
            failures.push(format!(
                "{}: exit {:?}, missing {missing:?} in:\n{err}",
                case.name,
                out.status.code()
            ));
        }
        let after = fingerprint(db.target()).await;
        if after != before {
            failures.push(format!("{}: the database changed", case.name));
        }
    }
    assert!(CASES.len() > 50, "the corpus has {} cases", CASES.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}
