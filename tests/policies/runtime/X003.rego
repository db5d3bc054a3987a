# METADATA
# title: runtime
# description: test policy
# custom:
#   id: X003
#   name: runtime-error
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: test
#   remediation: test
package akslint.rules.X003

import rego.v1

deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	n := to_number("not a number")
	f := {"msg": sprintf("%v", [n]), "resource": c.address, "attribute": []}
}
