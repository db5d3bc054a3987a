//! AKS045 (diagnostic settings) and AKS027/AKS028 (role assignments) joins.
use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::Value;

#[allow(unused_imports)]
use super::*;

// ------------------------------------------------------------------ AKS045

pub(super) fn diagnostics(idx: &Index<'_>, joins: &mut Joins) {
    for r in idx.resources.iter().filter(|r| r.type_ == DIAGNOSTIC) {
        match idx.join(r, "target_resource_id", &CLUSTER_TYPES) {
            Ok(i) => joins
                .diagnostics
                .entry(idx.r(i).address.clone())
                .or_default()
                .push(r.address.clone()),
            Err(_) => {
                let exprs = idx.exprs(r);
                let expr = exprs.as_ref().and_then(|e| e.get("target_resource_id"));
                let truly_unknown = r.unknown.contains("target_resource_id")
                    || (idx.cfg.is_none() && str_value(&r.values, "target_resource_id").is_none());
                // BASELINE: a truly unknown target that "does not reference
                // the id of another resource in the plan" may be any
                // cluster's; one built from another attribute (a
                // workspace's `workspace_id`, a cluster's `name`) may too.
                if truly_unknown && !references_an_id(idx, r, "target_resource_id", expr) {
                    joins.diagnostics_unresolved.push(r.address.clone());
                }
            }
        }
    }
}

