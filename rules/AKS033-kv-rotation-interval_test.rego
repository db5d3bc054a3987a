package akslint.rules.AKS033_test

import rego.v1

import data.akslint.rules.AKS033

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

kv(enabled, interval) := cluster({"key_vault_secrets_provider": [{"secret_rotation_enabled": enabled, "secret_rotation_interval": interval}]}, {})

findings(enabled, interval) := fs if {
	fs := AKS033.deny with input as kv(enabled, interval)
}

# One failing finding on the interval attribute.
fails(fs) if {
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.resource == "azurerm_kubernetes_cluster.c"
	f.attribute == ["key_vault_secrets_provider", 0, "secret_rotation_interval"]
}

test_default_interval_passes if {
	count(findings(true, "2m")) == 0
}

test_equal_in_seconds_passes if {
	count(findings(true, "120s")) == 0
}

test_shorter_passes if {
	count(findings(true, "1m30s")) == 0
	count(findings(true, ".5m")) == 0
	count(findings(true, "1.5m")) == 0
	count(findings(true, "500ms")) == 0
	count(findings(true, "1000µs")) == 0
	count(findings(true, "00002m")) == 0
	count(findings(true, "0")) == 0
}

test_plan_null_means_default if {
	count(findings(true, null)) == 0
}

test_state_empty_string_means_default if {
	count(findings(true, "")) == 0
}

test_absent_interval_means_default if {
	count(AKS033.deny) == 0 with input as cluster({"key_vault_secrets_provider": [{"secret_rotation_enabled": true}]}, {})
}

test_longer_fails if {
	fs := findings(true, "1h30m")
	fails(fs)
	some f in fs
	contains(f.msg, "1h30m")
	contains(f.msg, "2m")
}

test_slightly_longer_fails if {
	fails(findings(true, "121s"))
	fails(findings(true, "2m0.5s"))
}

test_unparsable_fails if {
	fails(findings(true, "two minutes"))
	fails(findings(true, "2"))
	fails(findings(true, "2M"))
	fails(findings(true, "1d"))
	fails(findings(true, " 2m"))
	fails(findings(true, "2m3"))
	fails(findings(true, "5."))
	fails(findings(true, "."))
	fails(findings(true, "(sensitive)"))
}

test_overflow_fails if {
	fails(findings(true, "9999999999h"))
	fails(findings(true, "99999999999999999999999s"))
}

test_non_string_fails if {
	fails(findings(true, 120))
}

test_rotation_disabled_is_not_checked if {
	count(findings(false, "24h")) == 0
	count(findings(null, "24h")) == 0
	count(findings("", "junk")) == 0
}

test_no_provider_block_is_not_checked if {
	count(AKS033.deny) == 0 with input as cluster({"key_vault_secrets_provider": []}, {})
	count(AKS033.deny) == 0 with input as cluster({}, {})
}

test_unknown_interval_is_unknown if {
	fs := AKS033.deny with input as cluster(
		{"key_vault_secrets_provider": [{"secret_rotation_enabled": true}]},
		{"key_vault_secrets_provider.0.secret_rotation_interval": true},
	)
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["key_vault_secrets_provider", 0, "secret_rotation_interval"]
}

test_unknown_rotation_with_long_interval_is_unknown if {
	fs := AKS033.deny with input as cluster(
		{"key_vault_secrets_provider": [{"secret_rotation_interval": "1h"}]},
		{"key_vault_secrets_provider.0.secret_rotation_enabled": true},
	)
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["key_vault_secrets_provider", 0, "secret_rotation_interval"]
}

test_unknown_rotation_with_short_interval_passes if {
	count(AKS033.deny) == 0 with input as cluster(
		{"key_vault_secrets_provider": [{"secret_rotation_interval": "1m"}]},
		{"key_vault_secrets_provider.0.secret_rotation_enabled": true},
	)
}

test_unknown_block_is_unknown if {
	fs := AKS033.deny with input as cluster({}, {"key_vault_secrets_provider": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
}

test_param_allows_longer if {
	count(AKS033.deny) == 0 with input as kv(true, "4m") with data.akslint.params.AKS033 as {"max_interval": "5m"}
	count(AKS033.deny) == 0 with input as kv(true, "300s") with data.akslint.params.AKS033 as {"max_interval": "5m"}
}

test_param_still_fails_longer if {
	fs := AKS033.deny with input as kv(true, "6m") with data.akslint.params.AKS033 as {"max_interval": "5m"}
	fails(fs)
	some f in fs
	contains(f.msg, "5m")
}

test_param_stricter_fails_default if {
	fs := AKS033.deny with input as kv(true, null) with data.akslint.params.AKS033 as {"max_interval": "1m"}
	fails(fs)
}

test_param_compound_duration if {
	count(AKS033.deny) == 0 with input as kv(true, "1h") with data.akslint.params.AKS033 as {"max_interval": "1h30m"}
	fs := AKS033.deny with input as kv(true, "2h") with data.akslint.params.AKS033 as {"max_interval": "1h30m"}
	fails(fs)
}

test_invalid_param_is_reported if {
	fs := AKS033.deny with input as kv(true, "2m") with data.akslint.params.AKS033 as {"max_interval": "2 minutes"}
	fails(fs)
	some f in fs
	contains(f.msg, "max_interval")
}
