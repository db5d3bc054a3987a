package akslint.automatic_test

import rego.v1

import data.akslint.automatic

cluster(addr, values, unknown) := {
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}

auto(addr) := {
	"address": addr,
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": {},
	"unknown": {},
}

inp := {"by_type": {
	"azurerm_kubernetes_cluster": [
		cluster("azurerm_kubernetes_cluster.auto", {"node_provisioning_profile": [{"mode": "auto"}]}, {}),
		cluster("azurerm_kubernetes_cluster.dyn", {"node_provisioning_profile": [{}]}, {"node_provisioning_profile.0.mode": true}),
		cluster("azurerm_kubernetes_cluster.manual", {"node_provisioning_profile": [{"mode": "Manual"}]}, {}),
		cluster("azurerm_kubernetes_cluster.none", {}, {}),
	],
	"azurerm_kubernetes_automatic_cluster": [auto("azurerm_kubernetes_automatic_cluster.a")],
}}

pool(c) := {"kind": "resource", "cluster": c, "address": "azurerm_kubernetes_cluster_node_pool.p", "values": {}, "unknown": {}}

test_all_clusters if {
	count(automatic.all_clusters) == 5 with input as inp
	count(automatic.automatic_clusters) == 1 with input as inp
}

test_node_auto_provisioning if {
	automatic.nap_auto(pool("azurerm_kubernetes_cluster.auto")) with input as inp
	not automatic.nap_auto(pool("azurerm_kubernetes_cluster.dyn")) with input as inp
	not automatic.nap_auto(pool("azurerm_kubernetes_cluster.manual")) with input as inp
	not automatic.nap_auto(pool("azurerm_kubernetes_cluster.none")) with input as inp
	not automatic.nap_auto(pool(null)) with input as inp
	automatic.nap_unknown(pool("azurerm_kubernetes_cluster.dyn")) with input as inp
	not automatic.nap_unknown(pool("azurerm_kubernetes_cluster.auto")) with input as inp
}
