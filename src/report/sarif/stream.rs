//! A large log written as it is rendered: its run's results, each on its
//! own (in parallel, a chunk at a time), put where serde's pretty printer
//! puts them, so that the whole list is never held.
use serde_sarif::sarif::{Result as SarifResult, Sarif};

use crate::report::output::{in_order, write_element_at, Out};

/// Where serde's pretty printer puts the (empty) results of the log's one
/// run: a raw line break is always the printer's (strings escape theirs),
/// and at this indentation only the run's keys begin a line.
const RESULTS_AT: &str = "\n      \"results\": []";

/// The log, its run's results rendered each on its own (in parallel, a
/// chunk at a time) and written in order: the bytes serde's pretty printer
/// writes for the log holding them.
pub(super) fn write_streamed<T: Sync>(
    log: &Sarif,
    items: &[T],
    result: impl Fn(&T) -> SarifResult + Sync,
    out: &mut Out<'_>,
) {
    let skeleton =
        crate::report::inert_json::to_string_pretty(log).unwrap_or_else(|_| "{}".to_string());
    if items.is_empty() {
        out.push_str(&skeleton);
        return;
    }
    let Some(at) = skeleton.find(RESULTS_AT) else {
        // Not where it is expected (it always is): the whole log at once.
        let mut log = log.clone();
        if let Some(run) = log.runs.first_mut() {
            run.results = Some(items.iter().map(&result).collect());
        }
        if crate::report::inert_json::to_writer_pretty(&mut *out, &log).is_err() {
            out.push_str("{}");
        }
        return;
    };
    let (head, tail) = skeleton.split_at(at + RESULTS_AT.len() - 1);
    out.push_str(head);
    // The log, its runs, a run, its results: a result is 4 levels deep.
    let element = |i, item: &T, buffer: &mut Vec<u8>| write_element_at(buffer, i, 4, &result(item));
    in_order(items, true, element, |text: Vec<u8>| out.push_bytes(&text));
    out.push_str("\n      ");
    out.push_str(tail);
}

#[cfg(test)]
mod tests {
    use super::super::{render_from, MAX_RESULTS};
    use crate::report::testing::report;
    use crate::report::Report;
    use serde_json::Value;

    fn rendered(report: &Report, parallel_from: usize) -> String {
        crate::report::output::render_string(|out| {
            render_from(report, Some("akslint/"), None, out, parallel_from);
        })
    }

    #[test]
    fn results_rendered_in_parallel_are_the_log_serde_writes() {
        for (findings, fixed, errors) in [
            (0, 0, false),
            (0, 0, true),
            (1, 0, false),
            (0, 3, true),
            (9, 4, true),
            (MAX_RESULTS + 7, 2, false),
        ] {
            let r = report(findings, fixed, errors);
            let streamed = rendered(&r, 0);
            assert!(
                streamed == rendered(&r, usize::MAX),
                "{findings} findings, {fixed} fixed, errors {errors}"
            );
            let log: Value = serde_json::from_str(&streamed).unwrap();
            let results = log["runs"][0]["results"].as_array().map(Vec::len);
            // Fixed findings are no results.
            assert_eq!(results, Some(findings.min(MAX_RESULTS)));
        }
    }
}
