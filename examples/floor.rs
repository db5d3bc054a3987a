//! The floor for the big-plan target (docs/performance.md): read a file and
//! parse it with serde_json into `serde::de::IgnoredAny`, nothing else. Any
//! JSON tool has to do at least this much.
//!
//! ```text
//! cargo build --release --example floor
//! hyperfine 'target/release/examples/floor /tmp/plan100.json'
//! ```
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: floor FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("floor: {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {}: {e}", path.to_string_lossy());
            ExitCode::from(1)
        }
    }
}
