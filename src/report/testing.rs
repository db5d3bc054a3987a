//! Reports built by hand for the reporters' unit tests.
use super::{FileReport, Report};
use crate::error::InputError;
use crate::finding::{
    Change, Finding, Location, Severity, Status, Step, Suppression, SuppressionKind,
};
use crate::{Gate, UnknownMode};

/// Finding `i` of a sample report: every rule, severity, status, change,
/// with and without a location and a suppression (rule AKS001 and AKS004
/// on some common resources), and hostile text.
fn one(i: usize) -> Finding {
    Finding {
        rule_id: format!("AKS{:03}", i % 47 + 1),
        rule_name: "private-cluster".into(),
        severity: Severity::ALL[i % Severity::ALL.len()],
        status: if i.is_multiple_of(3) {
            Status::Unknown
        } else {
            Status::Fail
        },
        address: format!(
            "module.m{}[\"a\\\"b\"].azurerm_kubernetes_cluster.this",
            i / 50
        ),
        resource_type: "azurerm_kubernetes_cluster".into(),
        attribute: vec![
            Step::Key("network_profile".into()),
            Step::Index(u64::from(i % 2 == 1)),
            Step::Key("network_plugin".into()),
        ],
        message: format!("日本 \"quoted\"\nline\t{i} \u{1} </x> \\ \u{202e}"),
        file: "plans/plan.json".into(),
        location: i.is_multiple_of(2).then(|| Location {
            file: "main.tf".into(),
            line: i + 1,
            column: 3,
            end_line: i + 2,
            end_column: 40,
            source_path: None,
        }),
        suppression: i.is_multiple_of(5).then(|| Suppression {
            kind: SuppressionKind::Exception,
            justification: format!("ticket\n{i}"),
        }),
        change: if i.is_multiple_of(4) {
            Change::Existing
        } else {
            Change::New
        },
    }
}

pub(crate) fn report(findings: usize, fixed: usize, errors: bool) -> Report {
    Report {
        files: vec![FileReport {
            file: "plans/plan.json".into(),
            resources: 7,
            findings: (0..findings).map(one).collect(),
            errors: if errors {
                vec![InputError::Json {
                    file: "bad.json".into(),
                    line: 1,
                    column: 2,
                    reason: "expected value".into(),
                }]
            } else {
                Vec::new()
            },
            linted: true,
            fixed: (0..fixed).map(one).collect(),
            moved: Vec::new(),
        }],
        rules: Vec::new(),
        unknown: UnknownMode::Warn,
        fail_on: Some(Severity::Low),
        warnings: if errors {
            vec!["an \"expired\"\nexception".into()]
        } else {
            Vec::new()
        },
        show_suppressed: true,
        gate: Gate::All,
    }
}
