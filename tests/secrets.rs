//! No sensitive value ever reaches any output: not the six report formats,
//! not `--report` files, not stderr, not error messages, whatever the
//! `--unknown` mode and whatever a custom policy tries.
//!
//! Secrets are distinctive markers (`S3CR3T-MARKER-...`) placed where
//! Terraform marks values sensitive (`after_sensitive`, `sensitive_values`)
//! and in always-secret attributes (`client_secret`, `kube_config_raw`,
//! `kube_admin_config`, `password`, ...), plus the real-looking secrets of
//! fixtures/secrets and fixtures/secrets-state.
//!
//! Tests named `known_bug_*` are `#[ignore]`d: they fail today.
mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::{json, Value};

/// Every string that must never be printed.
const MARKERS: &[&str] = &[
    "S3CR3T-MARKER",
    // fixtures/secrets and fixtures/secrets-state
    "Kp38Q~Vx2kLm9Rz.Fq7bN1wY_cHd4Js6Ue0AoKtG",
    "mW68Q~t3ZbHq1.Nx5YcR8vLp2_Ko7JsD4aEfGu9i",
    "Kp38Q~",
    "mW68Q~",
];

const FORMATS: &[&str] = &["text", "json", "sarif", "markdown", "github", "junit"];
const UNKNOWN_MODES: &[&str] = &["ignore", "warn", "fail"];

fn assert_no_secret(text: &str, what: &str) {
    for m in MARKERS {
        if let Some(i) = text.find(m) {
            let from = text[..i]
                .char_indices()
                .rev()
                .nth(120)
                .map_or(0, |(j, _)| j);
            let to = (i + 80).min(text.len());
            let context = text.get(from..to).unwrap_or(text);
            panic!("{what}: the secret {m:?} is printed:\n...{context}...");
        }
    }
    // The leak-hunting policy below says LEAKED when it can see a secret.
    assert!(
        !text.contains("LEAKED"),
        "{what}: a policy saw a secret:\n{text}"
    );
}

