//! The package a Rego source declares: shared by the rule loader
//! (`src/rules.rs`) and `build.rs`, which includes this file with
//! `#[path]` to name the compiled program's entry points.

/// The package a policy declares (`package akslint.rules.AKS001` gives
/// `data.akslint.rules.AKS001`).
pub fn package_of(src: &str) -> Option<String> {
    src.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| format!("data.{}", p.trim()))
    })
}
