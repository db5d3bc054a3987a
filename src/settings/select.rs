//! The rules of a run: built-in and custom (from `--policy` and the config
//! file's `policies`), with the config file's changes, narrowed by
//! `--rule`, `--skip-rule` and the file's `disable`.
use std::path::{Path, PathBuf};

use super::config_file::{self, ConfigFile};
use crate::cli::CheckArgs;
use crate::error::RunError;
use crate::rules::{self, Library, Rule};

pub(crate) struct Selected {
    pub rules: Vec<Rule>,
    pub libs: Vec<Library>,
    pub config_file: ConfigFile,
    /// The ids and names of every rule of the catalog, lowercase (what an
    /// inline `akslint:ignore` may name, selected or not).
    pub known: std::collections::BTreeSet<String>,
}

pub(super) fn select_rules(args: &CheckArgs) -> Result<Selected, RunError> {
    let Selected {
        rules: mut all,
        libs,
        config_file: config,
        known,
    } = catalog(&args.policies, args.config.as_deref(), args.no_config)?;
    for key in args.rules.iter().chain(&args.skip_rules) {
        if rules::find(&all, key).is_none() {
            return Err(RunError::UnknownRule(key.clone()));
        }
    }
    let matches = |r: &Rule, keys: &[String]| {
        keys.iter()
            .any(|k| r.meta.id.eq_ignore_ascii_case(k) || r.meta.name.eq_ignore_ascii_case(k))
    };
    all.retain(|r| {
        (args.rules.is_empty() || matches(r, &args.rules))
            && !matches(r, &args.skip_rules)
            && !config.disable.contains(&r.meta.id)
    });
    Ok(Selected {
        rules: all,
        libs,
        config_file: config,
        known,
    })
}

/// Every rule a run could use: the built-in ones and the custom policies of
/// `--policy` and the config file (discovered unless `config` or
/// `no_config`), validated, with the file's severity overrides. Also what
/// `akslint rules` and `akslint explain` list.
pub(crate) fn catalog(
    policies: &[PathBuf],
    config: Option<&Path>,
    no_config: bool,
) -> Result<Selected, RunError> {
    let path = match (config, no_config) {
        (_, true) => None,
        (Some(p), false) => Some(p.to_path_buf()),
        (None, false) => std::env::current_dir()
            .ok()
            .and_then(|d| config_file::discover(&d)),
    };
    let loaded = match &path {
        Some(p) => Some(config_file::load(p).map_err(RunError::Config)?),
        None => None,
    };
    let mut policy_dirs = policies.to_vec();
    if let Some(l) = &loaded {
        policy_dirs.extend(l.policies().map_err(RunError::Config)?);
    }
    let mut all = rules::builtin_rules()?;
    let mut libs = rules::builtin_libs();
    let custom = rules::load_custom(&policy_dirs)?;
    all.extend(custom.rules);
    libs.extend(custom.libs);
    rules::check_unique(&all)?;
    let config = match &loaded {
        Some(l) => config_file::validate(l, &all).map_err(RunError::Config)?,
        None => ConfigFile::default(),
    };
    for r in &mut all {
        if let Some(sev) = config.severity.get(&r.meta.id) {
            r.meta.severity = *sev;
        }
    }
    let known = all
        .iter()
        .flat_map(|r| {
            [
                r.meta.id.to_ascii_lowercase(),
                r.meta.name.to_ascii_lowercase(),
            ]
        })
        .collect();
    Ok(Selected {
        rules: all,
        libs,
        config_file: config,
        known,
    })
}
