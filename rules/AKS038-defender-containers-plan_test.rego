package akslint.rules.AKS038_test

import rego.v1

import data.akslint.rules.AKS038

pricing(name, values, unknown) := {"address": sprintf("azurerm_security_center_subscription_pricing.%s", [name]), "type": "azurerm_security_center_subscription_pricing", "values": values, "unknown": unknown}

inp(ps) := {"by_type": {"azurerm_security_center_subscription_pricing": ps}}

test_no_pricing_no_finding if {
	count(AKS038.deny) == 0 with input as {"by_type": {}}
}

test_containers_standard_passes if {
	count(AKS038.deny) == 0 with input as inp([
		pricing("a", {"resource_type": "VirtualMachines", "tier": "Free"}, {}),
		pricing("c", {"resource_type": "containers", "tier": "standard"}, {}),
	])
}

test_containers_free_fails_on_it if {
	fs := AKS038.deny with input as inp([
		pricing("c", {"resource_type": "Containers", "tier": "Free"}, {}),
		pricing("vm", {"resource_type": "VirtualMachines", "tier": "Standard"}, {}),
	])
	[[f.status, f.resource, f.attribute] | some f in fs] == [["fail", "azurerm_security_center_subscription_pricing.c", ["tier"]]]
}

test_only_kubernetes_service_fails_on_it if {
	fs := AKS038.deny with input as inp([pricing("k", {"resource_type": "KubernetesService", "tier": "Standard"}, {})])
	[[f.status, f.resource, f.attribute] | some f in fs] == [["fail", "azurerm_security_center_subscription_pricing.k", ["resource_type"]]]
}

test_state_unset_type_means_virtual_machines_first_instance_fails if {
	fs := AKS038.deny with input as inp([
		pricing("a", {"resource_type": "", "tier": "Standard"}, {}),
		pricing("b", {"resource_type": "StorageAccounts", "tier": "Standard"}, {}),
	])
	[[f.status, f.resource] | some f in fs] == [["fail", "azurerm_security_center_subscription_pricing.a"]]
}

test_unknown_type_turns_failure_into_unknown if {
	fs := AKS038.deny with input as inp([
		pricing("a", {"tier": "Standard"}, {"resource_type": true}),
		pricing("b", {"resource_type": "KubernetesService", "tier": "Standard"}, {}),
	])
	[[f.status, f.resource] | some f in fs] == [["unknown", "azurerm_security_center_subscription_pricing.b"]]
	[f.msg | some f in fs] == ["A pricing's `resource_type` or `tier` is known only after apply: one must set `resource_type = \"Containers\"` and `tier = \"Standard\"` for Defender for Containers (the deprecated `KubernetesService` plan does not cover it)."]
}
