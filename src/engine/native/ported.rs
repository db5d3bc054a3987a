//! The built-in rules with a Rust version (`engine::native`). Shared with
//! `build.rs`, which includes this file with `#[path]` to compile a second
//! all-at-once entry point over the other rules.

/// The ids of the rules evaluated in Rust by default.
pub const PORTED: &[&str] = &[
    "AKS001", "AKS002", "AKS003", "AKS004", "AKS010", "AKS011", "AKS012", "AKS016", "AKS017",
    "AKS018", "AKS020", "AKS022", "AKS024", "AKS039", "AKS040", "AKS041", "AKS042", "AKS043",
];
