# METADATA
# title: an error whatever the input
# description: d
# custom:
#   id: BOMB003
#   name: load-error
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: w
#   remediation: r
#   examples:
#     bad: b
#     good: g
package akslint.rules.BOMB003

import rego.v1

deny contains {"msg": "x", "resource": "r"} if to_number("x") > 0
