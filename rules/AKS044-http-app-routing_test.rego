package akslint.rules.AKS044_test

import rego.v1

import data.akslint.rules.AKS044

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

test_disabled_passes if {
	count(AKS044.deny) == 0 with input as cluster({"http_application_routing_enabled": false}, {})
}

test_plan_null_passes if {
	count(AKS044.deny) == 0 with input as cluster({"http_application_routing_enabled": null}, {})
}

test_absent_passes if {
	count(AKS044.deny) == 0 with input as cluster({}, {})
}

test_state_empty_string_passes if {
	count(AKS044.deny) == 0 with input as cluster({"http_application_routing_enabled": "", "web_app_routing": []}, {})
}

test_enabled_fails if {
	fs := AKS044.deny with input as cluster({"http_application_routing_enabled": true}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["http_application_routing_enabled"]
	f.resource == "azurerm_kubernetes_cluster.c"
}

test_unknown_is_unknown if {
	fs := AKS044.deny with input as cluster({}, {"http_application_routing_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["http_application_routing_enabled"]
	startswith(f.msg, "`http_application_routing_enabled` is known only after apply: it must not be `true`")
}
