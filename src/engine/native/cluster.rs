//! Built-in rules about cluster settings read one attribute at a time
//! (local accounts, RBAC, add-ons, the public FQDN), in Rust (see
//! `rules.rs`).
use regorus::Value;

use super::lib::{automatic_clusters, clusters, eq_ci, Deny, Input, Obj, Path, S};

/// The shape of most of these rules: each cluster's `attr1` of `path`
/// fails when `fails` says so, with the first message when the value is
/// known only after apply and the second otherwise (`lib.result`).
fn each_attr(
    input: &Input<'_>,
    path: Path,
    fails: impl Fn(bool, &Value) -> bool,
    unknown_msg: &str,
    msg: &str,
) -> Option<Deny> {
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(path);
        if fails(a.unknown, a.value) {
            let msg = if a.unknown { unknown_msg } else { msg };
            deny.result(&c, &a, msg.into())?;
        }
    }
    Some(deny)
}

/// AKS008 private-fqdn.
pub(super) fn aks008(input: &Input<'_>) -> Option<Deny> {
    const PRIVATE: Path = &[S::K("private_cluster_enabled")];
    const FQDN: Path = &[S::K("private_cluster_public_fqdn_enabled")];
    const AUTO_BLOCK: Path = &[S::K("private_cluster")];
    const AUTO_FQDN: Path = &[
        S::K("private_cluster"),
        S::I(0),
        S::K("public_fully_qualified_domain_name_enabled"),
    ];
    const MSG: &str = "The private cluster's API server has a public FQDN: set `private_cluster_public_fqdn_enabled = false` and resolve it through the private DNS zone.";
    const UNKNOWN_MSG: &str = "`private_cluster_public_fqdn_enabled` is known only after apply: on a private cluster it must not be `true`.";
    const UNKNOWN_PRIVATE_MSG: &str = "`private_cluster_enabled` is known only after apply and `private_cluster_public_fqdn_enabled = true`: a private cluster must not publish a public FQDN.";
    let is_true = |c: &Obj<'_>, path: Path| *c.raw(path) == Value::Bool(true);
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let private = is_true(&c, PRIVATE);
        let private_unknown = c.unknown(PRIVATE);
        let fqdn = is_true(&c, FQDN);
        let fqdn_unknown = c.unknown(FQDN);
        if (private || private_unknown) && fqdn_unknown {
            deny.add(&c, FQDN, true, UNKNOWN_MSG.into())?;
        }
        if private && fqdn {
            deny.add(&c, FQDN, false, MSG.into())?;
        }
        if private_unknown && fqdn {
            deny.add(&c, FQDN, true, UNKNOWN_PRIVATE_MSG.into())?;
        }
    }
    for c in automatic_clusters(input)? {
        if !c.is_unset(AUTO_BLOCK) && c.unknown(AUTO_FQDN) {
            deny.add(&c, AUTO_FQDN, true, "`private_cluster.public_fully_qualified_domain_name_enabled` is known only after apply: it must not be `true`.".into())?;
        }
        if is_true(&c, AUTO_FQDN) {
            deny.add(&c, AUTO_FQDN, false, "The private cluster's API server has a public FQDN: set `private_cluster { public_fully_qualified_domain_name_enabled = false }` and resolve it through the private DNS zone.".into())?;
        }
    }
    Some(deny)
}

/// AKS025 local-accounts.
pub(super) fn aks025(input: &Input<'_>) -> Option<Deny> {
    each_attr(
        input,
        &[S::K("local_account_disabled")],
        |_, v| *v != Value::Bool(true),
        "`local_account_disabled` is known only after apply: it must be `true`, or the local cluster-admin account bypasses Entra ID.",
        "The local cluster-admin account bypasses Entra ID: set `local_account_disabled = true`.",
    )
}

/// AKS026 rbac-enabled.
pub(super) fn aks026(input: &Input<'_>) -> Option<Deny> {
    each_attr(
        input,
        &[S::K("role_based_access_control_enabled")],
        |unknown, v| unknown || *v == Value::Bool(false),
        "`role_based_access_control_enabled` is known only after apply: it must not be `false`, or every authenticated identity can do anything.",
        "Kubernetes RBAC is disabled, every authenticated identity can do anything: set `role_based_access_control_enabled = true` (or remove the attribute).",
    )
}

/// AKS029 run-command.
pub(super) fn aks029(input: &Input<'_>) -> Option<Deny> {
    each_attr(
        input,
        &[S::K("run_command_enabled")],
        |_, v| *v != Value::Bool(false),
        "`run_command_enabled` is known only after apply: it must be `false`.",
        "Run command is enabled (the provider default is `true`): set `run_command_enabled = false`.",
    )
}