/// Whether an expression of `r` references the `id` of a managed resource
/// (through module outputs and arguments): the expression as a whole, or
/// any one of its references. Terraform lists a reference's prefixes too
/// (`azurerm_log_analytics_workspace.law.workspace_id` comes with
/// `azurerm_log_analytics_workspace.law`): a prefix of another reference is
/// not one of its own.
fn references_an_id(idx: &Index<'_>, r: &Resource, attr: &str, expr: Option<&Value>) -> bool {
    let id = |e: Option<&Value>| matches!(idx.resolve(r, attr, e, &|_| true), Ref::Managed(t) if is_id(&t));
    if id(expr) {
        return true;
    }
    let refs: Vec<&str> = expr
        .and_then(|e| e.get("references"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let longer = |one: &str| {
        refs.iter().any(|other| {
            other
                .strip_prefix(one)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    };
    refs.iter()
        .filter(|one| !longer(one))
        .any(|one| id(Some(&serde_json::json!({ "references": [one] }))))
}

// ------------------------------------------------------------------ AKS027, AKS028

/// Data sources `azurerm_role_definition` of the configuration: (module
/// path, name) -> the constant `name`.
pub(super) fn role_definitions(
    cfg: Option<&ConfigIndex>,
) -> HashMap<(Vec<String>, String), String> {
    let mut out = HashMap::new();
    for d in cfg.map(ConfigIndex::data_sources).unwrap_or_default() {
        if d.type_ != ROLE_DEFINITION {
            continue;
        }
        let e = d.expressions();
        if let Some(v) = e
            .get("name")
            .and_then(|n| n.get("constant_value"))
            .and_then(Value::as_str)
        {
            out.insert((d.module.clone(), d.name.clone()), v.to_string());
        }
    }
    out
}

pub(super) fn roles(idx: &Index<'_>, joins: &mut Joins) {
    if !idx.resources.iter().any(|r| r.type_ == ROLE_ASSIGNMENT) {
        return;
    }
    let defs = role_definitions(idx.cfg);
    // Kubelet identities: user-assigned identity -> cluster, and principal
    // (object id) value -> cluster.
    let mut identity_cluster: HashMap<usize, usize> = HashMap::new();
    let mut principal_cluster: HashMap<String, usize> = HashMap::new();
    // Every path prefix of every cluster id (its resource group, its
    // subscription, the id itself) -> the clusters under it.
    let mut cluster_prefixes: HashMap<String, Vec<usize>> = HashMap::new();
    // What each cluster gives, read in parallel and gathered in order.
    let clusters: Vec<(usize, ClusterKeys)> = idx
        .resources
        .par_iter()
        .enumerate()
        .with_min_len(PARALLEL_MIN)
        .filter(|(_, c)| is_cluster(&c.type_))
        .map(|(ci, c)| (ci, cluster_keys(idx, c)))
        .collect();
    for (ci, keys) in clusters {
        for prefix in keys.prefixes {
            cluster_prefixes.entry(prefix).or_default().push(ci);
        }
        if let Some(oid) = keys.object_id {
            principal_cluster.insert(oid, ci);
        }
        if let Some((u, principal)) = keys.identity {
            identity_cluster.insert(u, ci);
            if let Some(p) = principal {
                principal_cluster.insert(p, ci);
            }
        }
    }
    let assignments: Vec<(&Resource, Assignment)> = idx
        .resources
        .par_iter()
        .with_min_len(PARALLEL_MIN)
        .filter(|r| r.type_ == ROLE_ASSIGNMENT)
        .map(|r| {
            let a = assignment(
                idx,
                r,
                &defs,
                &identity_cluster,
                &principal_cluster,
                &cluster_prefixes,
            );
            (r, a)
        })
        .collect();
    for (r, a) in assignments {
        for ci in a.cluster_roles {
            joins
                .cluster_roles
                .entry(idx.r(ci).address.clone())
                .or_default()
                .push(r.address.clone());
        }
        if a.unresolved_scope {
            joins.roles_unresolved_scope.push(r.address.clone());
        }
        if let Some(role) = a.role {
            joins.roles.insert(r.address.clone(), role);
        }
    }
}

/// What a cluster gives the role joins: the path prefixes of its id
/// (its resource group, its subscription, the id itself; lower case), its
/// kubelet identity's object id (lower case), and its kubelet identity's
/// resource with that identity's principal id (lower case).
struct ClusterKeys {
    prefixes: Vec<String>,
    object_id: Option<String>,
    identity: Option<(usize, Option<String>)>,
}

fn cluster_keys(idx: &Index<'_>, c: &Resource) -> ClusterKeys {
    let mut prefixes = Vec::new();
    if let Some(id) = join_value(&c.values, "id") {
        let id = id.to_ascii_lowercase();
        let id = id.trim_end_matches('/');
        for (i, ch) in id.char_indices() {
            if ch == '/' && i > 0 {
                if let Some(prefix) = id.get(..i) {
                    prefixes.push(prefix.to_string());
                }
            }
        }
        prefixes.push(id.to_string());
    }
    let object_id = nested_str(&c.values, "kubelet_identity", "object_id")
        .filter(|s| *s != super::super::normalize::REDACTED)
        .map(str::to_ascii_lowercase);
    let exprs = idx.exprs(c);
    let expr = exprs
        .as_ref()
        .and_then(|e| e.get("kubelet_identity"))
        .and_then(|b| b.get(0))
        .and_then(|b| b.get("user_assigned_identity_id"));
    let mut uai = None;
    if let Ref::Managed(t) = idx.resolve(c, "", expr, &|t| t == IDENTITY) {
        uai = idx.pick(&t, &c.index);
    }
    if uai.is_none() {
        uai = idx.by_value(
            nested_str(&c.values, "kubelet_identity", "user_assigned_identity_id"),
            &[IDENTITY],
        );
    }
    let identity = uai.map(|u| {
        let principal = join_value(&idx.r(u).values, "principal_id").map(str::to_ascii_lowercase);
        (u, principal)
    });
    ClusterKeys {
        prefixes,
        object_id,
        identity,
    }
}

/// What a role assignment gives: the clusters it is scoped to (in the
/// order they are listed), whether its scope leads outside the plan, and
/// its join when its principal is a cluster's kubelet identity.
struct Assignment {
    cluster_roles: Vec<usize>,
    unresolved_scope: bool,
    role: Option<RoleJoin>,
}

fn assignment(
    idx: &Index<'_>,
    r: &Resource,
    defs: &HashMap<(Vec<String>, String), String>,
    identity_cluster: &HashMap<usize, usize>,
    principal_cluster: &HashMap<String, usize>,
    cluster_prefixes: &HashMap<String, Vec<usize>>,
) -> Assignment {
    let mut out = Assignment {
        cluster_roles: Vec::new(),
        unresolved_scope: false,
        role: None,
    };
    let exprs = idx.exprs(r);
    let expr = |k: &str| exprs.as_ref().and_then(|e| e.get(k));
    // The principal.
    let mut kubelet = match idx.resolve(r, "principal_id", expr("principal_id"), &|t| {
        is_cluster(t) || t == IDENTITY
    }) {
        Ref::Managed(t) if t.type_ == IDENTITY => idx
            .pick(&t, &r.index)
            .and_then(|u| identity_cluster.get(&u).copied()),
        Ref::Managed(t) if t.attr.as_deref() == Some("kubelet_identity") => idx.pick(&t, &r.index),
        _ => None,
    };
    if kubelet.is_none() {
        kubelet = str_value(&r.values, "principal_id")
            .and_then(|p| principal_cluster.get(&p.to_ascii_lowercase()).copied());
    }
    // The scope.
    let scope_expr = expr("scope");
    let scope_value = str_value(&r.values, "scope");
    let (mut scope, mut registry) = ("unresolved", None);
    let mut scope_cluster = None;
    match idx.resolve(r, "scope", scope_expr, &|t| t == REGISTRY || is_cluster(t)) {
        Ref::Managed(t) if t.type_ == REGISTRY => {
            scope = "registry";
            registry = idx.pick(&t, &r.index);
        }
        Ref::Managed(t) => {
            scope = "other";
            // The cluster's id, not another of its attributes (its node
            // resource group is not the cluster).
            if is_id(&t) {
                scope_cluster = idx.pick(&t, &r.index);
            }
        }
        Ref::Data(t, _, _) if t == REGISTRY => scope = "registry",
        Ref::Data(..) | Ref::Other => scope = "other",
        Ref::Outside => {}
    }
    if let Some(v) = scope_value {
        let lower = v.to_ascii_lowercase();
        if scope == "unresolved" {
            scope = if lower
                .trim_end_matches('/')
                .rsplit_once('/')
                .is_some_and(|(head, name)| {
                    !name.is_empty()
                        && head.ends_with("/providers/microsoft.containerregistry/registries")
                }) {
                "registry"
            } else {
                "other"
            };
        }
        if registry.is_none() && scope == "registry" {
            registry = idx.by_value(Some(v), &[REGISTRY]);
        }
        // AKS027: a scope equal to a cluster id or a path prefix of it.
        if scope_cluster.is_none() {
            let want = lower.trim_end_matches('/');
            out.cluster_roles
                .extend(cluster_prefixes.get(want).into_iter().flatten());
        }
    } else if scope == "unresolved" {
        out.unresolved_scope = true;
    }
    if let Some(ci) = scope_cluster {
        out.cluster_roles.push(ci);
    }
    // The role: `role_definition_name`; else a role definition id the
    // plan knows (AcrPull's by its GUID); else a reference to one
    // `data.azurerm_role_definition` (not a choice of two), whose constant `name` it is
    // (BASELINE-2026-12, AKS028: the stand-in provider's id value is no
    // role definition id); else the id's value as it is.
    let id_value = str_value(&r.values, "role_definition_id");
    let role_id = |id: &str| {
        if id.to_ascii_lowercase().ends_with(ACR_PULL_ID) {
            "AcrPull".to_string()
        } else {
            id.to_string()
        }
    };
    let data_name = || {
        ["role_definition_id", "role_definition_name"]
            .iter()
            .filter(|k| role_definitions_referenced(expr(k)) <= 1)
            .find_map(|k| match idx.resolve(r, k, expr(k), &|_| false) {
                Ref::Data(t, m, n) if t == ROLE_DEFINITION => defs.get(&(m, n)).cloned(),
                _ => None,
            })
    };
    let role = str_value(&r.values, "role_definition_name")
        .map(str::to_string)
        .or_else(|| id_value.filter(|id| is_role_definition_id(id)).map(role_id))
        .or_else(data_name)
        .or_else(|| id_value.map(role_id));
    if kubelet.is_none() {
        return out;
    }
    out.role = Some(RoleJoin {
        kubelet_cluster: kubelet.map(|i| idx.r(i).address.clone()),
        scope,
        registry: registry.map(|i| idx.r(i).address.clone()),
        role,
    });
    out
}

/// A role definition id (`.../providers/Microsoft.Authorization/roleDefinitions/GUID`).
pub(super) fn is_role_definition_id(id: &str) -> bool {
    id.to_ascii_lowercase()
        .contains("/providers/microsoft.authorization/roledefinitions/")
}

/// How many `data.azurerm_role_definition`s an expression references (a
/// conditional may name two: then neither is the role).
pub(super) fn role_definitions_referenced(expr: Option<&serde_json::Value>) -> usize {
    let mut names: Vec<&str> = expr
        .and_then(|e| e.get("references"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .filter_map(|r| r.strip_prefix("data.azurerm_role_definition."))
        .map(|rest| rest.split(['.', '[']).next().unwrap_or(rest))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}
