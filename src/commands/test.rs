//! `akslint test`: runs the `test_*` rules of policy test files through
//! regorus, so rule authors unit-test policies without installing OPA.
use crate::engine::merge_params;
use crate::error::RunError;
use crate::escape::{safe_lines, visible};
use crate::exit::ExitStatus;
use crate::report::output::write_output;
use crate::rules::{self, Rule};

/// `akslint test`: runs policy unit tests; 0 all pass, 1 a test fails, 2 a
/// policy does not load.
pub(crate) fn run_tests(
    dirs: &[std::path::PathBuf],
    builtin: bool,
) -> Result<ExitStatus, RunError> {
    let custom = rules::load_custom(dirs)?;
    let mut all_rules = Vec::new();
    let mut libs = rules::builtin_libs();
    let mut tests = custom.tests;
    if builtin {
        all_rules = rules::builtin_rules()?;
        tests.extend(rules::builtin_tests());
    }
    all_rules.extend(custom.rules);
    libs.extend(custom.libs);
    rules::check_unique(&all_rules)?;
    if tests.is_empty() {
        return Err(RunError::Usage(
            "no *_test.rego files found (give policy directories, or --builtin)".into(),
        ));
    }
    let results = run(&all_rules, &libs, &tests).map_err(|reason| RunError::InvalidRule {
        path: reason.split(':').next().unwrap_or_default().to_string(),
        reason,
    })?;
    let mut out = String::new();
    let failed = results.iter().filter(|r| !r.passed).count();
    for r in &results {
        // The file, the failure and the `print` output are hostile text:
        // each on its own lines, control characters visible, no workflow
        // command (`safe_lines`).
        if r.passed {
            out.push_str(&format!("PASS {}\n", visible(&r.name)));
        } else {
            out.push_str(&format!(
                "FAIL {} ({}): {}\n",
                visible(&r.name),
                visible(&r.file),
                visible(&r.detail)
            ));
        }
        for p in &r.prints {
            out.push_str(&format!("  print: {}\n", visible(p)));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        results.len() - failed,
        failed
    ));
    write_output(None, &safe_lines(&out))?;
    Ok(if failed > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// The outcome of one `test_*` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// `data.akslint.rules.AKS001_test.test_public_fails`
    pub name: String,
    pub file: String,
    pub passed: bool,
    /// Why it failed (its value, or the evaluation error).
    pub detail: String,
    /// What the test's `print` calls wrote, each `file:line: text`.
    pub prints: Vec<String>,
}

/// Names of the `test_*` rules a test file defines, in order of appearance.
pub(crate) fn test_rules(src: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("test_") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let full = format!("test_{name}");
            if !out.contains(&full) {
                out.push(full);
            }
        }
    }
    out
}

/// Loads policies, libraries and tests into one engine and runs every test.
/// Fails (Err) with the file and reason when a file does not load.
pub fn run(
    rules: &[Rule],
    libs: &[(String, String)],
    tests: &[(String, String)],
) -> Result<Vec<TestResult>, String> {
    let mut engine = regorus::Engine::new();
    crate::engine::harden(&mut engine)?;
    let sources = libs
        .iter()
        .map(|(p, s)| (p, s))
        .chain(rules.iter().map(|r| (&r.path, &r.source)))
        .chain(tests.iter().map(|(p, s)| (p, s)));
    let mut all = Vec::new();
    for (path, src) in sources {
        engine
            .add_policy(path.clone(), src.clone())
            .map_err(|e| format!("{path}: {e}"))?;
        all.push((path.clone(), src.clone()));
    }
    // A recursive function would overflow the stack (see engine::recursion).
    crate::engine::recursion::check(&all).map_err(|(path, reason)| format!("{path}: {reason}"))?;
    let data = merge_params(rules, &serde_json::Map::new());
    engine
        .add_data(regorus::Value::from(data))
        .map_err(|e| e.to_string())?;
    let mut results = Vec::new();
    for (path, src) in tests {
        let Some(package) = rules::package_of(src) else {
            return Err(format!("{path}: no package declaration"));
        };
        for test in test_rules(src) {
            let name = format!("{package}.{test}");
            let mut e = engine.clone();
            let outcome = crate::engine::guarded(|| e.eval_rule(name.clone()));
            let prints = crate::engine::take_prints(&mut e);
            let (passed, detail) = match outcome {
                Some(Ok(regorus::Value::Bool(true))) => (true, String::new()),
                Some(Ok(regorus::Value::Undefined)) => (false, "undefined".to_string()),
                Some(Ok(v)) => (false, v.to_string()),
                Some(Err(err)) => (false, err.to_string()),
                None => (false, "the policy engine panicked".to_string()),
            };
            results.push(TestResult {
                name,
                file: path.clone(),
                passed,
                detail,
                prints,
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules_once() {
        let src = "package x\ntest_a if { true }\ntest_b if { false }\ntest_a if { 1 == 1 }\n  test_indented if true\n";
        assert_eq!(test_rules(src), vec!["test_a", "test_b"]);
    }

    #[test]
    fn reports_passing_and_failing_tests() {
        let tests = vec![(
            "t_test.rego".to_string(),
            "package t_test\nimport rego.v1\ntest_ok if { 1 == 1 }\ntest_bad if { 1 == 2 }\n"
                .to_string(),
        )];
        let results = run(&[], &[], &tests).unwrap();
        assert_eq!(results.len(), 2);
        assert!(results[0].passed);
        assert!(!results[1].passed);
        assert_eq!(results[1].detail, "undefined");
    }

    #[test]
    fn load_error_names_the_file() {
        let tests = vec![(
            "broken_test.rego".to_string(),
            "package p\ntest_x if {".to_string(),
        )];
        let err = run(&[], &[], &tests).unwrap_err();
        assert!(err.starts_with("broken_test.rego"), "{err}");
    }
}
