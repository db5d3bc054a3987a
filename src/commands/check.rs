//! `akslint [PATHS]`: the lint run. Each input goes through the pipeline
//! read -> normalize -> evaluate -> locate -> inline ignores, in parallel
//! with the others; then exceptions and the baseline, the reports, and the
//! exit status.
use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::Format;
use crate::engine::process::Isolation;
use crate::engine::RuleEngine;
use crate::engine::{RawFinding, RuleFailure};
use crate::error::{InputError, RunError};
use crate::escape::safe_line;
use crate::exit::ExitStatus;
use crate::finding::{Change, Finding};
use crate::plan::{self, Expanded, Model, TypeFilter, View};
use crate::report::output::{write_output, write_with, Out};
use crate::report::{self, FileReport, Report};
use crate::settings::Settings;
use crate::source::locate::{plan_positions, Locator};
use crate::source::SourceFiles;
use crate::triage;

/// Resources (of the types the rules read) from which one file's rules are
/// evaluated in parallel.
const PARALLEL_RULES_THRESHOLD: usize = 200;

/// Slices of a large file's input per worker (see `Model::slices`): more
/// slices balance the load and keep less input alive at once.
const SLICES_PER_WORKER: usize = 4;

/// Marks a walked JSON file that is not Terraform output.
const SKIPPED: &str = "\u{0}skipped";

/// Runs the rules over one model: a large one gets the rules spread over
/// the cores; small ones are already linted in parallel with each other.
/// The built-in rules judge the values the plan marks sensitive as they are
/// (`View::Actual`); custom policies see them redacted.
fn evaluate(engine: &mut RuleEngine, model: &Model) -> (Vec<RawFinding>, Vec<RuleFailure>) {
    let small = model.resources.len() < PARALLEL_RULES_THRESHOLD;
    let withheld = model.has_withheld();
    if small && !withheld {
        return engine.evaluate(model.to_input());
    }
    let (mut findings, mut failures) = if engine.has_builtin() {
        let (mut found, failed) = evaluate_builtin(engine, model, View::Actual);
        if withheld {
            let (shown, _) = evaluate_builtin(engine, model, View::Masked);
            withhold_messages(&mut found, &shown, engine);
        }
        (found, failed)
    } else {
        (Vec::new(), Vec::new())
    };
    // Custom policies may read the whole input: on at most two whole
    // inputs at once.
    if engine.has_custom() {
        let (mut f, mut e) = engine.evaluate_custom_parallel(|| model.to_input());
        findings.append(&mut f);
        failures.append(&mut e);
        findings.sort_by_key(|f| f.rule);
    }
    (findings, failures)
}

/// The built-in rules over one model, in `view`. A large model's are run
/// on slices (each cluster with what is joined to it), a few per worker:
/// the inputs alive at once are a fraction of the whole, whatever the
/// number of workers.
fn evaluate_builtin(
    engine: &mut RuleEngine,
    model: &Model,
    view: View,
) -> (Vec<RawFinding>, Vec<RuleFailure>) {
    if model.resources.len() < PARALLEL_RULES_THRESHOLD {
        return engine.evaluate_builtin(model.to_input_as(view));
    }
    let workers = rayon::current_num_threads().min(crate::engine::MAX_SLICE_WORKERS);
    let slices = model.slices(SLICES_PER_WORKER * workers);
    engine.evaluate_sliced(slices.len(), |i| {
        slices
            .get(i)
            .map_or_else(regorus::Value::new_object, |s| model.slice_input(s, view))
    })
}

/// Withholds the message of each built-in finding (judged on the actual
/// values) that the same rule does not give, word for word, when those
/// values are known only after apply (`shown`, [`View::Masked`]): that
/// message depends on a value the plan marks sensitive, and could show it
/// (the value itself, a part of it, or something computed from it). The
/// verdict, the resource and the attribute stay.
fn withhold_messages(found: &mut [RawFinding], shown: &[RawFinding], engine: &RuleEngine) {
    let shown: HashSet<&RawFinding> = shown.iter().collect();
    for f in found.iter_mut() {
        if shown.contains(&*f) {
            continue;
        }
        let title = engine
            .rules()
            .get(f.rule)
            .map_or("", |r| r.meta.title.as_str());
        f.message = format!(
            "{title}. The message is withheld: it would show a value the plan marks sensitive."
        );
    }
}

