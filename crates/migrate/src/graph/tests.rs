use std::path::Path;

use super::*;
use crate::source::parse_header as parse;

/// A source from `(app/name, header)` pairs; the SQL body is irrelevant to the graph.
pub(crate) fn source(files: &[(&str, &str)]) -> Source {
    let mut s = Source::default();
    for (id, header) in files {
        let (app, name) = id.split_once('/').unwrap_or(("", id));
        let number = name[..4].parse().unwrap_or(0);
        let path = format!("{app}/{name}.sql");
        let m =
            parse(Key::new(app, name), number, Path::new(&path), format!("{header}\nSELECT 1;\n"));
        s.migrations.push(m.unwrap_or_else(|e| panic!("{id}: {e}")));
        if !s.apps.iter().any(|a| a == app) {
            s.apps.push(app.to_string());
        }
    }
    s.apps.sort();
    s.migrations.sort_by(|a, b| a.key.cmp(&b.key));
    s
}

pub(crate) fn keys(list: &[&str]) -> BTreeSet<Key> {
    list.iter()
        .map(|k| k.split_once('/').map(|(a, n)| Key::new(a, n)).unwrap_or_else(|| Key::new("", *k)))
        .collect()
}

fn show(plan: &[Key]) -> String {
    plan.iter().map(|k| format!("{}/{}", k.app, k.name)).collect::<Vec<_>>().join("\n")
}

/// The full plan given the applied rows, or the first line of the error.
fn check(files: &[(&str, &str)], applied: &[&str], expected: &str) {
    let got = match Graph::build(&source(files), &keys(applied)) {
        Ok(g) => show(&g.full_plan()),
        Err(e) => format!("error: {e}").lines().next().unwrap_or_default().to_string(),
    };
    assert_eq!(got, expected.trim(), "\nfiles {files:?}\napplied {applied:?}");
}

/// The Django 5.2 built-ins plus the seed's gwells history with its merge node.
pub(crate) const SEED: &[(&str, &str)] = &[
    ("contenttypes/0001_initial", ""),
    ("contenttypes/0002_remove_content_type_name", ""),
    ("auth/0001_initial", "-- depends: contenttypes __first__"),
    ("auth/0002_alter_permission_name_max_length", ""),
    ("auth/0003_alter_user_email_max_length", ""),
    ("auth/0004_alter_user_username_opts", ""),
    ("auth/0005_alter_user_last_login_null", ""),
    (
        "auth/0006_require_contenttypes_0002",
        "-- depends: contenttypes 0002_remove_content_type_name",
    ),
    ("auth/0007_alter_validators_add_error_messages", ""),
    ("auth/0008_alter_user_username_max_length", ""),
    ("auth/0009_alter_user_last_name_max_length", ""),
    ("auth/0010_alter_group_name_max_length", ""),
    ("auth/0011_update_proxy_permissions", ""),
    ("auth/0012_alter_user_first_name_max_length", ""),
    ("admin/0001_initial", "-- depends: auth __first__, contenttypes __first__"),
    ("admin/0002_logentry_remove_auto_add", ""),
    ("admin/0003_logentry_add_action_flag_choices", ""),
    ("sessions/0001_initial", ""),
    ("gwells/0001_initial", ""),
    ("gwells/0002_onlinesurvey", "-- depends: gwells 0001_initial"),
    ("gwells/0002_profile", "-- depends: gwells 0001_initial, auth __first__"),
    (
        "gwells/0003_merge_20180312_1617",
        "-- depends: gwells 0002_onlinesurvey, gwells 0002_profile",
    ),
    ("registries/0001_initial", "-- depends: gwells 0001_initial"),
];

#[test]
fn django_order_of_the_seed() {
    // The first 18 lines are what `manage.py migrate` prints for a new Django 5.2 project.
    check(
        SEED,
        &[],
        "
contenttypes/0001_initial
auth/0001_initial
admin/0001_initial
admin/0002_logentry_remove_auto_add
admin/0003_logentry_add_action_flag_choices
contenttypes/0002_remove_content_type_name
auth/0002_alter_permission_name_max_length
auth/0003_alter_user_email_max_length
auth/0004_alter_user_username_opts
auth/0005_alter_user_last_login_null
auth/0006_require_contenttypes_0002
auth/0007_alter_validators_add_error_messages
auth/0008_alter_user_username_max_length
auth/0009_alter_user_last_name_max_length
auth/0010_alter_group_name_max_length
auth/0011_update_proxy_permissions
auth/0012_alter_user_first_name_max_length
gwells/0001_initial
gwells/0002_profile
gwells/0002_onlinesurvey
gwells/0003_merge_20180312_1617
registries/0001_initial
sessions/0001_initial
",
    );
}

