# METADATA
# title: AKS image cleaner is off or runs too rarely
# description: |
#   `image_cleaner_enabled` is not `true`, or `image_cleaner_interval_hours` is
#   unset or outside 24 to the maximum (default 168 hours, a week). Unused,
#   possibly vulnerable images then stay on the nodes.
# custom:
#   id: AKS039
#   name: image-cleaner
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["az:af3c26b2"]
#   why: |
#     Images pulled for jobs, old releases and rolled-back deployments stay in
#     the node's cache. Vulnerability scanners keep reporting them, and a pod
#     that references an old tag can start with a vulnerable image without a
#     pull. Image Cleaner (Eraser) removes unused images with known
#     vulnerabilities on a schedule. The interval has no default in the
#     provider schema (an unset interval is sent as 0), and the provider
#     accepts 24 to 2160 hours, hence the lower bound. Azure Policy af3c26b2
#     asks for Image Cleaner.
#   remediation: Set `image_cleaner_enabled = true` and `image_cleaner_interval_hours` between 24 and 168.
#   params:
#     max_interval_hours: 168
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                         = "aks-prod"
#         image_cleaner_enabled        = true
#         image_cleaner_interval_hours = 48
#       }
package akslint.rules.AKS039

import rego.v1

import data.akslint.lib

max_hours := data.akslint.params.AKS039.max_interval_hours

enabled_path := ["image_cleaner_enabled"]

interval_path := ["image_cleaner_interval_hours"]

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, enabled_path)
	a.value != true
	f := lib.result(c, a, enabled_msg(a))
}

enabled_msg(a) := sprintf("`image_cleaner_enabled` is known only after apply: it must be `true`, with `image_cleaner_interval_hours` between 24 and %v.", [max_hours]) if {
	a.unknown
} else := sprintf("Image Cleaner is off: set `image_cleaner_enabled = true` and `image_cleaner_interval_hours` between 24 and %v.", [max_hours])

# The interval is checked unless the cleaner is known to be off (one finding
# for that is enough).
maybe_on(c) if lib.unknown(c, enabled_path)

maybe_on(c) if lib.is_true(c, enabled_path)

in_range(v) if {
	is_number(v)
	v >= 24
	v <= max_hours
}

deny contains f if {
	some c in lib.clusters
	maybe_on(c)
	a := lib.attr1(c, interval_path)
	not a.unknown
	not in_range(a.value)
	f := lib.result(c, a, interval_msg(a.value))
}

interval_msg(v) := sprintf("`image_cleaner_interval_hours` is %v: set it between 24 and %v.", [v, max_hours]) if {
	is_number(v)
} else := sprintf("`image_cleaner_interval_hours` is not set (the provider sends 0): set it between 24 and %v.", [max_hours]) if {
	v == null
} else := sprintf("`image_cleaner_interval_hours` is not a number: set it between 24 and %v.", [max_hours])

deny contains f if {
	some c in lib.clusters
	maybe_on(c)
	lib.unknown(c, interval_path)
	f := lib.unknown_finding(c, interval_path, sprintf("`image_cleaner_interval_hours` is known only after apply: it must be between 24 and %v.", [max_hours]))
}
