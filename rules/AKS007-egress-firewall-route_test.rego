package akslint.rules.AKS007_test

import rego.v1

import data.akslint.rules.AKS007

cluster(outbound, unknown) := {"address": "azurerm_kubernetes_cluster.c", "type": "azurerm_kubernetes_cluster", "values": {"network_profile": [{"outbound_type": outbound}]}, "unknown": unknown}

default_pool := {"kind": "default", "cluster": "azurerm_kubernetes_cluster.c", "address": "azurerm_kubernetes_cluster.c", "prefix": ["default_node_pool", 0], "values": {"vnet_subnet_id": "x"}, "unknown": {}}

user_pool := {"kind": "resource", "cluster": "azurerm_kubernetes_cluster.c", "address": "azurerm_kubernetes_cluster_node_pool.u", "prefix": [], "values": {"vnet_subnet_id": "x"}, "unknown": {}}

fw := {"source": "azurerm_route.fw", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance", "unknown": false}

internet := {"source": "azurerm_route_table.rt", "address_prefix": "0.0.0.0/0", "next_hop_type": "Internet", "unknown": false}

subnet(table, routes) := {"address": "azurerm_subnet.aks", "name": "aks", "table": table, "route_table": "azurerm_route_table.rt", "routes": routes}

inp(c, egress) := {
	"by_type": {"azurerm_kubernetes_cluster": [c]},
	"pools": [default_pool, user_pool],
	"pools_by_cluster": {"azurerm_kubernetes_cluster.c": [default_pool, user_pool]},
	"joins": {"egress": egress},
}

both(e) := {"azurerm_kubernetes_cluster.c": e, "azurerm_kubernetes_cluster_node_pool.u": e}

joined(s) := {"subnet": "joined", "subnets": [s]}

test_firewall_route_passes if {
	count(AKS007.deny) == 0 with input as inp(cluster("userDefinedRouting", {}), both(joined(subnet("joined", [internet, fw]))))
}

test_not_udr_no_finding if {
	count(AKS007.deny) == 0 with input as inp(cluster("loadBalancer", {}), both(joined(subnet("none", []))))
}

test_internet_default_route_fails_on_both_pools if {
	fs := AKS007.deny with input as inp(cluster("userdefinedrouting", {}), both(joined(subnet("joined", [internet]))))
	{[f.status, f.resource, f.attribute] | some f in fs} == {
		["fail", "azurerm_kubernetes_cluster.c", ["default_node_pool", 0, "vnet_subnet_id"]],
		["fail", "azurerm_kubernetes_cluster_node_pool.u", ["vnet_subnet_id"]],
	}
}

test_no_table_fails if {
	fs := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": joined(subnet("none", []))})
	[f.status | some f in fs] == ["fail"]
}

test_subnet_or_table_outside_is_unknown if {
	fs := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {
		"azurerm_kubernetes_cluster.c": {"subnet": "outside", "subnets": []},
		"azurerm_kubernetes_cluster_node_pool.u": joined(subnet("outside", [])),
	})
	{f.status | some f in fs} == {"unknown"}
	count(fs) == 2
	{f.msg | some f in fs} == {
		"The cluster routes egress through user-defined routing; whether through the hub firewall cannot be told from this plan: its subnet is not in this plan or state. The node subnet's route table must send `0.0.0.0/0` to it (`next_hop_type = \"VirtualAppliance\"`).",
		"The cluster routes egress through user-defined routing; whether through the hub firewall cannot be told from this plan: its route table is not in this plan or state. The node subnet's route table must send `0.0.0.0/0` to it (`next_hop_type = \"VirtualAppliance\"`).",
	}
}

test_unresolved_subnet_is_unknown if {
	fs := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": {"subnet": "unresolved", "subnets": []}})
	[f.status | some f in fs] == ["unknown"]
	some f in fs
	contains(f.msg, "`dynamic` block")
}

test_unresolved_association_is_unknown if {
	fs := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": joined(subnet("unresolved", []))})
	[f.status | some f in fs] == ["unknown"]
}

test_unknown_outbound_turns_fail_into_unknown if {
	fs := AKS007.deny with input as inp(cluster(null, {"network_profile.0.outbound_type": true}), {"azurerm_kubernetes_cluster.c": joined(subnet("none", []))})
	[f.status | some f in fs] == ["unknown"]
	[f.msg | some f in fs] == ["`outbound_type` is known only after apply, and its subnet has no route table: with `userDefinedRouting`, the node subnet's route table must send `0.0.0.0/0` to the hub firewall (`next_hop_type = \"VirtualAppliance\"`)."]
}

test_ambiguous_inline_subnets if {
	good := subnet("joined", [fw])
	bare := subnet("none", [])
	count(AKS007.deny) == 0 with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": {"subnet": "ambiguous", "subnets": [good, good]}})
	fs := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": {"subnet": "ambiguous", "subnets": [bare, bare]}})
	[f.status | some f in fs] == ["fail"]
	us := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": {"subnet": "ambiguous", "subnets": [good, bare]}})
	[f.status | some f in fs] == ["fail"]
	[f.status | some f in us] == ["unknown"]
}

test_unknown_route_is_unknown if {
	r := {"source": "azurerm_route.x", "address_prefix": null, "next_hop_type": null, "unknown": true}
	fs := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": joined(subnet("joined", [r]))})
	[f.status | some f in fs] == ["unknown"]
	[f.msg | some f in fs] == ["The cluster routes egress through user-defined routing; whether through the hub firewall cannot be told from this plan: a route of the route table azurerm_route_table.rt is known only after apply. The node subnet's route table must send `0.0.0.0/0` to it (`next_hop_type = \"VirtualAppliance\"`)."]
	# A firewall route beside it passes; an internet route beside it stays unknown.
	count(AKS007.deny) == 0 with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": joined(subnet("joined", [r, fw]))})
	us := AKS007.deny with input as inp(cluster("userDefinedRouting", {}), {"azurerm_kubernetes_cluster.c": joined(subnet("joined", [internet, r]))})
	[f.status | some f in us] == ["unknown"]
}