fn assert_output_clean(out: &Output, what: &str) {
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{what}: status {:?}: {}",
        out.status,
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{what}: {}", stderr(out));
    assert_no_secret(&stdout(out), &format!("{what} (stdout)"));
    assert_no_secret(&stderr(out), &format!("{what} (stderr)"));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A plan with secrets in every place Terraform puts them.
fn secret_plan() -> Value {
    let cluster_after = json!({
        "name": "aks-secret",
        "location": "westeurope",
        "private_cluster_enabled": false,
        // Always-secret attributes, unmarked (providers do not always mark).
        "service_principal": [{"client_id": "00000000-0000-0000-0000-000000000001",
                               "client_secret": "S3CR3T-MARKER-1"}],
        "kube_config_raw": "S3CR3T-MARKER-2",
        "kube_admin_config_raw": "S3CR3T-MARKER-2b",
        "kube_admin_config": [{"password": "S3CR3T-MARKER-3", "username": "clusterAdmin",
                               "client_key": "S3CR3T-MARKER-3b",
                               "client_certificate": "S3CR3T-MARKER-3c",
                               "cluster_ca_certificate": "S3CR3T-MARKER-3d",
                               "host": "https://aks.example"}],
        "kube_config": [{"password": "S3CR3T-MARKER-3e", "host": "https://aks.example"}],
        "windows_profile": [{"admin_username": "azureuser", "admin_password": "S3CR3T-MARKER-3f"}],
        "azure_active_directory_role_based_access_control": [
            {"server_app_secret": "S3CR3T-MARKER-3g", "azure_rbac_enabled": true}],
        // Marked sensitive through after_sensitive.
        "tags": {"token": "S3CR3T-MARKER-4", "env": "prod"},
        "linux_profile": [{"admin_username": "S3CR3T-MARKER-5",
                           "ssh_key": [{"key_data": "S3CR3T-MARKER-5b"}]}],
        "default_node_pool": [{"name": "system", "node_count": 3,
                               "node_labels": {"k": "S3CR3T-MARKER-6"},
                               "zones": ["1", "2", "3"],
                               "only_critical_addons_enabled": true}],
        "http_proxy_config": [{"http_proxy": "http://user:S3CR3T-MARKER-6b@proxy",
                               "no_proxy": ["S3CR3T-MARKER-6c"]}],
        "identity": [],
        "network_profile": [{"network_plugin": "azure", "network_policy": "S3CR3T-MARKER-6d"}]
    });
    let cluster_sensitive = json!({
        "tags": {"token": true},
        "linux_profile": true,
        "default_node_pool": [{"node_labels": {"k": true}}],
        "http_proxy_config": [{"http_proxy": true, "no_proxy": [true]}],
        "network_profile": [{"network_policy": true}],
        "kube_config_raw": true,
        "kube_admin_config": true
    });
    let pool_after = json!({
        "name": "user",
        "kubernetes_cluster_id": "S3CR3T-MARKER-7",
        "node_labels": {"secret": "S3CR3T-MARKER-7b"},
        "vm_size": "Standard_D4s_v5",
        "node_taints": ["S3CR3T-MARKER-7c"],
        "zones": ["1"]
    });
    let pool_sensitive = json!({
        "kubernetes_cluster_id": true,
        "node_labels": {"secret": true},
        "node_taints": [true]
    });
    let change = |after: &Value, sensitive: &Value| {
        json!({
            "actions": ["update"],
            // A secret in `before` too: never read, never printed.
            "before": after,
            "after": after,
            "after_unknown": {},
            "before_sensitive": sensitive,
            "after_sensitive": sensitive
        })
    };
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.4",
        "variables": {"sp_secret": {"value": "S3CR3T-MARKER-8"}},
        "planned_values": {
            "outputs": {"kubeconfig": {"sensitive": true, "value": "S3CR3T-MARKER-8b"}},
            "root_module": {"resources": [{
                "address": "azurerm_kubernetes_cluster.leaky", "mode": "managed",
                "type": "azurerm_kubernetes_cluster", "name": "leaky",
                "values": cluster_after, "sensitive_values": cluster_sensitive}]}
        },
        "resource_changes": [
            {"address": "azurerm_kubernetes_cluster.leaky", "mode": "managed",
             "type": "azurerm_kubernetes_cluster", "name": "leaky",
             "change": change(&cluster_after, &cluster_sensitive)},
            {"address": "azurerm_kubernetes_cluster_node_pool.user", "mode": "managed",
             "type": "azurerm_kubernetes_cluster_node_pool", "name": "user",
             "change": change(&pool_after, &pool_sensitive)},
            {"address": "azuread_application_password.ci", "mode": "managed",
             "type": "azuread_application_password", "name": "ci",
             "change": change(&json!({"display_name": "ci", "value": "S3CR3T-MARKER-9"}),
                              &json!({}))},
            {"address": "azuread_service_principal_password.sp", "mode": "managed",
             "type": "azuread_service_principal_password", "name": "sp",
             "change": change(&json!({"service_principal_id": "x", "value": "S3CR3T-MARKER-9b"}),
                              &json!({"value": true}))},
            {"address": "data.azurerm_key_vault_secret.s", "mode": "data",
             "type": "azurerm_key_vault_secret", "name": "s",
             "change": change(&json!({"value": "S3CR3T-MARKER-9c"}), &json!({"value": true}))}
        ],
        "output_changes": {"kubeconfig": {"actions": ["update"], "after": "S3CR3T-MARKER-8c",
                                          "after_sensitive": true}},
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [{
            "address": "azurerm_kubernetes_cluster.leaky", "mode": "managed",
            "type": "azurerm_kubernetes_cluster", "name": "leaky",
            "values": cluster_after, "sensitive_values": cluster_sensitive}]}}},
        "configuration": {"root_module": {"resources": [{
            "address": "azurerm_kubernetes_cluster.leaky", "mode": "managed",
            "type": "azurerm_kubernetes_cluster", "name": "leaky",
            "expressions": {
                "service_principal": [{"client_secret": {"constant_value": "S3CR3T-MARKER-8d"}}],
                "tags": {"constant_value": {"token": "S3CR3T-MARKER-8e"}}
            }}]}}
    })
}

