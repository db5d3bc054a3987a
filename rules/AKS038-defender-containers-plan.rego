# METADATA
# title: Defender for Containers plan is not at the Standard tier
# description: |
#   The plan or state manages Defender for Cloud pricing
#   (`azurerm_security_center_subscription_pricing`) but no instance enables
#   the `Containers` plan at the `Standard` tier. A plan or state without any
#   pricing resource gives no finding: the subscription's plans are then
#   managed elsewhere.
# custom:
#   id: AKS038
#   name: defender-containers-plan
#   severity: MEDIUM
#   resource_types: [azurerm_security_center_subscription_pricing]
#   related: ["az:1c988dd6", "ck:CKV_AZURE_85", "tv:AZU-0045", "cis:5.1.1"]
#   why: |
#     Defender for Containers brings runtime threat detection for the nodes and
#     the control plane, vulnerability assessment of the images in the
#     registries, and the Defender sensor the cluster's `microsoft_defender`
#     block (AKS030) reports to. The deprecated `KubernetesService` and
#     `ContainerRegistry` plans no longer cover new subscriptions.
#   remediation: Add (or change to) `resource_type = "Containers"` and `tier = "Standard"` on an `azurerm_security_center_subscription_pricing`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_security_center_subscription_pricing" "aks" {
#         tier          = "Standard"
#         resource_type = "KubernetesService"
#       }
#     good: |
#       resource "azurerm_security_center_subscription_pricing" "containers" {
#         tier          = "Standard"
#         resource_type = "Containers"
#       }
package akslint.rules.AKS038

import rego.v1

import data.akslint.lib

pricings := lib.resources_of("azurerm_security_center_subscription_pricing")

# The resource type; unset means VirtualMachines, the provider default.
resource_type(r) := "VirtualMachines" if {
	lib.is_unset(r, ["resource_type"])
} else := lib.raw(r, ["resource_type"])

type_known(r) if not lib.unknown(r, ["resource_type"])

is_containers(r) if {
	type_known(r)
	lib.eq_ci(resource_type(r), "Containers")
}

good(r) if {
	is_containers(r)
	not lib.unknown(r, ["tier"])
	lib.eq_ci(lib.raw(r, ["tier"]), "Standard")
}

any_good if {
	some r in pricings
	good(r)
}

any_unknown if {
	some r in pricings
	lib.unknown(r, ["resource_type"])
}

any_unknown if {
	some r in pricings
	lib.unknown(r, ["tier"])
}

containers := [r | some r in pricings; is_containers(r)]

kubernetes_service := [r | some r in pricings; type_known(r); lib.eq_ci(resource_type(r), "KubernetesService")]

# The instances the failure is reported on, with the attribute.
targets := [[r, ["tier"]] | some r in containers] if {
	count(containers) > 0
} else := [[r, ["resource_type"]] | some r in kubernetes_service] if {
	count(kubernetes_service) > 0
} else := [[pricings[0], ["resource_type"]]]

msg := "No Defender for Cloud pricing enables Defender for Containers: set `resource_type = \"Containers\"` and `tier = \"Standard\"` (the deprecated `KubernetesService` plan does not cover it)."

deny contains f if {
	count(pricings) > 0
	not any_good
	some [r, path] in targets
	f := verdict(r, path)
}

unknown_msg := "A pricing's `resource_type` or `tier` is known only after apply: one must set `resource_type = \"Containers\"` and `tier = \"Standard\"` for Defender for Containers (the deprecated `KubernetesService` plan does not cover it)."

verdict(r, path) := lib.unknown_finding(r, path, unknown_msg) if any_unknown

else := lib.finding(r, path, msg)