/// Raw findings as findings of `file`, not yet located.
fn findings_of(
    raw: Vec<RawFinding>,
    engine: &RuleEngine,
    model: &Model,
    file: &str,
) -> Vec<Finding> {
    let rules = engine.rules();
    let finding = |r: RawFinding| {
        let meta = &rules.get(r.rule)?.meta;
        Some(Finding {
            rule_id: meta.id.clone(),
            rule_name: meta.name.clone(),
            severity: meta.severity,
            status: r.status,
            resource_type: model
                .resource_type(&r.resource)
                .unwrap_or_default()
                .to_string(),
            location: None,
            address: r.resource,
            attribute: r.attribute,
            message: r.message,
            file: file.to_string(),
            suppression: None,
            change: Change::New,
        })
    };
    // In the order of `raw`, at any thread count.
    if raw.len() >= PARALLEL_FINDINGS {
        raw.into_par_iter()
            .with_min_len(512)
            .filter_map(finding)
            .collect()
    } else {
        raw.into_iter().filter_map(finding).collect()
    }
}

/// Findings of one file from this many on are placed in the source and
/// sorted in parallel (each placed on its own, the sort stable: the same
/// report at any thread count).
const PARALLEL_FINDINGS: usize = 4096;

/// The `--base` file's findings: the before side of every input.
fn base_findings(
    path: &std::path::Path,
    engine: &mut RuleEngine,
    filter: &TypeFilter,
    max_input_size: u64,
) -> Result<Vec<Finding>, RunError> {
    let bad = |e: InputError| RunError::Usage(format!("--base: {e}"));
    // `-`: standard input, as for the inputs.
    let path = (path != std::path::Path::new("-")).then_some(path);
    let src = plan::read::read_limited(path, max_input_size).map_err(bad)?;
    let model = plan::normalize(&src, filter).map_err(bad)?;
    let (raw, failures) = evaluate(engine, &model);
    if let Some(f) = failures.first() {
        return Err(RunError::Usage(format!(
            "--base {}: rule {} failed: {}",
            path.map_or_else(|| "-".into(), |p| p.display().to_string()),
            f.rule_id,
            f.reason
        )));
    }
    Ok(findings_of(raw, engine, &model, &src.name))
}

