package akslint.rules.AKS043_test

import rego.v1

import data.akslint.rules.AKS043

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

test_standard_passes if {
	count(AKS043.deny) == 0 with input as cluster({"sku_tier": "Standard"}, {})
}

test_premium_passes if {
	count(AKS043.deny) == 0 with input as cluster({"sku_tier": "Premium"}, {})
}

test_old_paid_name_passes if {
	count(AKS043.deny) == 0 with input as cluster({"sku_tier": "Paid"}, {})
}

test_case_insensitive_passes if {
	count(AKS043.deny) == 0 with input as cluster({"sku_tier": "standard"}, {})
}

test_free_fails if {
	fs := AKS043.deny with input as cluster({"sku_tier": "Free"}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["sku_tier"]
	f.resource == "azurerm_kubernetes_cluster.c"
}

test_plan_null_fails if {
	fs := AKS043.deny with input as cluster({"sku_tier": null}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["sku_tier"]
}

test_state_empty_string_fails if {
	fs := AKS043.deny with input as cluster({"sku_tier": ""}, {})
	some f in fs
	f.status == "fail"
}

test_absent_fails if {
	fs := AKS043.deny with input as cluster({}, {})
	some f in fs
	f.status == "fail"
}

test_unknown_is_unknown if {
	fs := AKS043.deny with input as cluster({}, {"sku_tier": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["sku_tier"]
	startswith(f.msg, "`sku_tier` is known only after apply: it must be \"Standard\" or \"Premium\"")
}
