package akslint.rules.AKS009_test

import rego.v1

import data.akslint.rules.AKS009

addr := "azurerm_kubernetes_cluster.this"

auto_addr := "azurerm_kubernetes_automatic_cluster.auto"

p4 := ["api_server_access_profile", 0, "authorized_ip_ranges"]

p3 := ["api_server_authorized_ip_ranges"]

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

ranges4(rs) := {"api_server_access_profile": [{"authorized_ip_ranges": rs}]}

automatic(values, unknown) := {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
	"address": auto_addr,
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": values,
	"unknown": unknown,
}]}}

one(fs, status, resource, attr) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attr
	f.resource == resource
}

test_narrow_ranges_pass if {
	count(AKS009.deny) == 0 with input as cluster(ranges4(["203.0.113.0/24", "198.51.100.7", "10.0.0.0/16", "2001:db8::/32", "2001:db8::1"]), {})
}

test_unset_gives_no_finding if {
	count(AKS009.deny) == 0 with input as cluster(ranges4([]), {})
	count(AKS009.deny) == 0 with input as cluster({"api_server_authorized_ip_ranges": []}, {})
	count(AKS009.deny) == 0 with input as cluster({}, {})
}

test_whole_internet_fails if {
	fs := AKS009.deny with input as cluster(ranges4(["203.0.113.0/24", "0.0.0.0/0"]), {})
	one(fs, "fail", addr, p4)
	some f in fs
	contains(f.msg, "`0.0.0.0/0` is the whole internet")
	not contains(f.msg, "203.0.113.0/24")
}

test_ipv6_whole_internet_fails if {
	fs := AKS009.deny with input as cluster(ranges4(["::/0"]), {})
	one(fs, "fail", addr, p4)
}

test_whole_internet_fails_whatever_the_param if {
	fs := AKS009.deny with input as cluster(ranges4(["0.0.0.0/0"]), {})
		with data.akslint.params.AKS009 as {"min_prefix": 0}
	one(fs, "fail", addr, p4)
}

test_wide_prefix_fails if {
	fs := AKS009.deny with input as cluster(ranges4(["10.0.0.0/8"]), {})
	one(fs, "fail", addr, p4)
	some f in fs
	contains(f.msg, "wider than /16")
}

test_host_bits_set_judged_by_prefix if {
	fs := AKS009.deny with input as cluster(ranges4(["10.1.2.3/8"]), {})
	one(fs, "fail", addr, p4)
	count(AKS009.deny) == 0 with input as cluster(ranges4(["10.1.2.3/24"]), {})
}

test_unparsable_fails if {
	fs := AKS009.deny with input as cluster(ranges4(["10.0.0.300/24"]), {})
	one(fs, "fail", addr, p4)
	some f in fs
	contains(f.msg, "is not an IP range")
}

test_ipv6_wide_not_compared if {
	count(AKS009.deny) == 0 with input as cluster(ranges4(["2001:db8::/8"]), {})
}

test_3x_name_fails if {
	fs := AKS009.deny with input as cluster({"api_server_authorized_ip_ranges": ["0.0.0.0/0"]}, {})
	one(fs, "fail", addr, p3)
}

test_private_cluster_with_ranges_is_checked if {
	fs := AKS009.deny with input as cluster(object.union(ranges4(["0.0.0.0/0"]), {"private_cluster_enabled": true}), {})
	one(fs, "fail", addr, p4)
}

test_param if {
	fs := AKS009.deny with input as cluster(ranges4(["203.0.113.0/24"]), {})
		with data.akslint.params.AKS009 as {"min_prefix": 28}
	one(fs, "fail", addr, p4)
}

test_unknown_list_is_unknown if {
	fs := AKS009.deny with input as cluster({"api_server_access_profile": [{}]}, {"api_server_access_profile.0.authorized_ip_ranges": true})
	one(fs, "unknown", addr, p4)
}

test_unknown_element_is_unknown if {
	fs := AKS009.deny with input as cluster(ranges4(["203.0.113.0/24", null]), {"api_server_access_profile.0.authorized_ip_ranges.1": true})
	one(fs, "unknown", addr, p4)
}

test_unknown_element_and_a_wide_one_fails if {
	fs := AKS009.deny with input as cluster(ranges4(["0.0.0.0/0", null]), {"api_server_access_profile.0.authorized_ip_ranges.1": true})
	one(fs, "fail", addr, p4)
}

test_automatic_cluster if {
	fs := AKS009.deny with input as automatic({"api_server_access": [{"authorized_ip_ranges": ["0.0.0.0/0"]}]}, {})
	one(fs, "fail", auto_addr, ["api_server_access", 0, "authorized_ip_ranges"])
	count(AKS009.deny) == 0 with input as automatic({"api_server_access": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]}, {})
	count(AKS009.deny) == 0 with input as automatic({"api_server_access": []}, {})
}

test_ipv6_with_embedded_ipv4_parses_and_is_not_compared if {
	count(AKS009.deny) == 0 with input as cluster(ranges4(["::ffff:203.0.113.0/120"]), {})
	count(AKS009.deny) == 0 with input as cluster(ranges4(["::ffff:203.0.113.0/8"]), {})
}

test_empty_prefix_fails if {
	fs := AKS009.deny with input as cluster(ranges4(["2001:db8::/"]), {})
	one(fs, "fail", addr, p4)
	some f in fs
	contains(f.msg, "`2001:db8::/` is not an IP range")
}

test_malformed_entries_fail if {
	bad := ["/", "1.2.3.4/", "::/129", "2001:db8:::1/64", "1::2::3/64", "1:2:3:4:5:6:7:8:9/64", "2001:db8::12345/64", "256.0.0.0/24", "192.0.2.1::/96", "01.2.3.4/24"]
	every r in bad {
		fs := AKS009.deny with input as cluster(ranges4([r]), {})
		one(fs, "fail", addr, p4)
		some f in fs
		contains(f.msg, "is not an IP range")
	}
}
