package akslint.versions_test

import rego.v1

import data.akslint.versions

test_parse_version if {
	versions.parse_version("1.33") == {"major": 1, "minor": 33, "patch": null}
	versions.parse_version("1.34.3") == {"major": 1, "minor": 34, "patch": 3}
	versions.parse_version("v1.35.1") == {"major": 1, "minor": 35, "patch": 1}
	not versions.parse_version("1")
	not versions.parse_version("1.33.x")
	not versions.parse_version("latest")
	not versions.parse_version("1.33.2.1")
	not versions.parse_version(133)
}

test_compare if {
	versions.compare(versions.parse_version("1.33"), versions.parse_version("1.33.9")) == 0
	versions.compare(versions.parse_version("1.32.9"), versions.parse_version("1.33")) == -1
	versions.compare(versions.parse_version("1.34.1"), versions.parse_version("1.34.3")) == -1
	versions.compare(versions.parse_version("1.34.3"), versions.parse_version("1.34.1")) == 1
	versions.compare(versions.parse_version("2.0"), versions.parse_version("1.99")) == 1
	versions.compare(versions.parse_version("1.9"), versions.parse_version("1.10")) == -1
}

test_minors_behind if {
	versions.minors_behind(versions.parse_version("1.31"), versions.parse_version("1.34.1")) == 3
	versions.minors_behind(versions.parse_version("1.35"), versions.parse_version("1.34")) == -1
}

test_parse_range_ipv4 if {
	versions.parse_range("10.0.0.0/8") == {"family": 4, "prefix": 8}
	versions.parse_range("203.0.113.7") == {"family": 4, "prefix": 32}
	versions.parse_range("10.1.2.3/8") == {"family": 4, "prefix": 8}
	versions.parse_range("0.0.0.0/0") == {"family": 4, "prefix": 0}
	not versions.parse_range("10.0.0.256/24")
	not versions.parse_range("10.0.0.0/33")
	not versions.parse_range("10.0.0/24")
	not versions.parse_range("any")
	not versions.parse_range("")
}

test_parse_range_ipv6 if {
	versions.parse_range("::/0") == {"family": 6, "prefix": 0}
	versions.parse_range("2001:db8::/32") == {"family": 6, "prefix": 32}
	versions.parse_range("2001:db8::1") == {"family": 6, "prefix": 128}
	versions.parse_range("2001:0db8:0000:0000:0000:0000:0000:0001/64") == {"family": 6, "prefix": 64}
	not versions.parse_range("2001:db8::/129")
	not versions.parse_range("2001:db8:::1/64")
	not versions.parse_range("2001:db8::g/64")
	not versions.parse_range("1:2:3:4:5:6:7/64")
}

test_parse_range_ipv6_embedded_ipv4 if {
	versions.parse_range("::ffff:203.0.113.0/120") == {"family": 6, "prefix": 120}
	versions.parse_range("::ffff:203.0.113.7") == {"family": 6, "prefix": 128}
	versions.parse_range("::203.0.113.7") == {"family": 6, "prefix": 128}
	versions.parse_range("64:ff9b::192.0.2.33/96") == {"family": 6, "prefix": 96}
	versions.parse_range("1:2:3:4:5:6:192.0.2.33") == {"family": 6, "prefix": 128}
	versions.parse_range("1:2:3:4:5::192.0.2.33") == {"family": 6, "prefix": 128}
	# Not in the last 32 bits, or too many groups with it.
	not versions.parse_range("192.0.2.33::/96")
	not versions.parse_range("::192.0.2.33:1")
	not versions.parse_range("1:2:3:4:5:6:7:192.0.2.33")
	not versions.parse_range("1:2:3:4:5:6::192.0.2.33")
	not versions.parse_range("1:2:3:4:5:192.0.2.33")
	not versions.parse_range("::ffff:203.0.113.256")
	not versions.parse_range("::ffff:203.0.113")
}

test_parse_range_ipv6_strict if {
	versions.parse_range("::") == {"family": 6, "prefix": 128}
	versions.parse_range("::1/128") == {"family": 6, "prefix": 128}
	versions.parse_range("1:2:3:4:5:6:7::/64") == {"family": 6, "prefix": 64}
	versions.parse_range("::2:3:4:5:6:7:8") == {"family": 6, "prefix": 128}
	versions.parse_range("2001:DB8::/32") == {"family": 6, "prefix": 32}
	not versions.parse_range("2001:db8::/")
	not versions.parse_range("::/129")
	not versions.parse_range("::/")
	not versions.parse_range("::/-1")
	not versions.parse_range("::/1a")
	not versions.parse_range("::/ 64")
	not versions.parse_range("2001:db8::/64/64")
	not versions.parse_range("1::2::3/64")
	not versions.parse_range(":::")
	not versions.parse_range(":1::")
	not versions.parse_range("1::2:")
	not versions.parse_range("1:2:3:4:5:6:7:8::")
	not versions.parse_range("::1:2:3:4:5:6:7:8")
	not versions.parse_range("1:2:3:4:5:6:7:8:9")
	not versions.parse_range("1:2:3:4:5:6:7:8:9/64")
	not versions.parse_range("2001:db8::12345/64")
	not versions.parse_range("02001:db8::/32")
	not versions.parse_range("fe80::1%eth0")
	not versions.parse_range(":")
}

test_parse_range_ipv4_strict if {
	versions.parse_range("255.255.255.255/32") == {"family": 4, "prefix": 32}
	versions.parse_range("0.0.0.0") == {"family": 4, "prefix": 32}
	versions.parse_range(" 10.0.0.0/8 ") == {"family": 4, "prefix": 8}
	not versions.parse_range("/")
	not versions.parse_range("/24")
	not versions.parse_range("1.2.3.4/")
	not versions.parse_range("1.2.3.4//24")
	not versions.parse_range("1.2.3.4/24/")
	not versions.parse_range("1.2.3.4/-1")
	not versions.parse_range("1.2.3.4/2x")
	not versions.parse_range("256.1.1.1")
	not versions.parse_range("1.2.3.999/24")
	not versions.parse_range("1.2.3.4.5")
	not versions.parse_range("1.2.3.")
	not versions.parse_range(".1.2.3")
	not versions.parse_range("1..2.3")
	not versions.parse_range("01.2.3.4/24")
	not versions.parse_range("1.2.3.4 /24")
	not versions.parse_range("0x1.2.3.4")
	not versions.parse_range(null)
	not versions.parse_range(10)
}
