//! The built-in rules about the Key Vault of the Secrets Store CSI driver
//! (AKS036) and the container registry beside a cluster (AKS037), and the
//! library's `joins.checks_finding` they report with, in Rust (see
//! `rules.rs`).
use regorus::Value;

use super::lib::{clusters, eq_ci, key, resources_of, Deny, Input, Obj, Path, S};

/// One check of `joins.checks_finding`: the path it reports, whether it
/// is only known after apply (else it fails), and its text.
struct Check {
    path: Path,
    unknown: bool,
    text: &'static str,
}

/// `joins.checks_finding`: a failure at the first failed check's path,
/// with every failed check's text; else, when some are unknown, an
/// unknown finding at the first unknown one's; else none.
fn checks_finding(deny: &mut Deny, r: &Obj<'_>, checks: &[Check], subject: &str) -> Option<()> {
    for unknown in [false, true] {
        let of: Vec<&Check> = checks.iter().filter(|c| c.unknown == unknown).collect();
        let Some(first) = of.first() else {
            continue;
        };
        let texts: Vec<&str> = of.iter().map(|c| c.text).collect();
        let texts = texts.join("; ");
        let msg = if unknown {
            format!("{subject}, depending on values known only after apply: {texts}.")
        } else {
            format!("{subject}: {texts}.")
        };
        return deny.add(r, first.path, unknown, msg);
    }
    Some(())
}

const SECRETS_PROVIDER: Path = &[S::K("key_vault_secrets_provider")];
const PURGE: Path = &[S::K("purge_protection_enabled")];
const RBAC: Path = &[S::K("rbac_authorization_enabled")];
const RBAC_3X: Path = &[S::K("enable_rbac_authorization")];
const PUBLIC: Path = &[S::K("public_network_access_enabled")];
const ACL_DEFAULT: Path = &[S::K("network_acls"), S::I(0), S::K("default_action")];

/// AKS036's `csi_cluster`: `input.joins.csi_cluster` when it is a
/// boolean, else whether a cluster of the input has the CSI driver.
fn csi_cluster(input: &Input<'_>) -> Option<bool> {
    let flag = match &input[&key("joins")] {
        joins @ Value::Object(_) => &joins[&key("csi_cluster")],
        Value::Undefined => &Value::Undefined,
        _ => return None,
    };
    match flag {
        Value::Bool(b) => Some(*b),
        _ => Some(
            clusters(input)?
                .iter()
                .any(|c| !c.is_unset(SECRETS_PROVIDER)),
        ),
    }
}

/// AKS036 csi-vault.
pub(super) fn aks036(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    let vaults = resources_of(input, "azurerm_key_vault")?;
    if vaults.is_empty() || !csi_cluster(input)? {
        return Some(deny);
    }
    for r in vaults {
        let mut checks = Vec::new();
        if r.unknown(PURGE) {
            checks.push(Check {
                path: PURGE,
                unknown: true,
                text: "`purge_protection_enabled` must be true",
            });
        } else if *r.raw(PURGE) != Value::Bool(true) {
            checks.push(Check {
                path: PURGE,
                unknown: false,
                text: "purge protection is off: set `purge_protection_enabled = true`",
            });
        }
        let a = r.attr2(RBAC, RBAC_3X);
        if a.unknown {
            checks.push(Check {
                path: a.path,
                unknown: true,
                text: "RBAC authorization must be on",
            });
        } else if *a.value != Value::Bool(true) {
            checks.push(Check {
                path: a.path,
                unknown: false,
                text: "access policies instead of Azure RBAC: set `rbac_authorization_enabled = true` (3.x `enable_rbac_authorization`)",
            });
        }
        let closed = *r.raw(PUBLIC) == Value::Bool(false) || eq_ci(r.raw(ACL_DEFAULT), "Deny");
        if !closed {
            let unknown = r.unknown(PUBLIC) || r.unknown(ACL_DEFAULT);
            checks.push(Check {
                path: PUBLIC,
                unknown,
                text: if unknown {
                    "the vault must be closed to public networks"
                } else {
                    "the vault is open to every network: set `public_network_access_enabled = false` or `network_acls { default_action = \"Deny\" }`"
                },
            });
        }
        checks_finding(
            &mut deny,
            &r,
            &checks,
            "The Key Vault of a cluster with the Secrets Store CSI driver is not protected",
        )?;
    }
    Some(deny)
}

/// `joins.any_cluster`: `input.joins.any_cluster` when it is a boolean,
/// else whether the input has a cluster of either type.
fn any_cluster(input: &Input<'_>) -> Option<bool> {
    let flag = match &input[&key("joins")] {
        joins @ Value::Object(_) => &joins[&key("any_cluster")],
        Value::Undefined => &Value::Undefined,
        _ => return None,
    };
    match flag {
        Value::Bool(b) => Some(*b),
        _ => Some(
            !resources_of(input, "azurerm_kubernetes_cluster")?.is_empty()
                || !resources_of(input, "azurerm_kubernetes_automatic_cluster")?.is_empty(),
        ),
    }
}

/// AKS037 acr-private.
pub(super) fn aks037(input: &Input<'_>) -> Option<Deny> {
    const ADMIN: Path = &[S::K("admin_enabled")];
    let mut deny = Deny::default();
    let registries = resources_of(input, "azurerm_container_registry")?;
    if registries.is_empty() || !any_cluster(input)? {
        return Some(deny);
    }
    for r in registries {
        let mut checks = Vec::new();
        if r.unknown(ADMIN) {
            checks.push(Check {
                path: ADMIN,
                unknown: true,
                text: "`admin_enabled` must not be true",
            });
        } else if *r.raw(ADMIN) == Value::Bool(true) {
            checks.push(Check {
                path: ADMIN,
                unknown: false,
                text: "the admin user is enabled: set `admin_enabled = false`",
            });
        }
        if r.unknown(PUBLIC) {
            checks.push(Check {
                path: PUBLIC,
                unknown: true,
                text: "`public_network_access_enabled` must be false",
            });
        } else if *r.raw(PUBLIC) != Value::Bool(false) {
            checks.push(Check {
                path: PUBLIC,
                unknown: false,
                text: "public network access is enabled (the provider default): set `public_network_access_enabled = false`",
            });
        }
        checks_finding(
            &mut deny,
            &r,
            &checks,
            "The container registry, managed beside a cluster, is not private",
        )?;
    }
    Some(deny)
}
