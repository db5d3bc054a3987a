# METADATA
# title: AKS API server authorized IP ranges are too wide
# description: |
#   An authorized IP range of the API server has a prefix shorter than the
#   minimum (default /16), is the whole internet (`0.0.0.0/0`, `::/0`), or
#   does not parse. Ranges under either name are read
#   (`api_server_access_profile[0].authorized_ip_ranges`, 3.x
#   `api_server_authorized_ip_ranges`, AKS Automatic
#   `api_server_access[0].authorized_ip_ranges`); an unset list is AKS004's
#   business. A bare address counts as /32 (/128).
# custom:
#   id: AKS009
#   name: authorized-ips-narrow
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: ["cis:5.4.1"]
#   why: |
#     Authorized IP ranges only protect the API server when they name the
#     networks that need it: build agents, VPN gateways, the hub firewall's
#     egress addresses. A /8 or a cloud provider's whole range lets in
#     thousands of tenants and attackers, and `0.0.0.0/0` switches the
#     protection off while looking configured (CIS AKS 5.4.1). Entries that do
#     not parse are rejected by the API or, worse, silently mean something else.
#     IPv6 ranges other than `::/0` are not compared with the minimum prefix.
#   remediation: List only the narrow CIDRs that need the API server (prefix /16 or longer, e.g. `203.0.113.0/24`), or make the cluster private.
#   params:
#     min_prefix: 16
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         api_server_access_profile {
#           authorized_ip_ranges = ["0.0.0.0/0"]
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         api_server_access_profile {
#           authorized_ip_ranges = ["203.0.113.0/24", "198.51.100.7"]
#         }
#       }
package akslint.rules.AKS009

import rego.v1

import data.akslint.lib
import data.akslint.automatic
import data.akslint.versions

min_prefix := data.akslint.params.AKS009.min_prefix

# 4.x name first, then 3.x.
ranges_paths := [["api_server_access_profile", 0, "authorized_ip_ranges"], ["api_server_authorized_ip_ranges"]]

auto_path := ["api_server_access", 0, "authorized_ip_ranges"]

# (cluster, attr) of every cluster with ranges set or unknown.
lists contains [c, a] if {
	some c in lib.clusters
	a := lib.attr(c, ranges_paths)
	listed(a)
}

lists contains [c, a] if {
	some c in automatic.automatic_clusters
	a := lib.attr1(c, auto_path)
	listed(a)
}

listed(a) if a.unknown

listed(a) if not lib.empty(a.value)

# Why one entry fails, or undefined when it passes.
problem(r) := sprintf("%s is not an IP range", [quoted(r)]) if {
	not versions.parse_range(r)
} else := sprintf("%s is the whole internet", [quoted(r)]) if {
	versions.parse_range(r).prefix == 0
} else := sprintf("%s is wider than /%v", [quoted(r), min_prefix]) if {
	p := versions.parse_range(r)
	p.family == 4
	p.prefix < min_prefix
}

# An entry as written when it is short; a long one is cut (never a secret:
# an address range).
quoted(r) := sprintf("`%s`", [r]) if {
	is_string(r)
	count(r) <= 64
} else := sprintf("`%s...`", [substring(r, 0, 64)]) if {
	is_string(r)
} else := "an entry that is not a string"

# Indexes of unknown entries (a list whose elements are known only after apply).
unknown_entries(c, a) := [i |
	some i, _ in a.value
	lib.unknown(c, array.concat(a.path, [i]))
]

problems(c, a) := [problem(r) |
	some i, r in a.value
	not lib.unknown(c, array.concat(a.path, [i]))
	problem(r)
]

deny contains f if {
	some [c, a] in lists
	a.unknown
	not is_array(a.value)
	f := lib.unknown_finding(c, a.path, sprintf("The API server's authorized IP ranges are known only after apply: each must be /%v or narrower, never `0.0.0.0/0`.", [min_prefix]))
}

deny contains f if {
	some [c, a] in lists
	is_array(a.value)
	ps := problems(c, a)
	count(ps) > 0
	f := lib.finding(c, a.path, sprintf("The API server's authorized IP ranges are too wide: %s. Allow only the narrow CIDRs that need the API server (prefix /%v or longer).", [concat("; ", ps), min_prefix]))
}

deny contains f if {
	some [c, a] in lists
	is_array(a.value)
	count(problems(c, a)) == 0
	count(unknown_entries(c, a)) > 0
	f := lib.unknown_finding(c, a.path, sprintf("Some authorized IP ranges are known only after apply: each must be /%v or narrower, never `0.0.0.0/0`.", [min_prefix]))
}
