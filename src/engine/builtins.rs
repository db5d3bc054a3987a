//! Bounded replacements for builtins that would abort the process.
/// The most elements `numbers.range` and `numbers.range_step` may produce.
/// regorus allocates the whole array up front: `numbers.range(1, 2000000000)`
/// would ask for tens of gigabytes and abort the process, so akslint
/// replaces both builtins with bounded versions that fail cleanly instead.
pub(crate) const MAX_RANGE: u64 = 1_000_000;

fn range_elements(name: &str, from: i64, to: i64, step: i64) -> anyhow::Result<regorus::Value> {
    if step == 0 {
        anyhow::bail!("{name}: step must not be zero");
    }
    let span =
        u64::try_from((i128::from(to) - i128::from(from)).unsigned_abs()).unwrap_or(u64::MAX);
    let count = span / step.unsigned_abs() + 1;
    if count > MAX_RANGE {
        anyhow::bail!("{name}: {count} elements exceed akslint's limit of {MAX_RANGE}");
    }
    // Large ranges built in a loop add up: check the engine's memory budget
    // before each (regorus itself checks only every so many steps). Small
    // ones, the common case, skip the check: it reads allocator statistics.
    if count >= 10_000 {
        regorus::utils::limits::flush_thread_memory_counters();
        regorus::utils::limits::check_global_memory_limit()
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    }
    let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut v = from;
    let ascending = to >= from;
    let step = if ascending { step.abs() } else { -step.abs() };
    while (ascending && v <= to) || (!ascending && v >= to) {
        out.push(regorus::Value::from(v));
        match v.checked_add(step) {
            Some(n) => v = n,
            None => break,
        }
    }
    Ok(regorus::Value::from(out))
}

fn int_arg(args: &[regorus::Value], i: usize) -> Option<i64> {
    match args.get(i) {
        Some(regorus::Value::Number(n)) if n.is_integer() => n.as_i64(),
        _ => None,
    }
}

fn bounded_range(args: Vec<regorus::Value>) -> anyhow::Result<regorus::Value> {
    match (int_arg(&args, 0), int_arg(&args, 1)) {
        (Some(a), Some(b)) => range_elements("numbers.range", a, b, 1),
        _ => Ok(regorus::Value::Undefined),
    }
}

fn bounded_range_step(args: Vec<regorus::Value>) -> anyhow::Result<regorus::Value> {
    match (int_arg(&args, 0), int_arg(&args, 1), int_arg(&args, 2)) {
        (Some(a), Some(b), Some(s)) if s > 0 => range_elements("numbers.range_step", a, b, s),
        (Some(_), Some(_), Some(_)) => anyhow::bail!("numbers.range_step: step must be positive"),
        _ => Ok(regorus::Value::Undefined),
    }
}

