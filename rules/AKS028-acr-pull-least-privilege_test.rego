package akslint.rules.AKS028_test

import rego.v1

import data.akslint.rules.AKS028

ra(name, values, unknown) := {"address": sprintf("azurerm_role_assignment.%s", [name]), "type": "azurerm_role_assignment", "values": values, "unknown": unknown}

inp(r, j) := {"joins": {"role_assignments": {r.address: object.union(j, {"resource": r})}}}

kubelet(scope, role) := {"kubelet_cluster": "azurerm_kubernetes_cluster.c", "scope": scope, "registry": null, "role": role}

test_acr_pull_passes if {
	r := ra("a", {"role_definition_name": "AcrPull"}, {})
	count(AKS028.deny) == 0 with input as inp(r, kubelet("registry", "AcrPull"))
}

test_acr_pull_by_definition_id_passes if {
	r := ra("a", {"role_definition_id": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"}, {})
	count(AKS028.deny) == 0 with input as inp(r, kubelet("registry", "AcrPull"))
}

test_contributor_on_registry_fails if {
	r := ra("a", {"role_definition_name": "Contributor", "role_definition_id": ""}, {})
	fs := AKS028.deny with input as inp(r, kubelet("registry", "Contributor"))
	[[f.status, f.attribute] | some f in fs] == [["fail", ["role_definition_name"]]]
}

test_other_definition_id_fails_on_id if {
	id := "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec"
	r := ra("a", {"role_definition_name": "", "role_definition_id": id}, {})
	fs := AKS028.deny with input as inp(r, kubelet("registry", id))
	[[f.status, f.attribute] | some f in fs] == [["fail", ["role_definition_id"]]]
}

test_not_registry_scope_no_finding if {
	r := ra("a", {"role_definition_name": "Network Contributor"}, {})
	count(AKS028.deny) == 0 with input as inp(r, kubelet("other", "Network Contributor"))
}

test_not_kubelet_no_finding if {
	r := ra("a", {"role_definition_name": "Owner"}, {})
	count(AKS028.deny) == 0 with input as inp(r, {"kubelet_cluster": null, "scope": "registry", "role": "Owner"})
}

test_unresolved_role_is_unknown if {
	r := ra("a", {}, {"role_definition_id": true})
	fs := AKS028.deny with input as inp(r, kubelet("registry", null))
	[[f.status, f.attribute] | some f in fs] == [["unknown", ["role_definition_id"]]]
}

test_unresolved_scope_not_acr_pull_is_unknown if {
	r := ra("a", {"role_definition_name": "AcrPush"}, {"scope": true})
	fs := AKS028.deny with input as inp(r, kubelet("unresolved", "AcrPush"))
	[[f.status, f.attribute] | some f in fs] == [["unknown", ["scope"]]]
}

test_unresolved_scope_acr_pull_passes if {
	r := ra("a", {"role_definition_name": "acrpull"}, {"scope": true})
	count(AKS028.deny) == 0 with input as inp(r, kubelet("unresolved", "acrpull"))
}
