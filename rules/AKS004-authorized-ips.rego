# METADATA
# title: AKS public API server accepts connections from any IP address
# description: |
#   The cluster is not private and its API server has no authorized IP
#   ranges, so the Kubernetes API endpoint accepts connections from the whole
#   internet.
#   AKS Automatic: no `private_cluster` block and no
#   `api_server_access[0].authorized_ip_ranges`.
# custom:
#   id: AKS004
#   name: authorized-ips
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: ["ck:CKV_AZURE_6", "tv:AZU-0041"]
#   why: |
#     A public API server without authorized IP ranges can be reached by anyone
#     for credential stuffing, token replay and exploits of API server
#     vulnerabilities. Restricting it to the ranges of your build agents, VPN and
#     egress firewall shrinks that surface when a private cluster is not an option.
#   remediation: Set `private_cluster_enabled = true`, or set `api_server_access_profile { authorized_ip_ranges = [...] }` (3.x `api_server_authorized_ip_ranges`) to your trusted CIDRs.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = false
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = false
#         api_server_access_profile {
#           authorized_ip_ranges = ["203.0.113.0/24"]
#         }
#       }
package akslint.rules.AKS004

import rego.v1

import data.akslint.automatic
import data.akslint.lib

# 4.x name first, then 3.x.
ranges_paths := [["api_server_access_profile", 0, "authorized_ip_ranges"], ["api_server_authorized_ip_ranges"]]

private_path := ["private_cluster_enabled"]

fix := "set `private_cluster_enabled = true`, or `api_server_access_profile.authorized_ip_ranges` (3.x `api_server_authorized_ip_ranges`) to your trusted CIDRs"

# Known non-empty ranges, under either name (a: the ranges, read by lib.attr).
has_ranges(a) if {
	not a.unknown
	not lib.empty(a.value)
}

deny contains f if {
	some c in lib.clusters
	not lib.is_true(c, private_path)
	a := lib.attr(c, ranges_paths)
	not has_ranges(a)
	f := verdict(c, a)
}

verdict(c, a) := lib.unknown_finding(c, a.path, concat("", ["The API server's authorized IP ranges are known only after apply: unless the cluster is private they must not be empty; ", fix, "."])) if {
	a.unknown
} else := lib.unknown_finding(c, private_path, concat("", ["`private_cluster_enabled` is known only after apply and the API server has no authorized IP ranges: ", fix, "."])) if {
	lib.unknown(c, private_path)
} else := lib.finding(c, a.path, concat("", ["The public API server accepts connections from any IP address: ", fix, "."]))

# AKS Automatic: private when the `private_cluster` block is present; ranges
# in `api_server_access[0].authorized_ip_ranges`.
auto_ranges_path := ["api_server_access", 0, "authorized_ip_ranges"]

auto_fix := "add a `private_cluster {}` block, or set `api_server_access { authorized_ip_ranges = [...] }` to your trusted CIDRs"

deny contains f if {
	some c in automatic.automatic_clusters
	p := lib.attr1(c, ["private_cluster"])
	p.value == null
	r := lib.attr1(c, auto_ranges_path)
	r.value == null
	f := automatic_verdict(c, p, r)
}

automatic_verdict(c, p, r) := lib.unknown_finding(c, r.path, concat("", ["The API server's authorized IP ranges are known only after apply: unless the cluster is private they must not be empty; ", auto_fix, "."])) if {
	r.unknown
} else := lib.unknown_finding(c, p.path, concat("", ["The `private_cluster` block is known only after apply and the API server has no authorized IP ranges: ", auto_fix, "."])) if {
	p.unknown
} else := lib.finding(c, r.path, concat("", ["The public API server accepts connections from any IP address: ", auto_fix, "."]))
