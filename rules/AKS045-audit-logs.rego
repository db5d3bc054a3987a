# METADATA
# title: AKS audit logs are not collected
# description: |
#   No `azurerm_monitor_diagnostic_setting` targets the cluster with the
#   Kubernetes audit logs (category `kube-audit-admin` or `kube-audit`, or
#   category group `audit` or `allLogs`).
# custom:
#   id: AKS045
#   name: audit-logs
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster, "akslint:joins"]
#   related: ["psrule:Azure.AKS.AuditLogs", "psrule:Azure.AKS.AuditAdmin", "psrule:Azure.AKS.PlatformLogs", "kics:aks_without_audit_logs", "az:245fc9df", "az:6c66c325", "cis:2.1.1"]
#   why: |
#     The API server's audit log is the only record of who read secrets,
#     created pods or changed role bindings. AKS keeps it only when a
#     diagnostic setting sends it to a workspace, storage account or event
#     hub; without one, an incident cannot be investigated.
#   remediation: Add an `azurerm_monitor_diagnostic_setting` with `target_resource_id = azurerm_kubernetes_cluster.<name>.id` and `enabled_log { category = "kube-audit-admin" }` (or `category_group = "audit"`).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_monitor_diagnostic_setting" "aks" {
#         name                       = "aks"
#         target_resource_id         = azurerm_kubernetes_cluster.this.id
#         log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
#         enabled_log {
#           category = "kube-apiserver"
#         }
#       }
#     good: |
#       resource "azurerm_monitor_diagnostic_setting" "aks" {
#         name                       = "aks"
#         target_resource_id         = azurerm_kubernetes_cluster.this.id
#         log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
#         enabled_log {
#           category = "kube-audit-admin"
#         }
#       }
package akslint.rules.AKS045

import rego.v1

import data.akslint.joins
import data.akslint.lib

audit_categories := ["kube-audit-admin", "kube-audit"]

audit_groups := ["audit", "allLogs"]

# (A block that is not an object, such as null, enables nothing.)
audit_entry(e) if {
	is_object(e)
	lib.in_ci(object.get(e, "category", null), audit_categories)
}

audit_entry(e) if {
	is_object(e)
	lib.in_ci(object.get(e, "category_group", null), audit_groups)
}

# The blocks under a key of the setting's values: none when unset (null).
blocks(s, key) := v if {
	v := object.get(s.values, key, [])
	is_array(v)
} else := []

# The setting enables an audit category or group (3.x `log` blocks count
# unless `enabled = false`).
qualifies(s) if {
	some e in blocks(s, "enabled_log")
	audit_entry(e)
}

qualifies(s) if {
	some i, e in blocks(s, "log")
	log_enabled(s, i, e)
	audit_entry(e)
}

# A 3.x `log` entry that is known to be on: `enabled` not false (unset means
# true, the provider default) and not known only after apply.
log_enabled(s, i, e) if {
	is_object(e)
	object.get(e, "enabled", true) != false
	not lib.unknown(s, ["log", i, "enabled"])
}

# A 3.x `log` entry that may be on: known to be, or `enabled` (or the whole
# entry) is known only after apply.
log_may_be_enabled(s, i, e) if log_enabled(s, i, e)

log_may_be_enabled(s, i, _) if lib.unknown(s, ["log", i, "enabled"])

# The logs are known only after apply: the setting may qualify.
may_qualify(s) if qualifies(s)

may_qualify(s) if lib.unknown(s, ["enabled_log"])

may_qualify(s) if lib.unknown(s, ["log"])

may_qualify(s) if {
	some i, e in blocks(s, "enabled_log")
	some k in ["category", "category_group"]
	lib.unknown(s, ["enabled_log", i, k])
}

# A 3.x `log` entry whose category (or group) is known only after apply and
# that is not known to be off.
may_qualify(s) if {
	some i, e in blocks(s, "log")
	log_may_be_enabled(s, i, e)
	some k in ["category", "category_group"]
	lib.unknown(s, ["log", i, k])
}

# A 3.x `log` entry of an audit category whose `enabled` is known only
# after apply.
may_qualify(s) if {
	some i, e in blocks(s, "log")
	lib.unknown(s, ["log", i, "enabled"])
	audit_entry(e)
}

unresolved_may_qualify if {
	some s in joins.diagnostic_settings_unresolved
	may_qualify(s)
}

deny contains f if {
	some c in joins.clusters
	settings := joins.diagnostic_settings(c)
	not any_qualifies(settings)
	f := verdict(c, settings)
}

any_qualifies(settings) if {
	some s in settings
	qualifies(s)
}

any_may_qualify(settings) if {
	some s in settings
	may_qualify(s)
}

# (Iterations stay in helper rules: the RVM compiler does not fall through
# an `else` whose condition iterates over nothing.)
verdict(c, settings) := lib.unknown_finding(c, [], "The audit logs depend on a diagnostic setting whose logs are known only after apply: it must enable `kube-audit-admin` (or `kube-audit`, or the `audit`/`allLogs` group).") if {
	any_may_qualify(settings)
} else := lib.unknown_finding(c, [], "No diagnostic setting in this plan targets the cluster, and one whose target is known only after apply (or lives in another stack) may: it must enable `kube-audit-admin` for this cluster.") if {
	count(settings) == 0
	unresolved_may_qualify
} else := lib.finding(c, [], "No diagnostic setting sends the cluster's audit logs: add an `azurerm_monitor_diagnostic_setting` targeting the cluster with `enabled_log { category = \"kube-audit-admin\" }`.") if {
	count(settings) == 0
} else := lib.finding(c, [], "The diagnostic settings of the cluster do not enable its audit logs: add `enabled_log { category = \"kube-audit-admin\" }` (or `category_group = \"audit\"`).")
