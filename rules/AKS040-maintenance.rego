# METADATA
# title: AKS upgrades and node image updates can start at any time
# description: |
#   The cluster lacks a planned maintenance window for cluster upgrades
#   (`maintenance_window_auto_upgrade`, or the legacy `maintenance_window`)
#   or for node OS updates (`maintenance_window_node_os`). Automatic upgrades
#   and node image rollouts then drain and reboot nodes whenever Azure
#   schedules them, including business hours.
# custom:
#   id: AKS040
#   name: maintenance
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["psrule:Azure.AKS.MaintenanceWindow"]
#   why: |
#     Upgrades cordon, drain and replace nodes. A maintenance window confines
#     that disruption to a time the team chooses and watches, so surprises
#     (evicted pods without disruption budgets, API deprecations) happen when
#     someone can react.
#   remediation: Add a `maintenance_window_auto_upgrade` block (or `maintenance_window`) and a `maintenance_window_node_os` block with the frequency, duration and start time of your maintenance slot.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                      = "aks-prod"
#         automatic_upgrade_channel = "patch"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                      = "aks-prod"
#         automatic_upgrade_channel = "patch"
#
#         maintenance_window_auto_upgrade {
#           frequency   = "Weekly"
#           interval    = 1
#           duration    = 4
#           day_of_week = "Sunday"
#           start_time  = "02:00"
#           utc_offset  = "+01:00"
#         }
#
#         maintenance_window_node_os {
#           frequency   = "Weekly"
#           interval    = 1
#           duration    = 4
#           day_of_week = "Saturday"
#           start_time  = "02:00"
#           utc_offset  = "+01:00"
#         }
#       }
package akslint.rules.AKS040

import rego.v1

import data.akslint.lib

# A window is a block: set when present, or known only after apply.
deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, ["maintenance_window_auto_upgrade"])
	lib.is_unset(c, ["maintenance_window"])
	f := lib.finding(c, ["maintenance_window_auto_upgrade"], "Cluster upgrades can start at any time: add a `maintenance_window_auto_upgrade` block (or the legacy `maintenance_window`) with your maintenance slot.")
}

deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, ["maintenance_window_node_os"])
	f := lib.finding(c, ["maintenance_window_node_os"], "Node OS image updates can start at any time: add a `maintenance_window_node_os` block with your maintenance slot.")
}
