# METADATA
# title: AKS cluster egress does not go through the hub firewall
# description: |
#   `network_profile.outbound_type` is not one of the allowed outbound types
#   (by default only `userDefinedRouting`): the nodes reach the internet
#   directly through a public load balancer or NAT gateway instead of through
#   the hub's egress firewall.
# custom:
#   id: AKS005
#   name: egress
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: |
#     With `userDefinedRouting` the cluster creates no public outbound IP: the
#     spoke subnet's route table sends egress to the hub firewall, where it is
#     filtered and logged. Direct egress lets a compromised pod exfiltrate data
#     or reach command-and-control servers unseen.
#   remediation: Set `network_profile.outbound_type = "userDefinedRouting"` and route the node subnet's `0.0.0.0/0` to the hub firewall.
#   params:
#     allowed_outbound_types: [userDefinedRouting]
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         network_profile {
#           network_plugin = "azure"
#           outbound_type  = "loadBalancer"
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         network_profile {
#           network_plugin = "azure"
#           outbound_type  = "userDefinedRouting"
#         }
#       }
package akslint.rules.AKS005

import rego.v1

import data.akslint.lib

allowed := data.akslint.params.AKS005.allowed_outbound_types

path := ["network_profile", 0, "outbound_type"]

allowed_text := concat(", ", [sprintf("%v", [x]) | some x in allowed])

# "to userDefinedRouting", or "to one of a, b" when several are allowed.
allowed_choice := sprintf("to %s", [allowed_text]) if count(allowed) == 1

else := sprintf("to one of %s", [allowed_text])

# The outbound type, by name, for the message (an enum value, never a secret).
describe(v) := sprintf("is %v", [v]) if {
	is_string(v)
	v != ""
} else := "is not set (loadBalancer by default)"

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, path)
	not lib.in_ci(a.value, allowed)
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := sprintf("`network_profile.outbound_type` is known only after apply: set it %s.", [allowed_choice]) if {
	a.unknown
} else := sprintf("The outbound type %s, so egress bypasses the hub firewall: set `network_profile.outbound_type` %s.", [describe(a.value), allowed_choice])
