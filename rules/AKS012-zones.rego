# METADATA
# title: AKS node pool is not spread across the required availability zones
# description: |
#   The node pool's `zones` do not cover every required availability zone
#   (by default zones 1, 2 and 3), so a single zone outage can take down all
#   of its nodes.
# custom:
#   id: AKS012
#   name: zones
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["psrule:Azure.AKS.AvailabilityZone"]
#   why: |
#     Availability zones are physically separate datacenters in a region. A
#     pool spread across all of them keeps serving when one zone fails, and the
#     zones of a pool can only be chosen when the pool is created.
#   remediation: Set `zones = ["1", "2", "3"]` on every node pool, including `default_node_pool`.
#   params:
#     required_zones: ["1", "2", "3"]
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         zones                 = ["1"]
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         zones                 = ["1", "2", "3"]
#       }
package akslint.rules.AKS012

import rego.v1

import data.akslint.lib

# Zones compare as strings: values and params may hold numbers.
zone(z) := z if is_string(z)

zone(z) := format_int(z, 10) if is_number(z)

required := {zone(z) | some z in data.akslint.params.AKS012.required_zones}

required_text := concat(", ", [sprintf("%q", [z]) | some z in sort(required)])

zones(p) := {zone(z) | some z in lib.raw(p, ["zones"])} if is_array(lib.raw(p, ["zones"]))

else := set()

missing(p) := required - zones(p)

# An element of the list is known only after apply.
element_unknown(p) if {
	zs := lib.raw(p, ["zones"])
	is_array(zs)
	some i, _ in zs
	lib.unknown(p, ["zones", i])
}

describe(p) := "is not spread across availability zones" if {
	count(zones(p)) == 0
} else := sprintf("runs in zones %s only", [concat(", ", [sprintf("%q", [z]) | some z in sort(zones(p))])])

deny contains f if {
	some p in lib.pools
	count(missing(p)) > 0
	f := verdict(p)
}

verdict(p) := lib.unknown_finding(p, ["zones"], sprintf("The node pool's `zones` are known only after apply: they must include %s.", [required_text])) if {
	lib.unknown(p, ["zones"])
} else := lib.unknown_finding(p, ["zones"], sprintf("Some of the node pool's `zones` are known only after apply: they must include %s.", [required_text])) if {
	element_unknown(p)
} else := lib.finding(p, ["zones"], sprintf("The node pool %s: set `zones = [%s]`.", [describe(p), required_text]))
