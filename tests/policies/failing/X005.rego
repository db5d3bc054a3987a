# METADATA
# title: failing
# description: test policy
# custom:
#   id: X005
#   name: failing-test
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: test
#   remediation: test
package akslint.rules.X005

import rego.v1

# A lint run shows no `print` output.
deny contains f if {
	print("DENY-PRINT ::error::x ##vso[task.complete]")
	false
	f := {}
}
