# METADATA
# title: Node subnet does not route egress to the hub firewall
# description: |
#   The cluster sends egress through user-defined routing
#   (`outbound_type = "userDefinedRouting"`), but the subnet of a node pool has
#   no route table with a default route (`0.0.0.0/0`) to a virtual appliance
#   (the hub firewall).
# custom:
#   id: AKS007
#   name: egress-firewall-route
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool, "akslint:joins"]
#   related: []
#   why: |
#     With `userDefinedRouting`, AKS creates no outbound path of its own: the
#     node subnet's route table decides where traffic to the internet goes. If
#     the table is missing or its default route goes to `Internet`, nodes either
#     cannot reach anything (a broken cluster) or bypass the hub firewall and
#     its egress allow-list.
#   remediation: Associate the node subnet with a route table (`azurerm_subnet_route_table_association`) whose route `0.0.0.0/0` has `next_hop_type = "VirtualAppliance"` and `next_hop_in_ip_address` = the hub firewall's private IP.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_route" "default" {
#         name                = "default"
#         resource_group_name = azurerm_resource_group.this.name
#         route_table_name    = azurerm_route_table.aks.name
#         address_prefix      = "0.0.0.0/0"
#         next_hop_type       = "Internet"
#       }
#     good: |
#       resource "azurerm_route" "default" {
#         name                   = "default"
#         resource_group_name    = azurerm_resource_group.this.name
#         route_table_name       = azurerm_route_table.aks.name
#         address_prefix         = "0.0.0.0/0"
#         next_hop_type          = "VirtualAppliance"
#         next_hop_in_ip_address = "10.0.1.4"
#       }
#
#       resource "azurerm_subnet_route_table_association" "aks" {
#         subnet_id      = azurerm_subnet.aks.id
#         route_table_id = azurerm_route_table.aks.id
#       }
package akslint.rules.AKS007

import rego.v1

import data.akslint.joins
import data.akslint.lib

outbound := ["network_profile", 0, "outbound_type"]

udr(c) if lib.eq_ci(lib.raw(c, outbound), "userDefinedRouting")

outbound_unknown(c) if lib.unknown(c, outbound)

firewall_route(r) if {
	not r.unknown
	r.address_prefix == "0.0.0.0/0"
	lib.eq_ci(r.next_hop_type, "VirtualAppliance")
}

has_firewall_route(s) if {
	some r in s.routes
	firewall_route(r)
}

has_unknown_route(s) if {
	some r in s.routes
	r.unknown
}

# (Iterations stay in helper rules: the RVM compiler does not fall through
# an `else` whose condition iterates over nothing.)
all_pass(e) if {
	every s in e.subnets {
		subnet_status(s) == "pass"
	}
}

none_has_table(e) if {
	every s in e.subnets {
		s.table == "none"
	}
}

# The verdict of one subnet: pass, fail or unknown.
subnet_status(s) := "pass" if {
	s.table == "joined"
	has_firewall_route(s)
} else := "unknown" if {
	s.table == "joined"
	has_unknown_route(s)
} else := "fail" if {
	s.table in {"joined", "none"}
} else := "unknown"

# The verdict of a pool and what it says.
pool_status(e) := ["unknown", "its subnet is not in this plan or state"] if {
	e.subnet == "outside"
} else := ["unknown", "its subnet is set in a `dynamic` block (which the plan's configuration does not show) and known only after apply"] if {
	e.subnet == "unresolved"
} else := [st, why] if {
	e.subnet == "joined"
	s := e.subnets[0]
	st := subnet_status(s)
	why := subnet_why(s)
} else := ["pass", ""] if {
	all_pass(e)
} else := ["fail", "none of the network's subnets has a route table"] if {
	none_has_table(e)
} else := ["unknown", "the plan cannot single out its subnet among the network's inline subnets, whose routes differ"]

subnet_why(s) := "its subnet has no route table" if {
	s.table == "none"
} else := sprintf("a route of the route table %s is known only after apply", [s.route_table]) if {
	s.table == "joined"
	not has_firewall_route(s)
	has_unknown_route(s)
} else := sprintf("the route table %s has no default route `0.0.0.0/0` to a `VirtualAppliance`", [s.route_table]) if {
	s.table == "joined"
} else := "its route table is not in this plan or state" if {
	s.table == "outside"
} else := "its route table cannot be resolved from this plan"

deny contains f if {
	some c in lib.clusters
	cluster_applies(c)
	some p in lib.cluster_pools(c)
	e := joins.egress(p)
	e != null
	[st, why] := pool_status(e)
	st != "pass"
	f := verdict(c, p, st, why)
}

cluster_applies(c) if udr(c)

cluster_applies(c) if outbound_unknown(c)

msg(why) := sprintf("The cluster routes egress through user-defined routing, but %s: associate the node subnet with a route table whose `0.0.0.0/0` route goes to the hub firewall (`next_hop_type = \"VirtualAppliance\"`).", [why])

# An unknown verdict says what the plan cannot tell, not a failure.
outbound_unknown_msg(why) := sprintf("`outbound_type` is known only after apply, and %s: with `userDefinedRouting`, the node subnet's route table must send `0.0.0.0/0` to the hub firewall (`next_hop_type = \"VirtualAppliance\"`).", [why])

unknown_msg(why) := sprintf("The cluster routes egress through user-defined routing; whether through the hub firewall cannot be told from this plan: %s. The node subnet's route table must send `0.0.0.0/0` to it (`next_hop_type = \"VirtualAppliance\"`).", [why])

verdict(c, p, st, why) := lib.unknown_finding(p, ["vnet_subnet_id"], outbound_unknown_msg(why)) if {
	outbound_unknown(c)
} else := lib.unknown_finding(p, ["vnet_subnet_id"], unknown_msg(why)) if {
	st == "unknown"
} else := lib.finding(p, ["vnet_subnet_id"], msg(why))
