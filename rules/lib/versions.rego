# METADATA
# title: akslint policy library, versions and address ranges
# description: |
#   Kubernetes versions (`1.33`, `1.33.2`, compared as numbers: major.minor,
#   then patch when both have one) and IP address ranges (IPv4 and IPv6
#   CIDRs, a bare address counting as a host range).
package akslint.versions

import rego.v1

# ---------------------------------------------------------------- versions

# {"major", "minor", "patch" (or null)} of "1.33" or "1.33.2" (a leading "v"
# allowed); undefined when the text does not parse.
parse_version(v) := {"major": to_number(m[1]), "minor": to_number(m[2]), "patch": patch} if {
	is_string(v)
	ms := regex.find_all_string_submatch_n(`^[vV]?(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})(?:\.(0|[1-9][0-9]{0,5}))?$`, trim_space(v), 1)
	count(ms) == 1
	m := ms[0]
	patch := patch_of(m[3])
}

patch_of(s) := null if s == ""

else := to_number(s)

# -1, 0 or 1: a against b; a missing patch on either side matches any patch.
compare(a, b) := -1 if {
	a.major < b.major
} else := 1 if {
	a.major > b.major
} else := -1 if {
	a.minor < b.minor
} else := 1 if {
	a.minor > b.minor
} else := 0 if {
	a.patch == null
} else := 0 if {
	b.patch == null
} else := -1 if {
	a.patch < b.patch
} else := 1 if {
	a.patch > b.patch
} else := 0

# How many minor versions a is behind b (negative when ahead); a different
# major counts as 1000 minors.
minors_behind(a, b) := ((b.major - a.major) * 1000 + b.minor) - a.minor

# ---------------------------------------------------------------- ranges

ipv4_re := `^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?:/([0-9]{1,3}))?$`

# {"family": 4 or 6, "prefix": n} of a CIDR or a bare address; undefined when
# it does not parse. Host bits may be set (`10.1.2.3/8`): only the prefix
# length is judged.
parse_range(s) := {"family": 4, "prefix": prefix} if {
	is_string(s)
	ms := regex.find_all_string_submatch_n(ipv4_re, trim_space(s), 1)
	count(ms) == 1
	m := ms[0]
	count([i | some i in [1, 2, 3, 4]; to_number(m[i]) > 255]) == 0
	prefix := prefix_of(m[5], 32)
	prefix <= 32
}

parse_range(s) := {"family": 6, "prefix": prefix} if {
	is_string(s)
	t := trim_space(s)
	contains(t, ":")
	parts := split(t, "/")
	count(parts) <= 2
	ipv6_address(parts[0])
	prefix := prefix_of(second(parts), 128)
	prefix <= 128
}

second(parts) := parts[1] if count(parts) == 2

else := ""

prefix_of(s, full) := full if s == ""

else := to_number(s) if regex.match(`^[0-9]{1,3}$`, s)

hex_group(g) if regex.match(`^[0-9a-fA-F]{1,4}$`, g)

groups(s) := [] if s == ""

else := split(s, ":")

# A full address of 8 groups, or one "::" with fewer than 8 groups around it.
ipv6_address(a) if {
	not contains(a, "::")
	gs := split(a, ":")
	count(gs) == 8
	count([g | some g in gs; not hex_group(g)]) == 0
}

ipv6_address(a) if {
	halves := split(a, "::")
	count(halves) == 2
	gs := array.concat(groups(halves[0]), groups(halves[1]))
	count(gs) < 8
	count([g | some g in gs; not hex_group(g)]) == 0
}
