# METADATA
# title: AKS cluster or node OS is not upgraded automatically
# description: |
#   The cluster has no automatic upgrade channel (`automatic_upgrade_channel`,
#   3.x `automatic_channel_upgrade`, unset or `none`), or its node OS upgrade
#   channel (`node_os_upgrade_channel`, 3.x `node_os_channel_upgrade`) is not
#   `NodeImage` or `SecurityPatch`. Kubernetes patches and node security
#   updates then depend on someone remembering to apply them.
# custom:
#   id: AKS041
#   name: upgrade-channel
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_171"]
#   why: |
#     Clusters that are upgraded by hand fall behind: they miss Kubernetes
#     and node OS security fixes and eventually run a version that is out of
#     support. Auto-upgrade channels apply patches continuously, inside the
#     maintenance windows (see AKS040).
#   remediation: Set `automatic_upgrade_channel` (3.x `automatic_channel_upgrade`) to `patch` or `stable`, and `node_os_upgrade_channel` (3.x `node_os_channel_upgrade`) to `NodeImage` or `SecurityPatch`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                      = "aks-prod"
#         automatic_upgrade_channel = "none"
#         node_os_upgrade_channel   = "Unmanaged"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                      = "aks-prod"
#         automatic_upgrade_channel = "patch"
#         node_os_upgrade_channel   = "NodeImage"
#       }
package akslint.rules.AKS041

import rego.v1

import data.akslint.lib

upgrade_paths := [["automatic_upgrade_channel"], ["automatic_channel_upgrade"]]

node_os_paths := [["node_os_upgrade_channel"], ["node_os_channel_upgrade"]]

node_os_allowed := {"NodeImage", "SecurityPatch"}

# lib.attr, except that an unset attribute is reported under the name the
# resource actually carries (a 3.x plan has `automatic_channel_upgrade: null`
# and no 4.x key), so a 3.x user is pointed at a 3.x name.
renamed(obj, paths) := renamed_from(obj, paths, lib.attr(obj, paths))

renamed_from(obj, paths, a) := a if {
	a.unknown
} else := a if {
	not lib.empty(a.value)
} else := {"path": p, "unknown": false, "value": lib.raw(obj, p)} if {
	present := [q | some q in paths; object.get(obj.values, q, "<absent>") != "<absent>"]
	# Checked first: regorus' compiled VM does not fail a body on
	# `p := present[0]` when p is used only in the head (tests/engines.rs).
	count(present) > 0
	p := present[0]
} else := a

name(a) := a.path[count(a.path) - 1]

upgrade_ok(a) if {
	not a.unknown
	not lib.empty(a.value)
	not lib.eq_ci(a.value, "none")
}

node_os_ok(a) if {
	not a.unknown
	lib.in_ci(a.value, node_os_allowed)
}

deny contains f if {
	some c in lib.clusters
	a := renamed(c, upgrade_paths)
	not upgrade_ok(a)
	f := lib.result(c, a, upgrade_msg(a))
}

deny contains f if {
	some c in lib.clusters
	a := renamed(c, node_os_paths)
	not node_os_ok(a)
	f := lib.result(c, a, node_os_msg(a))
}

upgrade_msg(a) := sprintf("`%s` is known only after apply: it must name a channel other than \"none\" (\"patch\" or \"stable\").", [name(a)]) if {
	a.unknown
} else := sprintf("The cluster is not upgraded automatically: set `%s` to \"patch\" or \"stable\".", [name(a)])

node_os_msg(a) := sprintf("`%s` is known only after apply: it must be \"NodeImage\" or \"SecurityPatch\", for node OS security updates to be applied automatically.", [name(a)]) if {
	a.unknown
} else := sprintf("Node OS security updates are not applied automatically: set `%s` to \"NodeImage\" or \"SecurityPatch\".", [name(a)])