/// The state counterpart: `sensitive_values` and always-secret attributes.
fn secret_state() -> Value {
    json!({
        "format_version": "1.0",
        "terraform_version": "1.9.4",
        "values": {
            "outputs": {"kubeconfig": {"sensitive": true, "value": "S3CR3T-MARKER-10"}},
            "root_module": {
                "resources": [{
                    "address": "azurerm_kubernetes_cluster.leaky", "mode": "managed",
                    "type": "azurerm_kubernetes_cluster", "name": "leaky",
                    "values": {
                        "name": "aks-secret",
                        "id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
                        "service_principal": [{"client_id": "x", "client_secret": "S3CR3T-MARKER-11"}],
                        "kube_config_raw": "S3CR3T-MARKER-12",
                        "kube_admin_config": [{"password": "S3CR3T-MARKER-13"}],
                        "tags": {"token": "S3CR3T-MARKER-14"},
                        "default_node_pool": [{"name": "sys", "node_labels": {"k": "S3CR3T-MARKER-15"}}]
                    },
                    "sensitive_values": {
                        "tags": {"token": true},
                        "default_node_pool": [{"node_labels": {"k": true}}]
                    }
                }],
                "child_modules": [{
                    "address": "module.aks",
                    "resources": [{
                        "address": "module.aks.azurerm_kubernetes_cluster_node_pool.p",
                        "mode": "managed",
                        "type": "azurerm_kubernetes_cluster_node_pool", "name": "p",
                        "values": {"name": "p", "node_labels": {"s": "S3CR3T-MARKER-16"},
                                   "kubernetes_cluster_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"},
                        "sensitive_values": {"node_labels": true}
                    }, {
                        "address": "module.aks.azuread_application_password.p",
                        "mode": "managed",
                        "type": "azuread_application_password", "name": "p",
                        "values": {"value": "S3CR3T-MARKER-17"},
                        "sensitive_values": {}
                    }]
                }]
            }
        }
    })
}

/// Policies that try every way to get a secret out.
fn leaky_policies(dir: &Path) {
    let header = |id: &str, name: &str| {
        format!(
            "# METADATA\n# title: {name}\n# description: tries to print secrets\n# custom:\n\
             #   id: {id}\n#   name: {name}\n#   severity: HIGH\n#   related: []\n\
             #   why: test\n#   remediation: test\npackage akslint.rules.{id}\n\nimport rego.v1\n\n"
        )
    };
    let interpolate = header("LEAK001", "interpolate-secrets")
        + r#"
deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	f := {
		"msg": sprintf("client_secret=%v kube_config_raw=%v admin=%v", [
			object.get(c.values, ["service_principal", 0, "client_secret"], "-"),
			object.get(c.values, ["kube_config_raw"], "-"),
			object.get(c.values, ["kube_admin_config"], "-"),
		]),
		"resource": sprintf("%v", [object.get(c.values, ["service_principal"], "-")]),
		"attribute": ["tags", sprintf("%v", [object.get(c.values, ["tags"], "-")])],
	}
}

deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	f := {"msg": sprintf("values=%v", [c.values]), "resource": c.address, "attribute": []}
}

deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	f := {
		"msg": sprintf("%v", [c.values.service_principal[0].client_secret]),
		"resource": sprintf("%v", [c.values.kube_config_raw]),
		"attribute": [c.values.kube_admin_config[0].password],
	}
}

deny contains f if {
	some r in input.resources
	f := {"msg": json.marshal(r), "resource": r.address, "attribute": [], "status": "unknown"}
}

deny contains f if {
	some p in input.pools
	f := {"msg": sprintf("pool=%v", [p]), "resource": p.address, "attribute": ["node_labels"]}
}

deny contains f if {
	f := {"msg": sprintf("input=%v", [input]), "resource": input.file, "attribute": []}
}

# A policy that finds a secret says so.
deny contains f if {
	contains(json.marshal(input), "S3CR3T")
	f := {"msg": "LEAKED", "resource": "x", "attribute": []}
}

deny contains f if {
	regex.match(`Kp38Q~|mW68Q~`, json.marshal([input, data]))
	f := {"msg": "LEAKED", "resource": "x", "attribute": []}
}

deny contains f if {
	print("printed input:", input)
	false
	f := {}
}
"#;
    // A runtime error whose message could quote the value.
    let error = header("LEAK002", "error-with-secret")
        + r#"
deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	n := to_number(c.values.service_principal[0].client_secret)
	f := {"msg": sprintf("%v", [n]), "resource": c.address, "attribute": []}
}
"#;
    // A deny element of the wrong shape carrying the secret.
    let shape = header("LEAK003", "bad-shape")
        + r#"
deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	f := {"msg": c.values.kube_admin_config, "resource": c.values.kube_config_raw, "attribute": {"x": c.values.tags}}
}
"#;
    // An evaluation error whose message (regorus's "var _ is unsafe")
    // dumps the variables in scope, the secret-bearing one first.
    let scopes = header("LEAK004", "error-dumps-scopes")
        + r#"
deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	a := [object.get(c.values, ["kube_config_raw"], "-"), object.get(c.values, ["service_principal"], "-")]
	walk(input, [_, v])
	n := v
	f := {"msg": sprintf("%v %v", [a, n]), "resource": c.address, "attribute": []}
}
"#;
    std::fs::write(dir.join("LEAK004.rego"), scopes).unwrap();
    std::fs::write(dir.join("LEAK001.rego"), interpolate).unwrap();
    std::fs::write(dir.join("LEAK002.rego"), error).unwrap();
    std::fs::write(dir.join("LEAK003.rego"), shape).unwrap();
}

/// Malformed files with a secret right at (or just before) the error.
fn malformed(dir: &Path) -> Vec<PathBuf> {
    let pre = "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\", \"change\": {\"after\": {\"client_secret\": ";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("eof.json", format!("{pre}\"S3CR3T-MARKER-20\"").into_bytes()),
        ("unterminated.json", format!("{pre}\"S3CR3T-MARKER-21").into_bytes()),
        ("bare.json", format!("{pre}S3CR3T-MARKER-22}}}}]}}").into_bytes()),
        (
            "escape.json",
            format!("{pre}\"S3CR3T-MARKER-23\\q\"}}}}]}}").into_bytes(),
        ),
        (
            "control.json",
            format!("{pre}\"S3CR3T-MARKER-24\u{1}\"}}}}]}}").into_bytes(),
        ),
        (
            "trailing.json",
            format!("{pre}\"x\"}}}}]}} S3CR3T-MARKER-25").into_bytes(),
        ),
        (
            "badutf8.json",
            [pre.as_bytes(), b"\"S3CR3T-MARKER-26\xff\"}}]}"].concat(),
        ),
        (
            "type.json",
            b"{\"format_version\": \"1.2\", \"resource_changes\": \"S3CR3T-MARKER-27\"}".to_vec(),
        ),
        (
            "type2.json",
            b"{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": [\"S3CR3T-MARKER-28\"]}]}"
                .to_vec(),
        ),
        (
            "after.json",
            format!("{pre}\"x\"}}, \"after_sensitive\": \"S3CR3T-MARKER-29\", \"actions\": \"S3CR3T-MARKER-29b\"}}}}]}}")
                .into_bytes(),
        ),
        (
            "after-not-object.json",
            b"{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\", \"change\": {\"after\": \"S3CR3T-MARKER-30\"}}]}"
                .to_vec(),
        ),
        (
            "state-values.json",
            b"{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\", \"values\": {\"client_secret\": \"S3CR3T-MARKER-31\"}, \"sensitive_values\": \"S3CR3T-MARKER-31b\"}]}}}"
                .to_vec(),
        ),
        (
            "utf16.json",
            {
                let mut b = vec![0xFF, 0xFE];
                for u in format!("{pre}\"S3CR3T-MARKER-32").encode_utf16() {
                    b.extend_from_slice(&u.to_le_bytes());
                }
                b.extend_from_slice(&0xD800u16.to_le_bytes());
                b
            },
        ),
        (
            "deep.json",
            format!("{pre}\"S3CR3T-MARKER-33\", \"x\": {}", "[".repeat(400)).into_bytes(),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, bytes)| write(dir, name, &bytes))
        .collect()
}

struct Inputs {
    _dir: tempfile::TempDir,
    policies: PathBuf,
    files: Vec<PathBuf>,
    malformed: Vec<PathBuf>,
}

fn inputs() -> Inputs {
    let dir = tempfile::tempdir().unwrap();
    let plan = write(
        dir.path(),
        "secret-plan.json",
        serde_json::to_string_pretty(&secret_plan())
            .unwrap()
            .as_bytes(),
    );
    let state = write(
        dir.path(),
        "secret-state.json",
        serde_json::to_string_pretty(&secret_state())
            .unwrap()
            .as_bytes(),
    );
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    leaky_policies(&policies);
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    let malformed = malformed(&bad);
    Inputs {
        files: vec![
            root().join("fixtures/secrets/plan.json"),
            root().join("fixtures/secrets-state/state.json"),
            plan,
            state,
        ],
        malformed,
        policies,
        _dir: dir,
    }
}

