//! Writing reports: to a file, or to stdout (a closed pipe is not an
//! error); and the one path-encoding helper of the reporters.
use std::io::Write;

use crate::error::RunError;

/// Writes to the output file, or stdout (a closed pipe is not an error).
pub(crate) fn write_output(path: Option<&std::path::Path>, text: &str) -> Result<(), RunError> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| RunError::Output {
            path: p.to_path_buf(),
            reason: e.kind().to_string(),
        }),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(RunError::Output {
                    path: "<stdout>".into(),
                    reason: e.kind().to_string(),
                }),
            }
        }
    }
}

/// Percent-encodes a path for a URI (SARIF artifact locations, Markdown
/// links): keeps unreserved characters and `/`.
pub(crate) fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
