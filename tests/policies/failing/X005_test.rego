package akslint.rules.X005_test

import rego.v1

test_passes if { 1 == 1 }

test_fails if { 1 == 2 }
