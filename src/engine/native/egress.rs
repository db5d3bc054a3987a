//! AKS007 egress-firewall in Rust (see `rules.rs`), over the egress chains
//! of `rules/lib/joins.rego` (`input.joins.egress`, built by
//! `plan::joins::egress`). An input whose chains are not of the shape
//! akslint builds (a field of another type) goes to the Rego.
use regorus::Value;

use super::lib::{cluster_pools, clusters, eq_ci, key, Deny, Input, Path, S};

/// A subnet's or a pool's verdict.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    Fail,
    Unknown,
}

/// One subnet of a chain: its `table` (`joined`, `none`, `outside`,
/// `unresolved`), the route table's address, and whether some route is
/// the firewall's (`firewall_route`) or unknown.
struct Subnet<'i> {
    table: &'i str,
    route_table: Option<&'i str>,
    firewall: bool,
    unknown_route: bool,
}

fn field<'i>(v: &'i Value, name: &str) -> &'i Value {
    &v[&key(name)]
}

impl<'i> Subnet<'i> {
    fn read(v: &'i Value) -> Option<Self> {
        let (Value::Object(_), Value::String(table), Value::Array(routes)) =
            (v, field(v, "table"), field(v, "routes"))
        else {
            return None;
        };
        let route_table = match field(v, "route_table") {
            Value::String(s) => Some(s.as_ref()),
            Value::Null => None,
            _ => return None,
        };
        let (mut firewall, mut unknown_route) = (false, false);
        for r in routes.iter() {
            let (Value::Object(_), Value::Bool(unknown)) = (r, field(r, "unknown")) else {
                return None;
            };
            // `firewall_route`.
            firewall |= !unknown
                && *field(r, "address_prefix") == Value::from("0.0.0.0/0")
                && eq_ci(field(r, "next_hop_type"), "VirtualAppliance");
            unknown_route |= *unknown;
        }
        Some(Self {
            table,
            route_table,
            firewall,
            unknown_route,
        })
    }

    /// `subnet_status`.
    fn status(&self) -> Verdict {
        match self.table {
            "joined" if self.firewall => Verdict::Pass,
            "joined" if self.unknown_route => Verdict::Unknown,
            "joined" | "none" => Verdict::Fail,
            _ => Verdict::Unknown,
        }
    }

    /// `subnet_why`: None where it writes a route table that is not a
    /// string (the rule then runs as Rego).
    fn why(&self) -> Option<String> {
        Some(match self.table {
            "none" => "its subnet has no route table".into(),
            "joined" => {
                let table = self.route_table?;
                if !self.firewall && self.unknown_route {
                    format!("a route of the route table {table} is known only after apply")
                } else {
                    format!("the route table {table} has no default route `0.0.0.0/0` to a `VirtualAppliance`")
                }
            }
            "outside" => "its route table is not in this plan or state".into(),
            _ => "its route table cannot be resolved from this plan".into(),
        })
    }
}

/// `pool_status` of a pool's chain: None when the chain is not of the
/// shape akslint builds.
fn pool_status(e: &Value) -> Option<(Verdict, String)> {
    let (Value::Object(_), Value::String(subnet), Value::Array(list)) =
        (e, field(e, "subnet"), field(e, "subnets"))
    else {
        return None;
    };
    let subnets = list.iter().map(Subnet::read).collect::<Option<Vec<_>>>()?;
    let first = subnets.first();
    Some(match (subnet.as_ref(), first) {
        ("outside", _) => (
            Verdict::Unknown,
            "its subnet is not in this plan or state".into(),
        ),
        ("unresolved", _) => (Verdict::Unknown, "its subnet is set in a `dynamic` block (which the plan's configuration does not show) and known only after apply".into()),
        ("joined", Some(s)) => (s.status(), s.why()?),
        _ if subnets.iter().all(|s| s.status() == Verdict::Pass) => (Verdict::Pass, String::new()),
        _ if subnets.iter().all(|s| s.table == "none") => (
            Verdict::Fail,
            "none of the network's subnets has a route table".into(),
        ),
        _ => (Verdict::Unknown, "the plan cannot single out its subnet among the network's inline subnets, whose routes differ".into()),
    })
}

/// AKS007 egress-firewall.
pub(super) fn aks007(input: &Input<'_>) -> Option<Deny> {
    const OUTBOUND: Path = &[S::K("network_profile"), S::I(0), S::K("outbound_type")];
    const SUBNET_ID: Path = &[S::K("vnet_subnet_id")];
    // `object.get(joins, ["egress", address], null)`, where `joins` and
    // its `egress` are objects or absent.
    let egress = match &input[&key("joins")] {
        Value::Undefined => &Value::Undefined,
        joins @ Value::Object(_) => field(joins, "egress"),
        _ => return None,
    };
    if !matches!(egress, Value::Undefined | Value::Object(_)) {
        return None;
    }
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let outbound_unknown = c.unknown(OUTBOUND);
        if !outbound_unknown && !eq_ci(c.raw(OUTBOUND), "userDefinedRouting") {
            continue;
        }
        for p in cluster_pools(input, &c)? {
            let e = match egress {
                Value::Object(o) => o.get(&key(p.address)).unwrap_or(&Value::Null),
                _ => &Value::Null,
            };
            if *e == Value::Null {
                continue;
            }
            let (verdict, why) = pool_status(e)?;
            let (unknown, msg) = if verdict == Verdict::Pass {
                continue;
            } else if outbound_unknown {
                (true, format!("`outbound_type` is known only after apply, and {why}: with `userDefinedRouting`, the node subnet's route table must send `0.0.0.0/0` to the hub firewall (`next_hop_type = \"VirtualAppliance\"`)."))
            } else if verdict == Verdict::Unknown {
                (true, format!("The cluster routes egress through user-defined routing; whether through the hub firewall cannot be told from this plan: {why}. The node subnet's route table must send `0.0.0.0/0` to it (`next_hop_type = \"VirtualAppliance\"`)."))
            } else {
                (false, format!("The cluster routes egress through user-defined routing, but {why}: associate the node subnet with a route table whose `0.0.0.0/0` route goes to the hub firewall (`next_hop_type = \"VirtualAppliance\"`)."))
            };
            deny.add(&p, SUBNET_ID, unknown, msg)?;
        }
    }
    Some(deny)
}
