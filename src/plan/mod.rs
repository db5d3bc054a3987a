//! The plan stage: from a path to the normalized model of one Terraform plan
//! or state, and from the model to the Rego `input`.
//!
//! - [`read`]: paths and directories, encodings;
//! - [`parse`]: the top level of `terraform show -json` output, streamed;
//! - [`normalize`]: the baseline's value semantics (unknown, sensitive),
//!   the resources the rules read;
//! - [`configuration`]: the plan's `configuration` block (references,
//!   module calls), not to be confused with `.akslint.toml`, read by
//!   [`config_section`];
//! - [`join`]: node pools and federated credentials joined to clusters;
//! - [`address`]: Terraform resource addresses;
//! - [`input`]: the model as the documented Rego `input`.
pub(crate) mod address;
mod config_section;
#[rustfmt::skip]
mod configured_attributes;
pub(crate) mod configuration;
mod input;
pub use input::{Slice, View};
mod changes;
mod join;
pub(crate) mod joins;
pub mod normalize;
pub mod parse;
mod pools;
pub mod read;
mod scan;
mod unknown;
#[rustfmt::skip]
pub(crate) mod sensitive_attributes;

pub(crate) use normalize::SECRET_KEYS;
pub use normalize::{normalize, prepare, prepare_beside, Model, Prepared, TypeFilter};
pub use parse::MAX_DEPTH;
pub(crate) use read::Expanded;
pub use read::{decode, read, Source};
