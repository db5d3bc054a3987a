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

# {"family": 4 or 6, "prefix": n} of a CIDR or a bare address; undefined when
# it does not parse. The address parses as Go's net.ParseCIDR reads it (the
# provider validates the ranges with it): IPv4 as four decimal octets 0-255
# without leading zeros; IPv6 as eight groups of 1-4 hex digits, or fewer
# around one `::` that stands for at least one group, the last 32 bits
# optionally written as an IPv4 address (`::ffff:203.0.113.0`); no zone. A
# `/` must be followed by a decimal prefix no longer than the address
# (`2001:db8::/` and `1.2.3.4/` do not parse); without one the address is a
# host range (/32, /128). Host bits may be set (`10.1.2.3/8`): only the
# prefix length is judged.
parse_range(s) := {"family": family, "prefix": prefix} if {
	is_string(s)
	parts := split(trim_space(s), "/")
	count(parts) <= 2
	family := address_family(parts[0])
	full := family_bits[family]
	prefix := prefix_of(parts, full)
	prefix <= full
}

family_bits := {4: 32, 6: 128}

# (An IPv6 address holds a `:`, an IPv4 one never does: one body applies.)
address_family(a) := 4 if ipv4_address(a)

address_family(a) := 6 if ipv6_address(a)

# The prefix after the `/`, or the address length when there is none. A `/`
# followed by nothing, or by anything but decimal digits, has none:
# undefined.
prefix_of(parts, full) := full if count(parts) == 1

prefix_of(parts, _) := to_number(parts[1]) if {
	count(parts) == 2
	regex.match(`^[0-9]{1,10}$`, parts[1])
}

# Four decimal octets 0-255, no leading zeros (Go reads none, as they
# could be octal).
ipv4_re := `^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$`

ipv4_address(a) if regex.match(ipv4_re, a)

hex_group(g) if regex.match(`^[0-9a-fA-F]{1,4}$`, g)

hex_groups(gs) if count([g | some g in gs; not hex_group(g)]) == 0

groups(s) := [] if s == ""

else := split(s, ":")

# How many 16-bit groups the groups that end an address stand for: hex
# groups, the last of which may be an IPv4 address (two groups). Undefined
# when one is neither.
tail_width(gs) := count(gs) if hex_groups(gs)

tail_width(gs) := count(gs) + 1 if {
	n := count(gs)
	n > 0
	ipv4_address(gs[n - 1])
	hex_groups(array.slice(gs, 0, n - 1))
}

# A full address of 8 groups (an IPv4 tail counting as two).
ipv6_address(a) if {
	contains(a, ":")
	not contains(a, "::")
	tail_width(split(a, ":")) == 8
}

# One "::" standing for at least one group: fewer than 8 groups around it,
# an IPv4 tail only after it.
ipv6_address(a) if {
	halves := split(a, "::")
	count(halves) == 2
	head := groups(halves[0])
	hex_groups(head)
	count(head) + tail_width(groups(halves[1])) < 8
}
