package akslint.rules.AKS039_test

import rego.v1

import data.akslint.rules.AKS039

addr := "azurerm_kubernetes_cluster.this"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

one(fs, status, attr) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == [attr]
	f.resource == addr
}

test_enabled_in_range_passes if {
	count(AKS039.deny) == 0 with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 48}, {})
	count(AKS039.deny) == 0 with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 24}, {})
	count(AKS039.deny) == 0 with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 168}, {})
}

test_off_fails_once if {
	fs := AKS039.deny with input as cluster({"image_cleaner_enabled": false, "image_cleaner_interval_hours": 0}, {})
	one(fs, "fail", "image_cleaner_enabled")
}

test_unset_fails if {
	fs := AKS039.deny with input as cluster({}, {})
	one(fs, "fail", "image_cleaner_enabled")
}

# State stores an unset interval as 0.
test_state_zero_interval_fails if {
	fs := AKS039.deny with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 0}, {})
	one(fs, "fail", "image_cleaner_interval_hours")
	some f in fs
	contains(f.msg, "is 0")
}

test_unset_interval_fails if {
	fs := AKS039.deny with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": null}, {})
	one(fs, "fail", "image_cleaner_interval_hours")
	some f in fs
	contains(f.msg, "not set")
}

test_too_long_fails if {
	fs := AKS039.deny with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 2160}, {})
	one(fs, "fail", "image_cleaner_interval_hours")
}

test_too_short_fails if {
	fs := AKS039.deny with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 12}, {})
	one(fs, "fail", "image_cleaner_interval_hours")
}

test_param if {
	count(AKS039.deny) == 0 with input as cluster({"image_cleaner_enabled": true, "image_cleaner_interval_hours": 720}, {})
		with data.akslint.params.AKS039 as {"max_interval_hours": 720}
}

test_unknown_enabled_is_unknown if {
	fs := AKS039.deny with input as cluster({"image_cleaner_interval_hours": 48}, {"image_cleaner_enabled": true})
	one(fs, "unknown", "image_cleaner_enabled")
}

test_unknown_interval_is_unknown if {
	fs := AKS039.deny with input as cluster({"image_cleaner_enabled": true}, {"image_cleaner_interval_hours": true})
	one(fs, "unknown", "image_cleaner_interval_hours")
}