/// The inputs really hold the secrets (so that the tests below mean
/// something), and the always-secret and marked paths are all covered.
#[test]
fn the_inputs_hold_the_secrets() {
    let ins = inputs();
    let all: String = ins
        .files
        .iter()
        .chain(&ins.malformed)
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            match bytes.as_slice() {
                [0xFF, 0xFE, rest @ ..] => String::from_utf16_lossy(
                    &rest
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect::<Vec<_>>(),
                ),
                _ => String::from_utf8_lossy(&bytes).into_owned(),
            }
        })
        .collect();
    for m in MARKERS {
        assert!(all.contains(m), "{m}");
    }
    for n in (1..=17).chain(20..=33) {
        assert!(
            all.contains(&format!("S3CR3T-MARKER-{n}")),
            "marker {n} is missing"
        );
    }
}

/// The leak-hunting policy works: a value that is not secret (so not
/// redacted) and holds the word is found and reported as LEAKED.
#[test]
fn the_leak_hunting_policy_finds_unredacted_values() {
    let ins = inputs();
    let dir = tempfile::tempdir().unwrap();
    let mut plan = secret_plan();
    plan["resource_changes"][0]["change"]["after"]["name"] = "NOT-A-S3CR3T".into();
    let f = write(dir.path(), "visible.json", plan.to_string().as_bytes());
    let out = akslint()
        .args(["--format", "json", "--rule", "LEAK001", "--policy"])
        .arg(&ins.policies)
        .arg(&f)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"] == "LEAKED"),
        "{doc}"
    );
}

/// Every format, every --unknown mode, with the leaky policies: no marker
/// on stdout or stderr. The policies do run (their findings are there).
#[test]
fn no_secret_in_any_format_or_unknown_mode() {
    let ins = inputs();
    let policies = path_str(&ins.policies);
    for format in FORMATS {
        for unknown in UNKNOWN_MODES {
            let out = akslint()
                .args([
                    "--format",
                    format,
                    "--unknown",
                    unknown,
                    "--color",
                    "always",
                    "--policy",
                    &policies,
                ])
                .args(&ins.files)
                .args(&ins.malformed)
                .output()
                .unwrap();
            let what = format!("--format {format} --unknown {unknown}");
            assert_output_clean(&out, &what);
            assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
            let text = stdout(&out);
            assert!(text.contains("LEAK001"), "{what}: the policy ran: {text}");
            assert!(
                text.contains("(sensitive)"),
                "{what}: the redaction marker is what policies see"
            );
        }
    }
}

/// The same through `--report FORMAT=PATH` files and `-o`.
#[test]
fn no_secret_in_report_files() {
    let ins = inputs();
    let out_dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec![
        "--policy".into(),
        path_str(&ins.policies),
        "-o".into(),
        path_str(&out_dir.path().join("main.txt")),
    ];
    for f in FORMATS {
        args.push("--report".into());
        args.push(format!("{f}={}", path_str(&out_dir.path().join(f))));
    }
    let out = akslint()
        .args(&args)
        .args(&ins.files)
        .args(&ins.malformed)
        .output()
        .unwrap();
    assert_output_clean(&out, "--report");
    let mut seen = 0;
    for entry in std::fs::read_dir(out_dir.path()).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(!text.is_empty(), "{}", p.display());
        assert_no_secret(&text, &path_str(&p));
        seen += 1;
    }
    assert_eq!(seen, FORMATS.len() + 1);
}

/// Each malformed file alone: a clean error that names the file and does
/// not echo the secret next to the error position.
#[test]
fn error_messages_never_echo_the_input() {
    let ins = inputs();
    for file in &ins.malformed {
        for format in FORMATS {
            let out = akslint()
                .args(["--format", format, "--color", "never"])
                .arg(file)
                .output()
                .unwrap();
            let what = format!("{} --format {format}", file.display());
            assert_output_clean(&out, &what);
            if out.status.code() == Some(2) {
                let all = format!("{}{}", stdout(&out), stderr(&out));
                let name = file.file_name().unwrap().to_string_lossy();
                assert!(all.contains(name.as_ref()), "{what}: {all}");
            }
        }
    }
}