/// Lints one input with one engine.
fn lint_one(
    item: &Expanded,
    engine: &mut RuleEngine,
    filter: &TypeFilter,
    settings: &Settings,
    files: &Arc<SourceFiles>,
    base: Option<&[Finding]>,
) -> Option<(FileReport, Vec<String>)> {
    let failed = |file: String, e: InputError| FileReport {
        file,
        resources: 0,
        findings: Vec::new(),
        errors: vec![e],
        linted: false,
        fixed: Vec::new(),
        moved: Vec::new(),
    };
    let (path, walked) = match item {
        Expanded::Error(e) => return Some((failed(e.file().to_string(), e.clone()), Vec::new())),
        Expanded::Stdin => (None, false),
        Expanded::File(p) => (Some(p.as_path()), false),
        Expanded::Walked(p) => (Some(p.as_path()), true),
    };
    let name = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let t0 = std::time::Instant::now();
    let src = match plan::read::read_limited(path, settings.max_input_size) {
        Ok(s) => s,
        Err(e) => return Some((failed(name, e), Vec::new())),
    };
    let t1 = std::time::Instant::now();
    // A walked file that is not Terraform output is reported by the caller,
    // in input order.
    let not_linted = |e: InputError| match e {
        InputError::NotTerraform { .. } if walked => (
            FileReport {
                file: name.clone(),
                resources: 0,
                findings: Vec::new(),
                errors: Vec::new(),
                linted: false,
                fixed: Vec::new(),
                moved: Vec::new(),
            },
            vec![SKIPPED.to_string()],
        ),
        e => (failed(name.clone(), e), Vec::new()),
    };
    // The text is needed again only for the findings' lines in the plan:
    // those of every address are found while the configuration is parsed,
    // and the text (as large as the file) is dropped before the values are
    // built.
    // Standard input has no line to point to.
    let positions =
        path.map(|_| |addresses: &HashSet<String>| plan_positions(&src.text, addresses));
    let (prepared, positions) = match plan::prepare_beside(&src, filter, positions) {
        Ok((p, positions)) => (p, positions.unwrap_or_default()),
        Err(e) => return Some(not_linted(e)),
    };
    let large = src.text.len() as u64 >= crate::engine::memory::LARGE_INPUT;
    drop(src);
    let mut model = match prepared.finish() {
        Ok(m) => m,
        Err(e) => return Some(not_linted(e)),
    };
    if large {
        crate::engine::memory::collect_freed();
    }
    let t2 = std::time::Instant::now();
    let (raw, mut failures) = evaluate(engine, &model);
    // The before side: `--base`, else the plan's own `before` values (only
    // when some change has one: a create-only plan skips it), else none.
    let raw_before = match (base, &model.before) {
        (None, Some(before)) => {
            let (raw, more) = evaluate(engine, before);
            failures.extend(more);
            Some(raw)
        }
        _ => None,
    };
    // Nothing reads the values after the rules: they go before the
    // findings are built.
    model.drop_values();
    if large {
        crate::engine::memory::collect_freed();
    }
    let t3 = std::time::Instant::now();
    let mut findings = findings_of(raw, engine, &model, &name);
    let (before, default) = match (base, model.before.as_deref(), raw_before) {
        (Some(base), _, _) => (
            Some(
                base.iter()
                    .map(|f| Finding {
                        file: name.clone(),
                        ..f.clone()
                    })
                    .collect(),
            ),
            Change::New,
        ),
        (None, Some(before), Some(raw)) => {
            (Some(findings_of(raw, engine, before, &name)), Change::New)
        }
        // A state has no before side: what it holds exists already.
        _ if model.kind == plan::parse::Kind::State => (None, Change::Existing),
        _ => (None, Change::New),
    };
    // The plan's own before side has the addresses of now; `--base`, those
    // of before the plan's `moved` blocks.
    let moved = if base.is_some() {
        &model.moved[..]
    } else {
        &[]
    };
    let mut fixed = triage::change::classify(&mut findings, before, moved, default);
    let t4 = std::time::Instant::now();
    let locator = Locator::new(
        path,
        positions,
        &model,
        files,
        settings.source_dir.as_deref(),
        settings.repo_root.as_deref(),
    );
    let place = |f: &mut Finding| f.location = locator.locate(&model, &f.address, &f.attribute);
    if findings.len() >= PARALLEL_FINDINGS {
        findings.par_iter_mut().with_min_len(512).for_each(place);
    } else {
        findings.iter_mut().for_each(place);
    }
    for f in &mut fixed {
        f.location = locator
            .locate(&model, &f.address, &f.attribute)
            .or_else(|| {
                let before = model.before.as_deref()?;
                locator.locate(before, &f.address, &f.attribute)
            });
        if f.resource_type.is_empty() {
            if let Some(t) = model
                .before
                .as_deref()
                .and_then(|b| b.resource_type(&f.address))
            {
                f.resource_type = t.to_string();
            }
        }
    }
    let t5 = std::time::Instant::now();
    let known = &settings.known_rules;
    let mut warnings = triage::apply_inline(
        &locator,
        files,
        settings.today,
        &model,
        known,
        &mut findings,
    );
    warnings.extend(triage::apply_inline(
        &locator,
        files,
        settings.today,
        &model,
        known,
        &mut fixed,
    ));
    warnings.sort();
    warnings.dedup();
    // Suppressed findings are never counted as fixed.
    fixed.retain(|f| f.suppression.is_none());
    // Both sorts are stable: the same order at any thread count.
    if findings.len() >= PARALLEL_FINDINGS {
        findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    } else {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    findings.dedup();
    fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    failures.sort_by(|a, b| (&a.rule_id, &a.reason).cmp(&(&b.rule_id, &b.reason)));
    failures.dedup_by(|a, b| a.rule_id == b.rule_id && a.reason == b.reason);
    let errors = failures
        .into_iter()
        .map(|f| InputError::Rule {
            file: name.clone(),
            rule: f.rule_id,
            reason: f.reason,
        })
        .collect();
    if settings.timings {
        let us = |d: std::time::Duration| d.as_micros();
        eprintln!(
            "akslint: timing: {}: read {} µs, normalize {} µs, evaluate {} µs, before side {} µs, locate {} µs, suppress {} µs",
            safe_line(&name),
            us(t1 - t0),
            us(t2 - t1),
            us(t3 - t2),
            us(t4 - t3),
            us(t5 - t4),
            us(t5.elapsed())
        );
    }
    Some((
        FileReport {
            file: name,
            resources: model.resource_count,
            findings,
            errors,
            linted: true,
            fixed,
            moved: std::mem::take(&mut model.moved),
        },
        warnings,
    ))
}

/// An input of [`crate::engine::memory::LARGE_INPUT`] bytes or more.
fn is_large(item: &Expanded) -> bool {
    let len = match item {
        Expanded::File(p) | Expanded::Walked(p) => std::fs::metadata(p).map(|m| m.len()),
        #[cfg(unix)]
        Expanded::Stdin => rustix::fs::fstat(std::io::stdin())
            .map(|s| u64::try_from(s.st_size).unwrap_or(0))
            .map_err(std::io::Error::from),
        #[cfg(not(unix))]
        Expanded::Stdin => return false,
        Expanded::Error(_) => return false,
    };
    len.is_ok_and(|n| n >= crate::engine::memory::LARGE_INPUT)
}

/// Lints every input and writes the report; returns the exit status.
pub(crate) fn lint(settings: Settings) -> Result<ExitStatus, RunError> {
    let Settings {
        ref rules,
        ref libs,
        ref config_file,
        ..
    } = settings;
    // The memory budget binds custom policies: in policy processes, each
    // takes its share there; else this process has it. (Set here, it would
    // also bind the inputs this process builds for them.)
    let isolation = Isolation::enabled(settings.memory_limit_mb);
    if isolation.is_none() && rules.iter().any(|r| !r.builtin) {
        crate::engine::memory::set_budget_mb(settings.memory_limit_mb);
    }
    let engine = RuleEngine::with_isolation(
        rules.clone(),
        libs,
        &config_file.params,
        settings.policy_timeout,
        settings.backend,
        settings.timings,
        isolation.as_ref(),
    )?;
    let filter = engine.type_filter();
    let items = plan::read::expand(&settings.paths);
    if items.iter().any(is_large) {
        crate::engine::memory::for_large_input();
    }
    let files = Arc::new(SourceFiles::new());
    let base = match &settings.base {
        Some(path) if path.as_os_str() == "-" && items.iter().any(|i| matches!(i, Expanded::Stdin)) => {
            return Err(RunError::Usage(
                "--base - and an input - would both read standard input: give one of them as a file"
                    .into(),
            ))
        }
        Some(path) => Some(base_findings(
            path,
            &mut engine.clone(),
            &filter,
            settings.max_input_size,
        )?),
        None => None,
    };
    let results: Vec<(FileReport, Vec<String>)> = items
        .par_iter()
        .map_init(
            || engine.clone(),
            |eng, item| lint_one(item, eng, &filter, &settings, &files, base.as_deref()),
        )
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let mut warnings: Vec<String> = Vec::new();
    let mut reports = Vec::with_capacity(results.len());
    for (file, w) in results {
        if w.first().map(String::as_str) == Some(SKIPPED) {
            eprintln!(
                "akslint: skipping {}: not a Terraform plan or state",
                safe_line(&file.file)
            );
            continue;
        }
        warnings.extend(w);
        reports.push(file);
    }
    // The before side of one plan is not that of another: a finding of
    // one would be "existing" because the other has it.
    if let Some(path) = &settings.base {
        let linted: Vec<&str> = reports
            .iter()
            .filter(|r| r.linted)
            .map(|r| r.file.as_str())
            .collect();
        if linted.len() > 1 {
            return Err(RunError::Usage(format!(
                "--base {} is the before side of one plan, and {} plans were linted ({}{}): \
                 lint each plan with its own --base",
                path.display(),
                linted.len(),
                linted
                    .iter()
                    .take(3)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                if linted.len() > 3 { ", ..." } else { "" }
            )));
        }
    }
    warnings.extend(triage::identity::repeated_warnings(&reports));
    warnings.extend(triage::apply_exceptions(
        config_file,
        settings.today,
        &mut reports,
    ));
    let mut metas: Vec<_> = engine.rules().iter().map(|r| r.meta.clone()).collect();
    metas.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(path) = &settings.baseline {
        let ran: HashSet<&str> = metas.iter().map(|m| m.id.as_str()).collect();
        let unmatched = triage::apply_baseline(path, &mut reports, &ran)?;
        // Refreshing it is what the warning would advise.
        if settings.write_baseline.is_none() {
            warnings.extend(unmatched);
        }
    }
    // Suppressed findings are never counted as fixed.
    for r in &mut reports {
        r.fixed.retain(|f| f.suppression.is_none());
    }
    let report = Report {
        files: reports,
        rules: metas,
        unknown: settings.unknown,
        fail_on: settings.fail_on,
        warnings,
        show_suppressed: settings.show_suppressed,
        gate: settings.gate,
    };
    for w in &report.warnings {
        eprintln!("akslint: warning: {}", safe_line(w));
    }
    // Written as rendered: a large report is never held whole.
    let render = |format: Format, color: bool, out: &mut Out<'_>| match format {
        Format::Text if settings.quiet => report::compact::render_quiet_to(&report, out),
        Format::Text if settings.compact => report::compact::render_to(&report, color, out),
        Format::Text => report::text::render_to(&report, color, &files, out),
        Format::Json => report::json::render_to(&report, out),
        Format::Sarif => report::sarif::render_to(
            &report,
            settings.category.as_deref(),
            settings.repo_root.as_deref(),
            settings.source_dir.as_deref(),
            out,
        ),
        Format::Markdown => {
            out.push_str(&report::markdown::render(
                &report,
                settings.link_base.as_deref(),
            ));
        }
        Format::Github => report::github::render_to(&report, out),
        Format::Junit => report::junit::render_to(&report, out),
    };
    for (format, path) in &settings.reports {
        write_with(Some(path), |out| render(*format, false, out))?;
    }
    write_with(settings.output.as_deref(), |out| {
        render(settings.format, settings.color, out);
    })?;
    if let Some(path) = &settings.write_baseline {
        // An input that could not be linted has findings no one knows: a
        // baseline without them would drop what it accepted.
        if report.errors().next().is_some() {
            eprintln!(
                "akslint: error: {} not written: an input could not be linted (above)",
                safe_line(&path.display().to_string())
            );
            return Ok(ExitStatus::Error);
        }
        let text = triage::baseline::render(path, &report, settings.baseline.as_deref())?;
        write_output(Some(path), &text)?;
        // Recording today's findings is the point: only errors fail the run.
        return Ok(ExitStatus::Clean);
    }
    let status = report.exit_status();
    // Freeing a large report takes tens of milliseconds after everything
    // is written (40-67 ms for 87,538 findings on 2 threads): another
    // thread does it, and the process may end first.
    let findings: usize = report.files.iter().map(|f| f.findings.len()).sum();
    if findings >= PARALLEL_FINDINGS {
        // A thread that cannot be started drops the report here.
        let _ = std::thread::Builder::new().spawn(move || drop(report));
    }
    Ok(status)
}
