//! The commands: `akslint [PATHS]` ([`check`]), `akslint rules` and
//! `akslint explain` ([`explain`]), `akslint test` ([`test`]).
pub(crate) mod check;
pub mod explain;
pub mod test;