/// Installs the bounded builtins on an engine: the ranges, and the builtins
/// whose result can be far larger than their arguments ([`super::bounded`]).
/// `print` output is gathered, never written by regorus as it is: a
/// policy's text is hostile (a line starting with `::` or holding `##vso[`
/// would be run by the CI runner reading standard error). `akslint test`
/// shows it escaped; a lint run drops it ([`take_prints`]).
pub(crate) fn harden(engine: &mut regorus::Engine) -> Result<(), String> {
    engine.set_gather_prints(true);
    engine
        .add_extension("numbers.range".into(), 2, Box::new(bounded_range))
        .map_err(|e| e.to_string())?;
    engine
        .add_extension("numbers.range_step".into(), 3, Box::new(bounded_range_step))
        .map_err(|e| e.to_string())?;
    for (i, b) in super::bounded::BOUNDED.iter().enumerate() {
        engine
            .add_extension(
                b.name.into(),
                b.arity,
                Box::new(move |args| super::bounded::call(i, args)),
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The `print` output an engine gathered since the last call (none when
/// regorus cannot give it).
pub(crate) fn take_prints(engine: &mut regorus::Engine) -> Vec<String> {
    engine.take_prints().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(query: &str) -> anyhow::Result<regorus::Value> {
        let mut engine = regorus::Engine::new();
        harden(&mut engine).unwrap();
        engine.add_policy(
            "t.rego".into(),
            format!("package t\nimport rego.v1\nx := {query}\n"),
        )?;
        engine.eval_rule("data.t.x".into())
    }

    #[test]
    fn bounded_range_keeps_the_builtin_semantics() {
        assert_eq!(eval("numbers.range(1, 3)").unwrap().to_string(), "[1,2,3]");
        assert_eq!(eval("numbers.range(3, 1)").unwrap().to_string(), "[3,2,1]");
        assert_eq!(
            eval("numbers.range_step(1, 6, 2)").unwrap().to_string(),
            "[1,3,5]"
        );
        assert_eq!(
            eval("count(numbers.range(1, 100000))").unwrap().to_string(),
            "100000"
        );
    }

    /// The same query in an engine without akslint's replacements.
    fn eval_native(query: &str) -> anyhow::Result<regorus::Value> {
        let mut engine = regorus::Engine::new();
        engine.add_policy(
            "t.rego".into(),
            format!("package t\nimport rego.v1\nx := {query}\n"),
        )?;
        engine.eval_rule("data.t.x".into())
    }

    /// The message of an error, without the location lines.
    fn message(e: &anyhow::Error) -> String {
        let text = e.to_string();
        text.rsplit("error: ")
            .next()
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn bounded_builtins_give_regorus_results_and_errors() {
        for query in [
            r#"concat(", ", ["a", "b", "c"])"#,
            r#"concat("", {"b", "a"})"#,
            r#"concat("-", [])"#,
            r#"concat(1, ["a"])"#,
            r#"concat("", ["a", 1])"#,
            r#"concat("", "ab")"#,
            r#"array.concat([1, "a"], [{"k": [2]}])"#,
            r#"array.concat([1], "a")"#,
            r#"replace("banana", "an", "AN")"#,
            r#"replace("héllo", "", "-")"#,
            r#"replace("x", 1, "y")"#,
            r#"strings.replace_n({"a": "AA", "n": ""}, "banana")"#,
            r#"strings.replace_n({"a": 1}, "banana")"#,
            r#"sprintf("%s has %d items: %v (%q) %5d|%05d|%.2f|%x|%%", ["list", 3, [1, "two", {"k": null}], "q\t\"", 42, 7, 3.14159, 255])"#,
            r#"sprintf("%v %v", [{"b": 1, "a": {2, 3}}, true])"#,
            r#"sprintf("%d", ["x"])"#,
            r#"sprintf("%s %s", ["one"])"#,
            r#"sprintf("%s", "notarray")"#,
            r#"json.marshal({"a": [1, 2.5, "x\ny"], "b": {"c": null, "d": {1, 2}}})"#,
            r#"json.marshal_with_options({"a": [1, {"b": 2}]}, {"indent": "  ", "prefix": "> "})"#,
            r#"json.marshal_with_options({"a": 1}, {"pretty": false})"#,
            r#"json.marshal_with_options({"a": 1}, {"bogus": 1})"#,
            r#"yaml.marshal({"a": [1, "two: 2", {"c": "multi\nline"}]})"#,
            r#"base64.encode("hello, world")"#,
            r#"base64url.encode("ÿþ?>")"#,
            r#"base64url.encode_no_pad("ab")"#,
            r#"base64.encode(1)"#,
            r#"hex.encode("héllo")"#,
        ] {
            let ours = eval(query);
            let theirs = eval_native(query);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{query}"),
                (Err(a), Err(b)) => assert_eq!(message(a), message(b), "{query}"),
                _ => panic!("{query}: hardened {ours:?}, regorus {theirs:?}"),
            }
        }
    }

    #[test]
    fn undefined_arguments_stay_undefined() {
        for query in [
            "concat(\",\", input.nope)",
            "sprintf(\"%v\", [input.nope])",
            "json.marshal(input.nope)",
        ] {
            let ours = eval(&format!("is_string({query})"));
            let theirs = eval_native(&format!("is_string({query})"));
            assert_eq!(ours.ok(), theirs.ok(), "{query}");
        }
    }

    #[test]
    fn absurd_ranges_fail_instead_of_aborting() {
        let err = eval("count(numbers.range(1, 2000000000))")
            .unwrap_err()
            .to_string();
        assert!(err.contains("akslint's limit"), "{err}");
        assert!(eval("numbers.range_step(1, 9000000000000, 1)").is_err());
    }
}
