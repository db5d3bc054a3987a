//! The built-in rules with a Rust version (`engine::native`). Shared with
//! `build.rs`, which includes this file with `#[path]` to compile a second
//! all-at-once entry point over the other rules.

/// The ids of the rules evaluated in Rust by default.
pub const PORTED: &[&str] = &[
    "AKS001", "AKS002", "AKS003", "AKS004", "AKS005", "AKS006", "AKS007", "AKS008", "AKS009",
    "AKS010", "AKS011", "AKS012", "AKS013", "AKS014", "AKS015", "AKS016", "AKS017", "AKS018",
    "AKS019", "AKS020", "AKS022", "AKS024", "AKS025", "AKS026", "AKS029", "AKS030", "AKS031",
    "AKS032", "AKS034", "AKS035", "AKS036", "AKS037", "AKS039", "AKS040", "AKS041", "AKS042",
    "AKS043", "AKS044", "AKS046", "AKS047",
];
