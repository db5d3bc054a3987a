# METADATA
# title: AKS spot node pool deallocates evicted nodes or caps the spot price
# description: |
#   A spot node pool uses `eviction_policy = "Deallocate"`, or a
#   `spot_max_price` other than the configured maximum price (default -1:
#   pay up to the on-demand price, never evicted for price).
# custom:
#   id: AKS016
#   name: spot-eviction
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: []
#   why: |
#     Deallocated spot nodes keep their disks and count against the regional
#     vCPU quota, which blocks the pool from scaling back up; `Delete` frees
#     both. A price cap below the on-demand price adds evictions whenever the
#     spot price rises, on top of capacity evictions.
#   remediation: Set `eviction_policy = "Delete"` (or leave it unset) and `spot_max_price = -1` (or leave it unset), or the price configured as `max_price`.
#   params:
#     max_price: -1
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "spot" {
#         name                  = "spot"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         priority              = "Spot"
#         eviction_policy       = "Deallocate"
#         spot_max_price        = 0.05
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "spot" {
#         name                  = "spot"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         priority              = "Spot"
#         eviction_policy       = "Delete"
#         spot_max_price        = -1
#       }
package akslint.rules.AKS016

import rego.v1

import data.akslint.lib

max_price := data.akslint.params.AKS016.max_price

# Spot pools, and pools whose priority is known only after apply.
applies(p) if lib.is_spot_pool(p)

applies(p) if lib.priority_unknown(p)

verdict(p, a, msg, unknown_msg) := lib.unknown_finding(p, a.path, concat("", [msg, " (the pool's priority is known only after apply)"])) if {
	not a.unknown
	lib.priority_unknown(p)
} else := lib.unknown_finding(p, a.path, unknown_msg) if {
	a.unknown
} else := lib.finding(p, a.path, msg)

# eviction_policy: unset means Delete, the provider default.
eviction_ok(a) if {
	not a.unknown
	lib.empty(a.value)
}

eviction_ok(a) if lib.eq_ci(a.value, "Delete")

deny contains f if {
	some p in lib.pools
	applies(p)
	a := lib.attr1(p, ["eviction_policy"])
	not eviction_ok(a)
	f := verdict(p, a, "Evicted spot nodes are deallocated and keep holding quota and disks: set `eviction_policy = \"Delete\"`.", "`eviction_policy` is known only after apply: it must be \"Delete\" (or unset), or evicted spot nodes keep holding quota and disks.")
}

# spot_max_price: unset means -1, the provider default.
price(a) := -1 if lib.empty(a.value)

else := a.value

price_ok(a) if {
	not a.unknown
	price(a) == max_price
}

deny contains f if {
	some p in lib.pools
	applies(p)
	a := lib.attr1(p, ["spot_max_price"])
	not price_ok(a)
	f := verdict(p, a, sprintf("The spot pool's maximum price differs from the required %v: set `spot_max_price = %v`.", [max_price, max_price]), sprintf("`spot_max_price` is known only after apply: it must be %v.", [max_price]))
}