/// Through stdin, and with only the built-in rules.
#[test]
fn no_secret_from_stdin_or_builtin_rules() {
    use std::io::Write;
    let plan = serde_json::to_vec(&secret_plan()).unwrap();
    for format in FORMATS {
        let mut child = akslint()
            .args(["--format", format, "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&plan).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_output_clean(&out, &format!("stdin --format {format}"));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
}

/// serde_json quotes the offending string in `invalid type: string "..."`;
/// `load::scrub` drops what is between the quotes, but toggles on every
/// `"` — serde_json writes an inner quote as `\"`, so a value holding a
/// quote comes out from its quote onwards.
#[test]
fn type_error_with_a_quote_in_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "quote.json",
        br#"{"format_version": "1.2", "resource_changes": "x\" S3CR3T-MARKER-40 \"y"}"#,
    );
    let out = akslint()
        .args(["--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    assert_output_clean(&out, "quote in a type error");
}

/// `InputError::FormatVersion` prints the file's format_version (40
/// characters of it), and serde_json's type errors print numbers
/// (`invalid type: integer `...``): input values, against the promise of
/// src/error.rs that no error carries one.
#[test]
fn errors_echo_format_version_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let version = write(
        dir.path(),
        "version.json",
        br#"{"format_version": "S3CR3T-MARKER-41"}"#,
    );
    let number = write(
        dir.path(),
        "number.json",
        br#"{"format_version": "1.2", "resource_changes": [{"address": 3133700000000042, "type": "t", "name": "n", "change": {}}]}"#,
    );
    let out = akslint()
        .args(["--format", "json"])
        .arg(&version)
        .output()
        .unwrap();
    assert_output_clean(&out, "format_version");
    let out = akslint()
        .args(["--format", "json"])
        .arg(&number)
        .output()
        .unwrap();
    assert!(
        !stdout(&out).contains("3133700000000042"),
        "{}",
        stdout(&out)
    );
}

/// Secrets of other providers' resources, in a plan without any sensitivity
/// mark: the attributes their schemas mark sensitive never reach a policy.
#[test]
fn unmarked_provider_secrets_never_reach_policies() {
    let ins = inputs();
    let dir = tempfile::tempdir().unwrap();
    let change = |addr: &str, ty: &str, after: Value| {
        serde_json::json!({
            "address": addr, "mode": "managed", "type": ty,
            "name": addr.split('.').nth(1).unwrap(), "provider_name": "p",
            "change": {"actions": ["create"], "before": null, "after": after,
                       "after_unknown": {}, "before_sensitive": false, "after_sensitive": {}}
        })
    };
    let plan = serde_json::json!({
        "format_version": "1.2",
        "resource_changes": [
            change("azurerm_key_vault_secret.s", "azurerm_key_vault_secret",
                   serde_json::json!({"name": "db", "value": "S3CR3T-MARKER-90"})),
            change("random_password.p", "random_password",
                   serde_json::json!({"length": 20, "result": "S3CR3T-MARKER-91"})),
            change("tls_private_key.k", "tls_private_key",
                   serde_json::json!({"algorithm": "RSA", "private_key_openssh": "S3CR3T-MARKER-92",
                                      "private_key_pem": "S3CR3T-MARKER-93"})),
        ]
    });
    let f = write(dir.path(), "unmarked.json", plan.to_string().as_bytes());
    let out = akslint()
        .args(["--format", "json", "--rule", "LEAK001", "--policy"])
        .arg(&ins.policies)
        .arg(&f)
        .output()
        .unwrap();
    let text = stdout(&out) + &stderr(&out);
    assert!(text.contains("LEAK001"), "the policy ran: {text}");
    assert_output_clean(&out, "unmarked provider secrets");
}

/// The text report shows `.tf` lines around each finding: a secret written
/// in the file itself (an always-secret attribute, or a value wrapped in
/// `sensitive()`, which the plan then marks) is masked there, byte for byte.
#[test]
fn tf_snippets_mask_secrets_written_in_the_source() {
    let example = root().join("fixtures/example");
    let tf = std::fs::read_to_string(example.join("main.tf")).unwrap();
    // The line after the cluster's first line, shown with every finding on
    // the cluster.
    let name = "  name                = \"aks-shop-prod\"\n";
    assert!(tf.contains(name));
    for (line, masked) in [
        (
            "  name                = sensitive(\"S3CR3T-MARKER-name\")\n",
            "  name                = *******************************\n",
        ),
        (
            "  client_secret       = \"S3CR3T-MARKER-literal\"\n",
            "  client_secret       = ***********************\n",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(example.join("plan.json"), dir.path().join("plan.json")).unwrap();
        std::fs::write(dir.path().join("main.tf"), tf.replacen(name, line, 1)).unwrap();
        let out = akslint()
            .args(["--color", "never"])
            .arg(dir.path().join("plan.json"))
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(text.contains(&format!(" 86 │ {masked}")), "{text}");
        assert_no_secret(&text, "the text report's .tf snippets");
    }
}
