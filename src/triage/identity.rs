//! The identity of a finding across two runs, for the change status
//! (`--gate`, `--base`) and the baseline: rule, resource address and
//! attribute, the attribute named as azurerm 4.x names it.
//!
//! The same problem must keep its identity when a pull request changes
//! only how it is spelled: an upgrade of the provider from 3.x to 4.x
//! renames attributes (BASELINE's rename rows), and turning the autoscaler
//! on moves a pool's size from `node_count` to `min_count` (for the
//! built-in rules that judge the pool's size, [`POOL_SIZE_RULES`]; another
//! rule may judge the two for different problems). A `moved`
//! block's renaming of the resource itself is handled by the callers,
//! with the plan's `previous_address`.
//!
//! Only matching uses this form: reports, fingerprints and baseline files
//! keep the attribute as the plan names it.
//!
//! A custom policy that reports one resource's attribute several times (a
//! finding per missing tag, each on `tags`) gives those findings one
//! identity: [`repeated_warnings`] tells its author to give each its own
//! attribute path. A built-in rule reports a resource's attribute once.
use std::collections::HashSet;

use crate::finding::{Finding, Step};

/// Attribute names of azurerm 3.x, and their 4.x names (BASELINE.md and
/// BASELINE-2026-12.md, "Renamed attributes").
const RENAMED: &[(&str, &str)] = &[
    ("automatic_channel_upgrade", "automatic_upgrade_channel"),
    ("node_os_channel_upgrade", "node_os_upgrade_channel"),
    ("enable_auto_scaling", "auto_scaling_enabled"),
    ("enable_host_encryption", "host_encryption_enabled"),
    ("enable_node_public_ip", "node_public_ip_enabled"),
    ("ebpf_data_plane", "network_data_plane"),
    ("enable_rbac_authorization", "rbac_authorization_enabled"),
];

/// Built-in rules that report a pool's size on `min_count` with the
/// autoscaler on and on `node_count` without it: one problem.
const POOL_SIZE_RULES: &[&str] = &["AKS011", "AKS019"];

/// `api_server_authorized_ip_ranges` moved into a block in 4.x.
const AUTHORIZED_RANGES_3X: &str = "api_server_authorized_ip_ranges";
const AUTHORIZED_RANGES_4X: &str = "api_server_access_profile[0].authorized_ip_ranges";

/// A warning for each rule that reports one resource's attribute more
/// than once in a plan (the first such resource and attribute).
pub(crate) fn repeated_warnings(files: &[crate::report::FileReport]) -> Vec<String> {
    let mut first: std::collections::BTreeMap<&str, (&str, String)> = Default::default();
    for file in files {
        for (rule, address, attribute) in repeated(&file.findings) {
            let this = (address, crate::finding::display_path(attribute));
            let e = first.entry(rule).or_insert_with(|| this.clone());
            if this < *e {
                *e = this;
            }
        }
    }
    first
        .into_iter()
        .map(|(rule, (address, attribute))| {
            format!(
                "rule {rule} reports {address} {} more than once: findings are told apart by \
                 rule, resource and attribute, so these share one identity (one SARIF alert, \
                 one baseline entry, one change status); give each its own attribute path \
                 (e.g. [\"tags\", \"owner\"])",
                if attribute.is_empty() {
                    "(the whole resource)".to_string()
                } else {
                    format!("`{attribute}`")
                }
            )
        })
        .collect()
}

/// The (rule, address, attribute) of which `findings` hold more than one.
fn repeated(findings: &[Finding]) -> HashSet<(&str, &str, &[Step])> {
    // Sized once: the rehashes of a growing set took half of this check's
    // 0.1 s on the 87,538 findings of the 100 MB like-real plan. SipHash
    // stays: the addresses come from the plan (`for_each` keys), and a
    // hash without a random key could be fed colliding ones.
    let mut seen = HashSet::with_capacity(findings.len());
    let mut again = HashSet::new();
    for f in findings {
        let key = (
            f.rule_id.as_str(),
            f.address.as_str(),
            f.attribute.as_slice(),
        );
        if !seen.insert(key) {
            again.insert(key);
        }
    }
    again
}

/// The identity of a finding: rule id, address and canonical attribute.
pub(crate) type Identity = (String, String, String);

/// `rule`'s finding on `attribute` (as displayed: `default_node_pool[0].x`)
/// of the resource at `address`.
pub(crate) fn identity(rule: &str, address: &str, attribute: &str) -> Identity {
    (
        rule.to_string(),
        address.to_string(),
        canonical_attribute(rule, address, attribute),
    )
}

/// The attribute as azurerm 4.x names it (`rule`'s finding).
pub(crate) fn canonical_attribute(rule: &str, address: &str, attribute: &str) -> String {
    let pool_size = POOL_SIZE_RULES.contains(&rule);
    let mut out = String::with_capacity(attribute.len() + 8);
    for (i, piece) in attribute.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        // `name[0][1]`: the name, then its indexes.
        let (name, rest) = piece.split_at(piece.find('[').unwrap_or(piece.len()));
        let name = match name {
            AUTHORIZED_RANGES_3X => AUTHORIZED_RANGES_4X,
            "parent_id" if is_federated_credential(address) => "user_assigned_identity_id",
            "min_count" if pool_size => "node_count",
            _ => RENAMED
                .iter()
                .find(|(old, _)| *old == name)
                .map_or(name, |(_, new)| new),
        };
        out.push_str(name);
        out.push_str(rest);
    }
    out
}

/// The resource at `address` is an `azurerm_federated_identity_credential`
/// (`module.m.azurerm_federated_identity_credential.x["k"]`).
fn is_federated_credential(address: &str) -> bool {
    address
        .split('.')
        .any(|p| p == "azurerm_federated_identity_credential")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_attributes_have_one_identity() {
        let a = "azurerm_kubernetes_cluster.c";
        for (old, new) in [
            ("automatic_channel_upgrade", "automatic_upgrade_channel"),
            (
                "default_node_pool[0].enable_auto_scaling",
                "default_node_pool[0].auto_scaling_enabled",
            ),
            (
                "network_profile[0].ebpf_data_plane",
                "network_profile[0].network_data_plane",
            ),
            (
                "api_server_authorized_ip_ranges",
                "api_server_access_profile[0].authorized_ip_ranges",
            ),
        ] {
            assert_eq!(canonical_attribute("AKS001", a, old), new, "{old}");
            assert_eq!(canonical_attribute("AKS001", a, new), new, "{new}");
        }
        // One pool size for the rules that judge it, two attributes for
        // any other.
        let (min, count) = (
            "default_node_pool[0].min_count",
            "default_node_pool[0].node_count",
        );
        assert_eq!(canonical_attribute("AKS011", a, min), count);
        assert_eq!(canonical_attribute("AKS019", a, "min_count"), "node_count");
        assert_eq!(canonical_attribute("AKS013", a, min), min);
        assert_eq!(canonical_attribute("ORG900", a, min), min);
    }

    #[test]
    fn other_names_keep_their_spelling() {
        let a = "azurerm_kubernetes_cluster.c";
        for attr in [
            "",
            "default_node_pool[0].zones",
            "tags.enable_auto_scaling_x",
            "tags.a.b",
            "x[1][2].y",
            "parent_id",
        ] {
            assert_eq!(canonical_attribute("AKS001", a, attr), attr);
        }
        assert_eq!(
            canonical_attribute(
                "AKS023",
                "module.m.azurerm_federated_identity_credential.f[\"k\"]",
                "parent_id"
            ),
            "user_assigned_identity_id"
        );
    }
}
