package akslint.rules.X005_test

import rego.v1

test_passes if { 1 == 1 }

# Its print output is hostile: shown by `akslint test`, escaped.
test_fails if {
	print("P \u001b[31mred\n::error file=a,line=1::x ##vso[task.setvariable variable=T]1 \u202e")
	1 == 2
}
