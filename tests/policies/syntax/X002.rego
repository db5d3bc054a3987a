# METADATA
# title: syntax
# description: test policy
# custom:
#   id: X002
#   name: syntax-error
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: test
#   remediation: test
package akslint.rules.X002

import rego.v1

deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	f := {"msg": "x", "resource": c.address, "attribute": []
}