#[test]
fn applied_are_skipped() {
    let applied = [
        "contenttypes/0001_initial",
        "auth/0001_initial",
        "gwells/0001_initial",
        "gwells/0002_profile",
    ];
    let files = &SEED[..2].iter().chain(&SEED[18..]).copied().collect::<Vec<_>>();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| {
            (
                *a,
                if a.starts_with("gwells/0002_profile") {
                    "-- depends: gwells 0001_initial"
                } else {
                    b
                },
            )
        })
        .collect();
    check(
        &files,
        &applied,
        "
contenttypes/0002_remove_content_type_name
gwells/0002_onlinesurvey
gwells/0003_merge_20180312_1617
registries/0001_initial
",
    );
}

#[test]
fn parents_are_pushed_sorted() {
    // Django pops the greatest parent first, so `c` comes before `b`.
    check(
        &[("a/0001_x", "-- depends: c 0001_x, b 0001_x"), ("b/0001_x", ""), ("c/0001_x", "")],
        &[],
        "c/0001_x\nb/0001_x\na/0001_x",
    );
}

#[test]
fn structural_errors() {
    check(
        &[("a/0001_x", ""), ("a/0002_y", "-- depends: b 0001_z")],
        &[],
        "error: `a/0002_y.sql` depends on `b 0001_z`, which does not exist",
    );
    check(
        &[("a/0001_x", ""), ("a/0002_y", ""), ("a/0002_z", "")],
        &[],
        "error: app `a` has two migrations numbered 0002: `a/0002_y.sql`, `a/0002_z.sql`",
    );
    check(
        &[
            ("a/0001_x", ""),
            ("a/0002_y", "-- depends: a 0001_x"),
            ("a/0002_z", "-- depends: a 0001_x"),
        ],
        &[],
        "error: app `a` has conflicting migrations (more than one leaf): `a/0002_y.sql`, `a/0002_z.sql`",
    );
    check(
        &[
            ("a/0001_x", ""),
            ("a/0002_y", "-- depends: a 0001_x"),
            ("a/0002_z", "-- depends: a 0001_x"),
            ("a/0003_w", ""),
        ],
        &[],
        "error: `a/0003_w.sql` follows several migrations numbered 0002 (`a/0002_y.sql`, `a/0002_z.sql`) and cannot tell which is its parent",
    );
    check(
        &[
            ("a/0001_x", "-- depends: b 0002_y"),
            ("b/0001_x", ""),
            ("b/0002_y", "-- depends: a 0001_x"),
        ],
        &[],
        "error: migrations depend on each other in a cycle: `a 0001_x` depends on `b 0002_y` depends on `a 0001_x`",
    );
}

const SQUASHED: &[(&str, &str)] = &[
    ("a/0001_initial", ""),
    ("a/0002_more", ""),
    ("a/0001_squashed_0002_more", "-- replaces: a 0001_initial, a 0002_more"),
    ("a/0003_after", ""),
    ("b/0001_initial", "-- depends: a 0002_more"),
];

#[test]
fn squashes() {
    // None applied: the squash stands in.
    check(SQUASHED, &[], "a/0001_squashed_0002_more\na/0003_after\nb/0001_initial");
    // All applied: the squash counts as applied, even without its own row.
    check(SQUASHED, &["a/0001_initial", "a/0002_more"], "a/0003_after\nb/0001_initial");
    // Partly applied: the originals stay and the squash steps aside.
    check(SQUASHED, &["a/0001_initial"], "a/0002_more\na/0003_after\nb/0001_initial");
    // A squash row alone does not count (Django re-runs the squash).
    check(
        SQUASHED,
        &["a/0001_squashed_0002_more"],
        "a/0001_squashed_0002_more\na/0003_after\nb/0001_initial",
    );
    // The replaced files may be deleted once every database has the squash.
    let trimmed: Vec<(&str, &str)> = SQUASHED[2..].to_vec();
    check(&trimmed, &[], "a/0001_squashed_0002_more\na/0003_after\nb/0001_initial");
}

#[test]
fn consistency() {
    let g = Graph::build(&source(SQUASHED), &BTreeSet::new()).unwrap_or_else(|e| panic!("{e}"));
    let bad = g.inconsistencies(&keys(&["a/0003_after", "b/0001_initial"]));
    let shown: Vec<String> = bad.iter().map(|(k, p)| format!("{k} <- {p}")).collect();
    assert_eq!(
        shown,
        [
            "a 0003_after <- a 0001_squashed_0002_more",
            "b 0001_initial <- a 0001_squashed_0002_more"
        ]
    );
    let rows = keys(&["a/0001_initial", "a/0002_more", "a/0003_after"]);
    let g = Graph::build(&source(SQUASHED), &rows).unwrap_or_else(|e| panic!("{e}"));
    assert!(g.inconsistencies(&rows).is_empty());
}

#[test]
fn backwards() {
    let g = Graph::build(&source(SEED), &BTreeSet::new()).unwrap_or_else(|e| panic!("{e}"));
    let plan = g.backwards_plan(&Key::new("gwells", "0001_initial"));
    assert_eq!(
        show(&plan),
        "registries/0001_initial\ngwells/0003_merge_20180312_1617\ngwells/0002_profile\ngwells/0002_onlinesurvey\ngwells/0001_initial"
    );
}
