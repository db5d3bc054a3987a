# METADATA
# title: slow
# description: test policy
# custom:
#   id: X004
#   name: slow-policy
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: test
#   remediation: test
package akslint.rules.X004

import rego.v1

deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	n := count([x | some x in numbers.range(1, 5000); some y in numbers.range(1, 5000); x * y % 7 == 0])
	f := {"msg": sprintf("%v", [n]), "resource": c.address, "attribute": []}
}