/// AKS030 defender.
pub(super) fn aks030(input: &Input<'_>) -> Option<Deny> {
    const BLOCK: Path = &[S::K("microsoft_defender")];
    const WORKSPACE: Path = &[
        S::K("microsoft_defender"),
        S::I(0),
        S::K("log_analytics_workspace_id"),
    ];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if c.is_unset(WORKSPACE) {
            let path = if c.is_unset(BLOCK) { BLOCK } else { WORKSPACE };
            deny.add(&c, path, false, "Microsoft Defender for Containers is not enabled: add a `microsoft_defender` block with `log_analytics_workspace_id` set.".into())?;
        }
    }
    Some(deny)
}

/// AKS031 azure-policy.
pub(super) fn aks031(input: &Input<'_>) -> Option<Deny> {
    each_attr(
        input,
        &[S::K("azure_policy_enabled")],
        |_, v| *v != Value::Bool(true),
        "`azure_policy_enabled` is known only after apply: it must be `true`, or no policy is enforced at admission.",
        "The Azure Policy add-on is not enabled, so no policy is enforced at admission: set `azure_policy_enabled = true`.",
    )
}

/// AKS032 kv-rotation.
pub(super) fn aks032(input: &Input<'_>) -> Option<Deny> {
    const BLOCK: Path = &[S::K("key_vault_secrets_provider")];
    const ROTATION: Path = &[
        S::K("key_vault_secrets_provider"),
        S::I(0),
        S::K("secret_rotation_enabled"),
    ];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if !c.has_value(BLOCK) {
            let a = c.attr1(BLOCK);
            let msg = if a.unknown {
                "The `key_vault_secrets_provider` block is known only after apply: it must be there with `secret_rotation_enabled = true`, so that Key Vault secrets are rotated in the cluster."
            } else {
                "The Key Vault secrets provider is not enabled, so Key Vault secrets are not rotated in the cluster: add a `key_vault_secrets_provider` block with `secret_rotation_enabled = true`."
            };
            deny.result(&c, &a, msg.into())?;
        } else {
            let a = c.attr1(ROTATION);
            if *a.value != Value::Bool(true) {
                let msg = if a.unknown {
                    "Whether secrets mounted from Key Vault are rotated is known only after apply: `secret_rotation_enabled` in `key_vault_secrets_provider` must be `true`."
                } else {
                    "Secrets mounted from Key Vault are not rotated: set `secret_rotation_enabled = true` in `key_vault_secrets_provider`."
                };
                deny.result(&c, &a, msg.into())?;
            }
        }
    }
    Some(deny)
}

/// AKS044 http-app-routing.
pub(super) fn aks044(input: &Input<'_>) -> Option<Deny> {
    each_attr(
        input,
        &[S::K("http_application_routing_enabled")],
        |unknown, v| unknown || *v == Value::Bool(true),
        "`http_application_routing_enabled` is known only after apply: it must not be `true`, or the retired HTTP application routing add-on exposes ingresses publicly.",
        "The retired HTTP application routing add-on exposes ingresses publicly: set `http_application_routing_enabled = false` (use `web_app_routing` instead).",
    )
}

/// AKS034 disk-encryption-set.
pub(super) fn aks034(input: &Input<'_>) -> Option<Deny> {
    const SET: Path = &[S::K("disk_encryption_set_id")];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if c.is_unset(SET) {
            deny.add(&c, SET, false, "Node disks use platform-managed keys only: set `disk_encryption_set_id` to a disk encryption set with a customer-managed key.".into())?;
        }
    }
    Some(deny)
}

/// AKS035 kms-etcd.
pub(super) fn aks035(input: &Input<'_>) -> Option<Deny> {
    const BLOCK: Path = &[S::K("key_management_service")];
    const KEY: Path = &[
        S::K("key_management_service"),
        S::I(0),
        S::K("key_vault_key_id"),
    ];
    const ACCESS: Path = &[
        S::K("key_management_service"),
        S::I(0),
        S::K("key_vault_network_access"),
    ];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(BLOCK);
        if *a.value == Value::Null {
            let msg = if a.unknown {
                "`key_management_service` is known only after apply: it must hold a `key_vault_key_id` and `key_vault_network_access = \"Private\"`."
            } else {
                "Secrets in etcd are not encrypted with your own key: add `key_management_service { key_vault_key_id = ..., key_vault_network_access = \"Private\" }`."
            };
            deny.result(&c, &a, msg.into())?;
        }
        if !c.has_value(BLOCK) {
            continue;
        }
        if c.is_unset(KEY) {
            deny.add(&c, KEY, false, "The `key_management_service` block has no key: set `key_vault_key_id` to a Key Vault key.".into())?;
        }
        let a = c.attr1(ACCESS);
        if !eq_ci(a.value, "Private") {
            let msg = if a.unknown {
                "`key_management_service.key_vault_network_access` is known only after apply: it must be `\"Private\"`."
            } else {
                "The KMS key vault is reached over the public network (`key_vault_network_access` defaults to `Public`): set `key_vault_network_access = \"Private\"` and give the vault a private endpoint."
            };
            deny.result(&c, &a, msg.into())?;
        }
    }
    Some(deny)
}
