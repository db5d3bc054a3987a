//! Runs every built-in rule's and the library's Rego unit tests through regorus.
use akslint::commands::test as regotest;
use akslint::rules;

#[test]
fn builtin_rego_tests_pass() {
    let rules = rules::builtin_rules().expect("built-in rules load");
    let tests = rules::builtin_tests();
    assert!(
        tests.len() > rules.len(),
        "every rule and the library have tests"
    );
    let results = regotest::run(&rules, &rules::builtin_libs(), &tests).expect("tests load");
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.passed)
        .map(|r| format!("{} ({}): {}", r.name, r.file, r.detail))
        .collect();
    println!("{} Rego tests run", results.len());
    assert!(
        results.len() >= 300,
        "only {} Rego tests found",
        results.len()
    );
    assert!(
        failed.is_empty(),
        "failing Rego tests:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_rule_has_a_test_file() {
    let tests = rules::builtin_tests();
    for r in rules::builtin_rules().unwrap() {
        let want = r.path.replace(".rego", "_test.rego");
        assert!(
            tests.iter().any(|(p, _)| *p == want),
            "{} has no test file {want}",
            r.meta.id
        );
    }
}
