# METADATA
# title: AKS Key Vault secret rotation polls too rarely
# description: |
#   Secret autorotation is enabled, but `secret_rotation_interval` is longer
#   than the allowed maximum (default 2m, the provider default) or is not a
#   valid Go duration. A rotated or revoked secret stays in use in the
#   cluster for up to one interval.
# custom:
#   id: AKS033
#   name: kv-rotation-interval
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: |
#     The Secrets Store CSI driver only picks up a new secret version when it
#     polls Key Vault. After an emergency rotation of a leaked credential,
#     a long interval keeps the old credential in use, and the applications
#     failing against the new one, for that long.
#   remediation: Set `secret_rotation_interval` in `key_vault_secrets_provider` to a Go duration no longer than `max_interval` (default `2m`), or leave it unset.
#   params:
#     max_interval: 2m
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#
#         key_vault_secrets_provider {
#           secret_rotation_enabled  = true
#           secret_rotation_interval = "1h"
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#
#         key_vault_secrets_provider {
#           secret_rotation_enabled  = true
#           secret_rotation_interval = "2m"
#         }
#       }
package akslint.rules.AKS033

import rego.v1

import data.akslint.lib

max_interval := data.akslint.params.AKS033.max_interval

# The provider default of secret_rotation_interval.
default_interval := "2m"

enabled_path := ["key_vault_secrets_provider", 0, "secret_rotation_enabled"]

interval_path := ["key_vault_secrets_provider", 0, "secret_rotation_interval"]

# ---------------------------------------------------------------- durations
#
# time.parse_duration_ns raises an evaluation error (and regorus 0.14 even
# panics on input like "5.") for anything that is not a Go duration, so a
# value is parsed only after it has been checked here: the Go syntax, and a
# magnitude below the int64 nanosecond range (Go reports larger values as
# invalid too).

duration_re := `^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

component_re := `([0-9]*)(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h)`

unit_ns := {
	"ns": 1,
	"us": 1000,
	"µs": 1000,
	"μs": 1000,
	"ms": 1000000,
	"s": 1000000000,
	"m": 60000000000,
	"h": 3600000000000,
}

components(s) := regex.find_all_string_submatch_n(component_re, s, -1)

# Integer part of a component without leading zeros (to_number rejects them).
int_digits(m) := trim_left(m[1], "0")

int_value(m) := 0 if int_digits(m) == ""

else := to_number(int_digits(m))

short_integers(s) if {
	every m in components(s) {
		count(int_digits(m)) <= 19
	}
}

# An upper bound of the duration's absolute value, in nanoseconds.
magnitude(s) := sum([n |
	some m in components(s)
	n := (int_value(m) + 1) * unit_ns[m[3]]
])

valid_duration(s) if {
	is_string(s)
	regex.match(duration_re, s)
	short_integers(s)
	magnitude(s) < 9000000000000000000
}

# The duration in nanoseconds; undefined when s is not a valid Go duration.
duration_ns(s) := time.parse_duration_ns(s) if valid_duration(s)

# ---------------------------------------------------------------- rule

rotation_enabled(c) if lib.raw(c, enabled_path) == true

# Clusters with rotation enabled, and clusters where it is known only after
# apply (their findings are `unknown`).
applies(c) if rotation_enabled(c)

applies(c) if lib.unknown(c, enabled_path)

verdict(c, a, msg) := lib.unknown_finding(c, a.path, concat("", [msg, " (whether secret rotation is enabled is known only after apply)"])) if {
	not a.unknown
	not rotation_enabled(c)
} else := lib.result(c, a, msg)

# The configured interval; unset means the provider default.
interval(a) := default_interval if lib.empty(a.value)

else := a.value

max_ns := duration_ns(max_interval)

max_valid if valid_duration(max_interval)

# The clusters the rule applies to, each with its interval read once.
checked := [[c, lib.attr1(c, interval_path)] | some c in lib.clusters; applies(c)]

deny contains f if {
	some [c, a] in checked
	a.unknown
	f := verdict(c, a, sprintf("The secret rotation interval is known only after apply: it must be %s or less.", [max_interval]))
}

deny contains f if {
	some [c, a] in checked
	not a.unknown
	not valid_duration(interval(a))
	f := verdict(c, a, sprintf("`secret_rotation_interval` is not a valid Go duration: set it to a duration such as `%s`.", [default_interval]))
}

deny contains f if {
	some [c, a] in checked
	not a.unknown
	s := interval(a)
	duration_ns(s) > max_ns
	f := verdict(c, a, sprintf("Key Vault secrets are polled every %s, longer than %s: set `secret_rotation_interval = \"%s\"` or less.", [s, max_interval, max_interval]))
}

# A parameter that is not a Go duration must not silently pass every cluster.
deny contains f if {
	some [c, a] in checked
	not max_valid
	f := lib.finding(c, a.path, "The akslint parameter `max_interval` of AKS033 is not a Go duration (such as `2m`): fix the configuration file.")
}
