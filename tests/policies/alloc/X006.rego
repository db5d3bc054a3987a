# METADATA
# title: alloc
# description: test policy
# custom:
#   id: X006
#   name: absurd-allocation
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: test
#   remediation: test
package akslint.rules.X006

import rego.v1
deny contains f if {
	some c in input.by_type.azurerm_kubernetes_cluster
	n := count(numbers.range(1, 2000000000))
	f := {"msg": sprintf("%v", [n]), "resource": c.address, "attribute": []}
}
