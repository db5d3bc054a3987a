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
