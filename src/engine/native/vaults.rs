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

/// `input.joins.<name>` when it is a boolean (computed over the whole
/// file), else `otherwise` (read from this input). None when `joins` is
/// neither an object nor absent.
fn joins_flag(
    input: &Input<'_>,
    name: &str,
    otherwise: impl FnOnce() -> Option<bool>,
) -> Option<bool> {
    let flag = match &input[&key("joins")] {
        joins @ Value::Object(_) => &joins[&key(name)],
        Value::Undefined => &Value::Undefined,
        _ => return None,
    };
    match flag {
        Value::Bool(b) => Some(*b),
        _ => otherwise(),
    }
}

/// The check of one attribute that is known only after apply (its
/// `unknown_text`), or fails (`fails` of its value, `fail_text`), if
/// either.
fn check(
    r: &Obj<'_>,
    path: Path,
    fails: impl FnOnce(&Value) -> bool,
    unknown_text: &'static str,
    fail_text: &'static str,
) -> Option<Check> {
    if r.unknown(path) {
        Some(Check {
            path,
            unknown: true,
            text: unknown_text,
        })
    } else {
        fails(r.raw(path)).then_some(Check {
            path,
            unknown: false,
            text: fail_text,
        })
    }
}

/// AKS036's `csi_cluster`: the joins' flag, else whether a cluster of the
/// input has the CSI driver.
fn csi_cluster(input: &Input<'_>) -> Option<bool> {
    joins_flag(input, "csi_cluster", || {
        Some(
            clusters(input)?
                .iter()
                .any(|c| !c.is_unset(SECRETS_PROVIDER)),
        )
    })
}

/// AKS036 csi-vault.
pub(super) fn aks036(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    let vaults = resources_of(input, "azurerm_key_vault")?;
    if vaults.is_empty() || !csi_cluster(input)? {
        return Some(deny);
    }
    for r in vaults {
        let mut checks: Vec<Check> = check(
            &r,
            PURGE,
            |v| *v != Value::Bool(true),
            "`purge_protection_enabled` must be true",
            "purge protection is off: set `purge_protection_enabled = true`",
        )
        .into_iter()
        .collect();
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

/// `joins.any_cluster`: the joins' flag, else whether the input has a
/// cluster of either type.
fn any_cluster(input: &Input<'_>) -> Option<bool> {
    joins_flag(input, "any_cluster", || {
        Some(
            !resources_of(input, "azurerm_kubernetes_cluster")?.is_empty()
                || !resources_of(input, "azurerm_kubernetes_automatic_cluster")?.is_empty(),
        )
    })
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
        let admin = check(
            &r,
            ADMIN,
            |v| *v == Value::Bool(true),
            "`admin_enabled` must not be true",
            "the admin user is enabled: set `admin_enabled = false`",
        );
        let public = check(
            &r,
            PUBLIC,
            |v| *v != Value::Bool(false),
            "`public_network_access_enabled` must be false",
            "public network access is enabled (the provider default): set `public_network_access_enabled = false`",
        );
        let checks: Vec<Check> = admin.into_iter().chain(public).collect();
        checks_finding(
            &mut deny,
            &r,
            &checks,
            "The container registry, managed beside a cluster, is not private",
        )?;
    }
    Some(deny)
}
