//! The random inputs of the rules that read lists and joins: authorized
//! IP ranges (AKS009) and the pools' egress chains (AKS007).
use serde_json::{json, Value as Json};

use super::gen::Rng;

/// Authorized IP ranges (AKS009): lists of entries that pass, are too
/// wide, do not parse, or nearly parse; now and then not a list.
pub(super) fn ranges(rng: &mut Rng) -> Json {
    let long = format!("{}\u{1f642}", "a".repeat(63));
    let lists = [
        json!(["0.0.0.0/0"]),
        json!(["::/0", "203.0.113.0/24"]),
        json!(["10.0.0.0/8", "203.0.113.7"]),
        json!(["10.0.0.0/16", "10.1.0.0/15", "2001:db8::/32", "10.2.0.0/20"]),
        json!([
            " 10.1.0.0/16 ",
            "10.1.0.0/16/8",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3"
        ]),
        json!([
            "1.2.3.4/",
            "2001:db8::/",
            "1.2.3.4/33",
            "::/129",
            "::1/128",
            "1.2.3.4/99999999999"
        ]),
        json!([
            "::ffff:203.0.113.0/120",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4/96",
            "1::2::3",
            "fe80::1%eth0"
        ]),
        json!([
            "1:2:3:4:5:6:7::",
            "::1.2.3.4",
            "1.2.3.4::",
            "1:2:3:4:5:6:7:8:9",
            "::",
            ":::",
            "1:2:3:4:5:6:7::8"
        ]),
        json!([
            "1:2:3:4:5:1.2.3.4",
            "::1.2.3.4:5",
            "12345::",
            "g::1",
            "1:2:3:4:5:6:7:1.2.3.4"
        ]),
        json!([null, 3, "x", [], {"a": 1}, true]),
        json!([
            "0.0.0.0/16",
            "0.0.0.0/00x",
            "1.2.3.4/+8",
            "1.2.3.4/\u{663}",
            "1.2.3.4/0",
            "0.0.0.0/32"
        ]),
        json!(["ünïcödé range that is far longer than sixty-four characters ✓✓✓✓✓✓✓✓✓✓"]),
        json!(["\u{1f642}".repeat(40), "a".repeat(64), long]),
        json!(["203.0.113.0/24", "198.51.100.7"]),
        json!(["203.0.113.0/24", "198.51.100.7", "2001:db8::1"]),
        json!(["\u{a0}10.0.0.0/8\u{2003}", "10.0.0.0/8\n", "10.0.0.0/24\n"]),
        json!("10.0.0.0/8"),
    ];
    // `to_number` refuses a prefix with a leading zero: odd.
    if rng.1 && rng.below(10) == 0 {
        return json!(["10.0.0.0/016"]);
    }
    rng.pick(&lists).cloned().unwrap_or_default()
}

/// A pool's egress chain (`joins.egress`): its subnet joined, ambiguous,
/// outside or unresolved, the subnets' route tables and routes.
pub(super) fn chain(rng: &mut Rng) -> Json {
    if rng.below(12) == 0 {
        return Json::Null;
    }
    // Shapes akslint never builds: odd.
    if rng.1 && rng.below(10) == 0 {
        let odd = [
            json!("x"),
            json!({"subnet": 1, "subnets": []}),
            json!({"subnet": "joined", "subnets": [{"table": "joined", "route_table": null, "routes": []}]}),
            json!({"subnet": "joined", "subnets": [{"table": "joined", "route_table": "rt", "routes": [{"unknown": "yes"}]}]}),
        ];
        return rng.pick(&odd).cloned().unwrap_or_default();
    }
    let states = ["joined", "joined", "ambiguous", "outside", "unresolved"];
    let tables = [
        "joined",
        "joined",
        "joined",
        "none",
        "outside",
        "unresolved",
    ];
    let prefixes = [
        json!("0.0.0.0/0"),
        json!("0.0.0.0/0"),
        json!("10.0.0.0/8"),
        Json::Null,
        json!("(sensitive)"),
    ];
    let hops = [
        json!("VirtualAppliance"),
        json!("virtualappliance"),
        json!("Internet"),
        Json::Null,
    ];
    let mut subnets = Vec::new();
    for k in 0..rng.below(4) {
        let table = rng.pick(&tables).copied().unwrap_or_default();
        let mut routes = Vec::new();
        if table == "joined" {
            for _ in 0..rng.below(4) {
                routes.push(json!({
                    "source": "azurerm_route.r",
                    "address_prefix": rng.pick(&prefixes).cloned().unwrap_or_default(),
                    "next_hop_type": rng.pick(&hops).cloned().unwrap_or_default(),
                    "unknown": rng.below(4) == 0,
                }));
            }
        }
        let route_table =
            (table == "joined").then(|| format!("module.n.azurerm_route_table.rt{k}"));
        subnets.push(json!({
            "address": format!("azurerm_subnet.s{k}"),
            "name": "aks",
            "table": table,
            "route_table": route_table,
            "routes": routes,
        }));
    }
    let subnet = rng.pick(&states).copied().unwrap_or_default();
    json!({"subnet": subnet, "subnets": subnets})
}
