# METADATA
# title: collides
# description: test policy
# custom:
#   id: X001
#   name: private-cluster
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: test
#   remediation: test
package akslint.rules.X001

import rego.v1

deny contains f if { false; f := {} }
