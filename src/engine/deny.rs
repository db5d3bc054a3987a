//! The `deny` contract: what a rule's `deny` set must hold, parsed into
//! raw findings, and rule errors cut to one line without input values.
use crate::finding::{Status, Step};

/// What a rule's `deny` set says about one resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RawFinding {
    pub rule: usize,
    pub message: String,
    pub resource: String,
    pub attribute: Vec<Step>,
    pub status: Status,
}

/// A rule that failed to evaluate on one input.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RuleFailure {
    pub rule_id: String,
    pub reason: String,
}

/// A VM error on one line, without the values some of them carry
/// (`value=...`, `Cannot add Number(..) and String(..)`: input values).
pub(super) fn vm_error(s: &str) -> String {
    let line = first_line(s);
    let cut = [
        " (", ": ", "{", "\"", "Number(", "String(", "Array(", "Object(", "Set(", "Bool(",
    ]
    .iter()
    .filter_map(|m| line.find(m))
    .min()
    .unwrap_or(line.len());
    line.get(..cut).unwrap_or_default().trim_end().to_string()
}

/// An evaluation error on one line: regorus errors span several lines
/// (location, source excerpt, message), and often begin with a blank one.
pub(super) fn first_line(s: &str) -> String {
    let parts: Vec<&str> = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| matches!(c, '|' | '^' | ' ' | '-')))
        // regorus lists the variables in scope after "scopes": input values.
        .map(|l| l.split(" scopes").next().unwrap_or_default())
        .collect();
    parts.join(" ").chars().take(400).collect()
}

/// One step of a finding's `attribute`: a string key, or a whole number
/// as an index.
pub(super) fn step(s: &regorus::Value) -> Result<Step, String> {
    match s {
        regorus::Value::String(k) => Ok(Step::Key(k.to_string())),
        regorus::Value::Number(n) => n
            .as_u64()
            .map(Step::Index)
            .ok_or_else(|| "an attribute index is not a whole number".to_string()),
        _ => Err("an attribute step is neither string nor number".to_string()),
    }
}

pub(super) fn parse_deny(rule: usize, v: &regorus::Value) -> Result<Vec<RawFinding>, String> {
    let items: Vec<&regorus::Value> = match v {
        regorus::Value::Set(s) => s.iter().collect(),
        regorus::Value::Array(a) => a.iter().collect(),
        _ => return Err("`deny` is not a set".to_string()),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let regorus::Value::Object(o) = item else {
            return Err("a `deny` element is not an object".to_string());
        };
        let get = |k: &str| o.get(&regorus::Value::from(k));
        let message = match get("msg") {
            Some(regorus::Value::String(s)) => s.to_string(),
            _ => return Err("a `deny` element has no string `msg`".to_string()),
        };
        let resource = match get("resource") {
            Some(regorus::Value::String(s)) => s.to_string(),
            _ => return Err("a `deny` element has no string `resource`".to_string()),
        };
        let attribute = match get("attribute") {
            Some(regorus::Value::Array(a)) => a.iter().map(step).collect::<Result<Vec<_>, _>>()?,
            None | Some(regorus::Value::Null) => Vec::new(),
            Some(_) => return Err("a `deny` element's `attribute` is not an array".to_string()),
        };
        let status = match get("status") {
            None | Some(regorus::Value::Null) => Status::Fail,
            Some(regorus::Value::String(s)) if &**s == "fail" => Status::Fail,
            Some(regorus::Value::String(s)) if &**s == "unknown" => Status::Unknown,
            Some(_) => return Err("a `deny` element's `status` is not fail or unknown".to_string()),
        };
        out.push(RawFinding {
            rule,
            message,
            resource,
            attribute,
            status,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_errors_carry_no_values() {
        for (raw, shown) in [
            ("Cannot add Number(1) and String(\"secret\")", "Cannot add"),
            (
                "Register 3 does not contain an array (value=String(\"x\"), pc=7)",
                "Register 3 does not contain an array",
            ),
            ("Cannot iterate over Object({})", "Cannot iterate over"),
            (
                "Execution exceeded time limit (elapsed=2s, limit=1s, pc=9)",
                "Execution exceeded time limit",
            ),
        ] {
            assert_eq!(vm_error(raw), shown);
        }
    }
}
