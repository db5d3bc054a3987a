# METADATA
# title: recursion deep on the input
# description: d
# custom:
#   id: BOMB002
#   name: rec-input
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: w
#   remediation: r
#   examples:
#     bad: b
#     good: g
package akslint.rules.BOMB002

import rego.v1

g(n) := 0 if n <= 0
g(n) := g(n - 1) + 1 if n > 0

deny contains {"msg": "x", "resource": c.address} if {
 some c in input.resources
 g(count(c.address) * 300) > 0
}
