//! Built-in rules evaluated in Rust. The VM spends most of a rule's time
//! entering functions and reading arguments (docs/performance.md); the
//! costliest rules, which read a few attributes of each cluster or pool,
//! also have a Rust version that gives the same `deny` set from the same
//! input. The Rego stays the definition and the documentation: the tests
//! compare the two (tests/engines.rs, tests/proptest_plans.rs), and a Rust
//! version hands an input of a shape it does not read back to the Rego.
//! `--engine vm` runs every rule as Rego.
mod cluster;
mod egress;
mod lib;
mod pools;
pub(crate) mod ported;
mod rules;
mod scaling;
mod vaults;
mod versions;

use serde_json::Value as Json;

use super::deny::RawFinding;

pub(crate) use lib::Input;
pub(crate) use ported::PORTED;

/// The findings of a ported rule (its index `rule`) on one input, as the
/// Rego's `deny` set gives them, in its order; None when the rule has no
/// Rust version or the input is not of a shape it reads (the rule then
/// runs as Rego). `data` is the data document
/// (`{"akslint": {"params": ...}}`).
pub(super) fn deny(
    id: &str,
    rule: usize,
    input: &Input<'_>,
    data: &Json,
) -> Option<Vec<RawFinding>> {
    let params = data.pointer(&format!("/akslint/params/{id}"));
    let deny = match id {
        "AKS001" => rules::aks001(input),
        "AKS002" => rules::aks002(input),
        "AKS003" => rules::aks003(input, &strings(params?.get("allowed_policies")?)?),
        "AKS004" => rules::aks004(input),
        "AKS005" => rules::aks005(input, &strings(params?.get("allowed_outbound_types")?)?),
        "AKS006" => pools::aks006(input),
        "AKS007" => egress::aks007(input),
        "AKS008" => cluster::aks008(input),
        "AKS009" => {
            let min = params?.get("min_prefix").filter(|v| v.is_number())?;
            versions::aks009(input, &regorus::Value::from(min.clone()))
        }
        "AKS010" => pools::aks010(input),
        "AKS011" => {
            let min = params?.get("min_nodes").filter(|v| v.is_number())?;
            rules::aks011(input, &regorus::Value::from(min.clone()))
        }
        "AKS013" => scaling::aks013(input),
        "AKS014" => pools::aks014(input),
        "AKS015" => pools::aks015(input),
        "AKS012" => {
            let required = params?.get("required_zones")?.as_array()?;
            let required: Vec<regorus::Value> =
                required.iter().cloned().map(regorus::Value::from).collect();
            pools::aks012(input, &required)
        }
        "AKS016" => {
            let max = params?.get("max_price").filter(|v| v.is_number())?;
            pools::aks016(input, &regorus::Value::from(max.clone()))
        }
        "AKS017" => pools::aks017(input),
        "AKS018" => pools::aks018(input),
        "AKS019" => {
            let min = params?.get("min_nodes").filter(|v| v.is_number())?;
            scaling::aks019(input, &regorus::Value::from(min.clone()))
        }
        "AKS020" => rules::aks020(input),
        "AKS022" => rules::aks022(input),
        "AKS024" => rules::aks024(input),
        "AKS025" => cluster::aks025(input),
        "AKS026" => cluster::aks026(input),
        "AKS029" => cluster::aks029(input),
        "AKS030" => cluster::aks030(input),
        "AKS031" => cluster::aks031(input),
        "AKS032" => cluster::aks032(input),
        "AKS034" => cluster::aks034(input),
        "AKS035" => cluster::aks035(input),
        "AKS036" => vaults::aks036(input),
        "AKS037" => vaults::aks037(input),
        "AKS040" => rules::aks040(input),
        "AKS039" => {
            let max = params?
                .get("max_interval_hours")
                .filter(|v| v.is_number())?;
            rules::aks039(input, &regorus::Value::from(max.clone()))
        }
        "AKS041" => rules::aks041(input),
        "AKS042" => rules::aks042(input),
        "AKS043" => rules::aks043(input),
        "AKS044" => cluster::aks044(input),
        "AKS046" => {
            let params = params?;
            let min = params.get("min_version")?;
            let skew = params.get("max_skew").filter(|v| v.is_number())?;
            versions::aks046(
                input,
                &regorus::Value::from(min.clone()),
                &regorus::Value::from(skew.clone()),
            )
        }
        "AKS047" => {
            let min = params?.get("min").filter(|v| v.is_number())?;
            pools::aks047(input, &regorus::Value::from(min.clone()))
        }
        _ => None,
    }?;
    Some(deny.into_findings(rule))
}

/// A parameter that is a list of strings (None otherwise: the rule then
/// runs as Rego, which formats other values with `%v`).
fn strings(v: &Json) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests;
