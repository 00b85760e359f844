//! The deployment examples in `deploy/`, read as Kubernetes would read them: which containers
//! run which command lines, in which order, with which environment and mounts. The Docker test
//! (`image.rs`) runs exactly these, so the examples and the test cannot drift apart.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_norway::Value;

use crate::support::root;

/// The manifests in the order an operator applies them: the secrets, the application (its init
/// containers, then its probes), the replication Job (FDW setup first), the reset Job.
pub(crate) const ORDER: &[&str] =
    &["secrets.yaml", "deployment.yaml", "job-replicate.yaml", "job-reset.yaml"];

/// What the test calls the tool image in the manifests (`image:` of the tool's containers).
pub(crate) const TOOL_IMAGE: &str = "gwells-db/tool:latest";

/// One command line of the examples and what it runs with.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// `file/container` or `file/container/readinessProbe`.
    pub(crate) name: String,
    /// The command line with `$(VAR)` expanded as Kubernetes does.
    pub(crate) argv: Vec<String>,
    /// The container's variables, secrets resolved.
    pub(crate) env: Vec<(String, String)>,
    /// Mounts: container path and what is mounted there.
    pub(crate) mounts: Vec<(String, Volume)>,
}

impl Step {
    /// The command line as the report shows it (no values: they can be secrets).
    pub(crate) fn line(&self) -> String {
        self.argv.join(" ")
    }
}

/// A volume of a pod, as far as the examples use them.
#[derive(Debug, Clone)]
pub(crate) enum Volume {
    /// The keys of a secret as files.
    Secret(BTreeMap<String, String>),
    /// An empty writable folder.
    EmptyDir,
}

/// Secrets by name, then key.
pub(crate) type Secrets = BTreeMap<String, BTreeMap<String, String>>;

fn dir() -> PathBuf {
    root().join("deploy")
}

/// Every YAML document of `file`.
fn documents(file: &str) -> Vec<Value> {
    let path = dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::Deserializer::from_str(&text)
        .map(|doc| {
            serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()))
        })
        .collect()
}

fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_sequence)
        .map(|seq| {
            seq.iter()
                .map(|v| v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}")).to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The example secrets of `secrets.yaml` (their `stringData`).
pub(crate) fn example_secrets() -> Secrets {
    let mut secrets = Secrets::new();
    for doc in documents("secrets.yaml") {
        assert_eq!(str_at(&doc, "kind"), Some("Secret"), "secrets.yaml holds only secrets");
        let name = doc.get("metadata").and_then(|m| str_at(m, "name")).expect("metadata.name");
        let data = doc.get("stringData").and_then(Value::as_mapping).expect("stringData");
        let keys = data
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Value::String(s) => s.clone(),
                    other => panic!("secret {name}: a value that is not a string: {other:?}"),
                };
                (k.as_str().expect("key").to_string(), value)
            })
            .collect();
        secrets.insert(name.to_string(), keys);
    }
    secrets
}

