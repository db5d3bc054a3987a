//! What crosses the pipe between akslint and a policy process: JSON
//! values, one per line.
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engine::deny::{RawFinding, RuleFailure};

/// A custom policy as sent to a policy process (its metadata is parsed
/// again there, as at load).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(super) struct Policy {
    pub(super) path: String,
    pub(super) source: String,
}

/// What a policy process needs before its first request.
#[derive(Serialize, Deserialize)]
pub(super) struct Setup {
    /// The akslint process that started it (it ends when that one does).
    pub(super) parent: u32,
    pub(super) libs: Vec<(String, String)>,
    pub(super) data: serde_json::Value,
    pub(super) timeout: Duration,
    /// Its share of the memory budget.
    pub(super) memory_limit_mb: u64,
    /// The policies `Eval` requests refer to, by position.
    pub(super) policies: Vec<Policy>,
}

#[derive(Serialize)]
pub(super) enum RequestOut<'a> {
    Screen(&'a Policy),
    Eval { ids: &'a [usize], input: Wire<'a> },
}

#[derive(Deserialize)]
pub(super) enum RequestIn {
    Screen(Policy),
    Eval {
        ids: Vec<usize>,
        input: regorus::Value,
    },
}

/// An input as sent: regorus' own serialization writes numbers in decimal,
/// so a float with an integral value past 2^53 (`1e16`) would come back an
/// integer and `±1.7976931348623157e308` would not be written at all; here
/// such a float is written as one. The input holds no
/// sets, no undefined values and only string keys; anything else is
/// written as regorus writes it (sets as arrays), except an undefined
/// value, which is an error.
pub(super) struct Wire<'a>(pub(super) &'a regorus::Value);

impl Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use regorus::Value;
        use serde::ser::{Error, SerializeMap, SerializeSeq};
        /// 2^53: up to it, regorus treats an integral float as an integer.
        const SAFE: f64 = 9_007_199_254_740_992.0;
        match self.0 {
            // regorus gives a float value for every float, and for an
            // integer only up to 2^53: past it, or with a fraction, the
            // number is a float, and is written as one.
            Value::Number(n) => match (n.as_f64(), n.as_i64(), n.as_u64()) {
                (Some(f), _, _) if f.fract() != 0.0 || f.abs() > SAFE => s.serialize_f64(f),
                (_, Some(i), _) => s.serialize_i64(i),
                (_, _, Some(u)) => s.serialize_u64(u),
                _ => self.0.serialize(s),
            },
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a.iter() {
                    seq.serialize_element(&Wire(v))?;
                }
                seq.end()
            }
            Value::Object(o) if o.keys().all(|k| matches!(k, Value::String(_))) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(&Wire(k), &Wire(v))?;
                }
                map.end()
            }
            Value::Undefined => Err(S::Error::custom("an undefined value in the input")),
            other => other.serialize(s),
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) enum Response {
    /// The screening of a policy at load: `Err((path, reason))` stops the
    /// run, `Ok(Err(reason))` sets the policy aside.
    Screened(Result<Result<(), String>, (String, String)>),
    Evaluated {
        findings: Vec<RawFinding>,
        failures: Vec<RuleFailure>,
    },
    /// The policy process could not do what was asked (it could not read
    /// the request, or a policy that loaded in the parent did not load
    /// there): the reason, for every policy. It ends after saying so.
    Failed(String),
}
