# METADATA
# title: infinite recursion
# description: d
# custom:
#   id: BOMB001
#   name: rec-inf
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: w
#   remediation: r
#   examples:
#     bad: b
#     good: g
package akslint.rules.BOMB001

import rego.v1

f(n) := f(n + 1)

deny contains {"msg": "x", "resource": "r"} if f(1) > 0