/// `$(NAME)` replaced by the variable's value when it is defined, `$$` kept as `$`: Kubernetes'
/// expansion of `command` and of `value`.
pub(crate) fn expand(text: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(close) = tail.strip_prefix("$(").and_then(|t| t.find(')')) {
            let name = &tail[2..2 + close];
            match env.iter().rev().find(|(k, _)| k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&tail[..3 + close]),
            }
            rest = &tail[3 + close..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A container's `env`, each `secretKeyRef` looked up in `secrets` (a missing one panics,
/// naming it: the examples must only read keys `secrets.yaml` defines).
fn environment(where_: &str, container: &Value, secrets: &Secrets) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = Vec::new();
    for var in container.get("env").and_then(Value::as_sequence).into_iter().flatten() {
        let name = str_at(var, "name").unwrap_or_else(|| panic!("{where_}: env without a name"));
        let value = if let Some(v) = var.get("value") {
            let literal = v.as_str().unwrap_or_else(|| panic!("{where_}: {name} is not a string"));
            expand(literal, &env)
        } else {
            let reference = var
                .get("valueFrom")
                .and_then(|v| v.get("secretKeyRef"))
                .unwrap_or_else(|| panic!("{where_}: {name} has neither value nor secretKeyRef"));
            let (secret, key) = (str_at(reference, "name"), str_at(reference, "key"));
            let (Some(secret), Some(key)) = (secret, key) else {
                panic!("{where_}: {name}: a secretKeyRef needs a name and a key");
            };
            secrets.get(secret).and_then(|s| s.get(key)).cloned().unwrap_or_else(|| {
                panic!("{where_}: {name} reads key `{key}` of secret `{secret}`, which secrets.yaml does not define")
            })
        };
        env.push((name.to_string(), value));
    }
    env
}

/// A container's mounts, resolved against the pod's volumes.
fn mounts(
    where_: &str,
    container: &Value,
    pod: &Value,
    secrets: &Secrets,
) -> Vec<(String, Volume)> {
    let volumes = pod.get("volumes").and_then(Value::as_sequence).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for mount in container.get("volumeMounts").and_then(Value::as_sequence).into_iter().flatten() {
        let name = str_at(mount, "name").expect("volumeMounts.name");
        let path = str_at(mount, "mountPath").expect("volumeMounts.mountPath");
        let volume = volumes
            .iter()
            .find(|v| str_at(v, "name") == Some(name))
            .unwrap_or_else(|| panic!("{where_}: mount of an undeclared volume `{name}`"));
        let volume = if let Some(secret) = volume.get("secret") {
            let secret = str_at(secret, "secretName").expect("secretName");
            Volume::Secret(secrets.get(secret).cloned().unwrap_or_else(|| {
                panic!("{where_}: mounts secret `{secret}`, which secrets.yaml does not define")
            }))
        } else if volume.get("emptyDir").is_some() {
            Volume::EmptyDir
        } else {
            panic!("{where_}: volume `{name}` is neither a secret nor an emptyDir");
        };
        out.push((path.to_string(), volume));
    }
    out
}

/// Every command line of the examples, in order. Containers of the tool image give their
/// `command`; any container's exec probes give theirs (they run where the binary is, with that
/// container's environment). A command line in a container of another image is refused: the
/// test could not run it.
pub(crate) fn steps(secrets: &Secrets) -> Vec<Step> {
    let mut steps = Vec::new();
    for file in ORDER {
        for doc in documents(file) {
            if str_at(&doc, "kind") == Some("Secret") {
                continue;
            }
            let pod = doc
                .get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec"))
                .unwrap_or_else(|| panic!("{file}: no spec.template.spec"));
            let mut probes = Vec::new();
            for list in ["initContainers", "containers"] {
                for c in pod.get(list).and_then(Value::as_sequence).into_iter().flatten() {
                    let cname = str_at(c, "name").expect("container name");
                    let where_ = format!("{file}/{cname}");
                    let env = environment(&where_, c, secrets);
                    let mounts = mounts(&where_, c, pod, secrets);
                    let mut argv = strings(c.get("command"));
                    argv.extend(strings(c.get("args")));
                    if !argv.is_empty() {
                        assert_eq!(
                            str_at(c, "image"),
                            Some(TOOL_IMAGE),
                            "{where_}: a command line in another image than the tool's"
                        );
                        let argv = argv.iter().map(|a| expand(a, &env)).collect();
                        steps.push(Step {
                            name: where_.clone(),
                            argv,
                            env: env.clone(),
                            mounts: mounts.clone(),
                        });
                    }
                    for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
                        if let Some(p) = c.get(probe) {
                            let argv = strings(p.get("exec").and_then(|e| e.get("command")));
                            assert!(!argv.is_empty(), "{where_}: {probe} is not an exec probe");
                            probes.push(Step {
                                name: format!("{where_}/{probe}"),
                                argv: argv.iter().map(|a| expand(a, &env)).collect(),
                                env: env.clone(),
                                mounts: mounts.clone(),
                            });
                        }
                    }
                }
            }
            // Probes run once the pod's containers started: after its init containers.
            steps.extend(probes);
        }
    }
    steps
}

/// Every manifest of `deploy/` is in [`ORDER`], and every command line names the tool.
#[test]
fn every_manifest_is_read_and_every_command_runs_the_tool() {
    let mut present: Vec<String> = std::fs::read_dir(dir())
        .expect("deploy/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    present.sort();
    let mut listed: Vec<String> = ORDER.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(present, listed, "deploy/ and the test's ORDER list different manifests");

    let steps = steps(&example_secrets());
    for step in &steps {
        assert!(
            step.line().contains("gwells-db "),
            "{}: `{}` does not run gwells-db",
            step.name,
            step.line()
        );
        assert!(
            !step.line().contains("$("),
            "{}: `{}` names an undefined variable",
            step.name,
            step.line()
        );
    }
    let lines: Vec<String> = steps.iter().map(Step::line).collect();
    // What the issue asks the examples to show: the hook's order and flags, both Jobs, the
    // probes (liveness treating 3 as alive), the admin account from a mounted secret.
    let position = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {lines:#?}"))
    };
    assert!(position("gwells-db migrate --wait") < position("gwells-db codes load --wait"));
    position("gwells-db admin create --secret-dir");
    position("gwells-db health --ready");
    assert!(lines[position("gwells-db health;")].contains("-eq 3"), "liveness must accept exit 3");
    position("gwells-db fdw setup");
    position("gwells-db replicate");
    position("gwells-db reset");
}

#[test]
fn expansion_is_kubernetes_own() {
    let env = vec![("A".to_string(), "x".to_string()), ("B".to_string(), "y".to_string())];
    assert_eq!(expand("$(A)-$(B)", &env), "x-y");
    assert_eq!(expand("$(C) $$(A) $rc", &env), "$(C) $(A) $rc");
}
