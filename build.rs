//! Embeds every `.rego` file under `rules/` into the binary, so that nothing
//! outside it is needed at run time, and compiles the built-in rules into one
//! regorus VM (RVM) program, serialized into `OUT_DIR/builtin.rvm`: akslint
//! loads it at start instead of parsing and compiling the Rego sources, and
//! a rule that does not compile fails the build.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/rego_package.rs"]
mod rego_package;
use rego_package::package_of;

#[path = "src/engine/native/ported.rs"]
mod ported;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rego") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=src/rego_package.rs");
    println!("cargo:rerun-if-changed=src/engine/native/ported.rs");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut files = Vec::new();
    collect(&rules, &mut files)?;
    files.sort();
    let mut code = String::from("/// Every policy file under `rules/`: (path relative to the repository, source).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&root)?
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        )?;
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("embedded_rules.rs"), code)?;
    let program = compile_builtin(&root, &files)?;
    std::fs::write(out_dir.join("builtin.rvm"), program)?;
    Ok(())
}

/// Compiles the libraries and rules (not the tests) into one RVM program
/// with an entry point `data.<package>.deny` per rule.
fn compile_builtin(root: &Path, files: &[PathBuf]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    let mut entry_points = Vec::new();
    for file in files {
        let name = file.to_string_lossy();
        if name.ends_with("_test.rego") {
            continue;
        }
        let src = std::fs::read_to_string(file)?;
        let rel = file
            .strip_prefix(root)?
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.starts_with("rules/lib/") {
            let package = package_of(&src).ok_or_else(|| format!("{rel}: no package"))?;
            entry_points.push(format!("{package}.deny"));
        }
        engine
            .add_policy(rel.clone(), src)
            .map_err(|e| format!("{rel}: {e}"))?;
    }
    entry_points.sort();
    // One more entry point evaluates every rule at once: the library's
    // rules are then computed once, and the VM is entered once per file.
    // A second one, `rest`, evaluates the rules that have no Rust version
    // (src/engine/native): akslint runs those in Rust beside it.
    let id_of = |ep: &str| {
        ep.trim_end_matches(".deny")
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let mut all = String::from("package akslint.builtin\n\nimport rego.v1\n");
    for (name, every_rule) in [("deny", true), ("rest", false)] {
        all.push_str(&format!("\n{name} := {{\n"));
        for ep in &entry_points {
            let id = id_of(ep);
            if every_rule || !ported::PORTED.contains(&id.as_str()) {
                all.push_str(&format!("\t{id:?}: {ep},\n"));
            }
        }
        all.push_str("}\n");
    }
    engine
        .add_policy("builtin.rego".into(), all)
        .map_err(|e| format!("the aggregate entry point: {e}"))?;
    entry_points.push("data.akslint.builtin.deny".into());
    entry_points.push("data.akslint.builtin.rest".into());
    let first: regorus::Rc<str> = entry_points.first().ok_or("no rules")?.as_str().into();
    let policy = engine
        .compile_with_entrypoint(&first)
        .map_err(|e| format!("compiling the built-in rules: {e}"))?;
    let names: Vec<&str> = entry_points.iter().map(String::as_str).collect();
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &names)
            .map_err(|e| format!("compiling the built-in rules to RVM: {e}"))?;
    Ok(program.serialize_binary()?)
}
