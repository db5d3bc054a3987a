//! Reading inputs: paths and directories, and text encodings (UTF-8 with or
//! without a BOM, UTF-16 with a BOM or detected by zero bytes).
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// One input as read from disk or stdin.
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name: the path as given (or found by the directory walk), `-` for stdin.
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
}

/// What a path on the command line expands to.
pub(crate) enum Expanded {
    File(PathBuf),
    Stdin,
    /// A JSON file found by a directory walk: skipped (with a note) when it is
    /// not Terraform output.
    Walked(PathBuf),
    Error(InputError),
}

/// Expands command-line paths: files as they are, directories walked
/// recursively for `*.json` (sorted, symlink loops reported by walkdir and
/// skipped), `-` for stdin.
pub(crate) fn expand(paths: &[PathBuf]) -> Vec<Expanded> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Expanded::Stdin);
        } else if path.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
            {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_file()
                            && e.path().extension().is_some_and(|x| x == "json")
                        {
                            found.push(e.into_path());
                        }
                    }
                    Err(err) => {
                        // Symlink loops and unreadable directories: skip them, say so.
                        let where_ = err
                            .path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|| path.display().to_string());
                        eprintln!(
                            "akslint: skipping {}: {}",
                            crate::escape::safe_line(&where_),
                            io_reason(&err)
                        );
                    }
                }
            }
            if found.is_empty() {
                out.push(Expanded::Error(InputError::EmptyDirectory {
                    file: path.display().to_string(),
                }));
            }
            out.extend(found.into_iter().map(Expanded::Walked));
        } else {
            out.push(Expanded::File(path.clone()));
        }
    }
    out
}

fn io_reason(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        "symbolic link loop".to_string()
    } else if let Some(io) = err.io_error() {
        io.kind().to_string()
    } else {
        err.to_string()
    }
}

/// The largest input [`read`] accepts: `--max-input-size`'s default.
pub const DEFAULT_MAX_INPUT: u64 = 2 << 30;

/// Reads a file (or stdin) of at most [`DEFAULT_MAX_INPUT`] bytes and
/// decodes it to text.
pub fn read(path: Option<&Path>) -> Result<Source, InputError> {
    read_limited(path, DEFAULT_MAX_INPUT)
}

/// Reads a file (or stdin) of at most `max` bytes and decodes it to text.
///
/// Only regular files and pipes are read. A pipe (`<(terraform show -json
/// ...)`, a named FIFO) is opened without waiting for a writer: a FIFO that
/// nobody writes to reads as empty instead of blocking the run. Character
/// and block devices (`/dev/zero`), sockets and directories are errors.
pub fn read_limited(path: Option<&Path>, max: u64) -> Result<Source, InputError> {
    let name = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let io_err = |e: std::io::Error| InputError::Read {
        file: name.clone(),
        reason: describe_io(&e),
    };
    let too_big = || InputError::Read {
        file: name.clone(),
        reason: format!("larger than the input size limit of {max} bytes (--max-input-size)"),
    };
    let bytes = match path {
        Some(p) => {
            // The type as the path says (no open: opening a FIFO can block,
            // opening a device can have effects), then again on the open
            // file, in case the path changed in between.
            let meta = std::fs::metadata(p).map_err(io_err)?;
            check_kind(&name, &meta)?;
            if meta.is_file() && meta.len() > max {
                return Err(too_big());
            }
            let file = open_nonblocking(p).map_err(io_err)?;
            let opened = file.metadata().map_err(io_err)?;
            check_kind(&name, &opened)?;
            let hint = usize::try_from(meta.len()).unwrap_or(0);
            let bytes = read_capped(file, hint, max).map_err(io_err)?;
            if !opened.is_file() && bytes.as_ref().is_some_and(Vec::is_empty) {
                return Err(InputError::Read {
                    file: name.clone(),
                    reason: "a pipe (FIFO) that gave no data: no writer, or it wrote nothing"
                        .to_string(),
                });
            }
            bytes
        }
        None => {
            // Standard input redirected from a file: read it into a buffer
            // of the right size (growing one by doubling holds up to 2.5x
            // the file at the last copy).
            let hint = std::fs::metadata("/dev/stdin")
                .ok()
                .filter(std::fs::Metadata::is_file)
                .and_then(|m| usize::try_from(m.len()).ok())
                .unwrap_or(0);
            read_capped(std::io::stdin().lock(), hint, max).map_err(io_err)?
        }
    };
    let Some(bytes) = bytes else {
        return Err(too_big());
    };
    let text = decode(&name, bytes)?;
    Ok(Source {
        name,
        path: path.map(Path::to_path_buf),
        text,
    })
}

/// Regular files and pipes pass; anything else is an error naming it.
fn check_kind(name: &str, meta: &std::fs::Metadata) -> Result<(), InputError> {
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(());
    }
    let what = if ft.is_dir() {
        "is a directory"
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_fifo() {
                return Ok(());
            } else if ft.is_char_device() {
                "is a character device, not a file"
            } else if ft.is_block_device() {
                "is a block device, not a file"
            } else if ft.is_socket() {
                "is a socket, not a file"
            } else {
                "is not a regular file"
            }
        }
        #[cfg(not(unix))]
        {
            "is not a regular file"
        }
    };
    Err(InputError::Read {
        file: name.to_string(),
        reason: what.to_string(),
    })
}

/// Opens for reading without blocking on a FIFO that has no writer; reads
/// from the file then block as usual (a pipe whose writer is there delivers
/// its data; one without a writer reads as end of file).
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(path)?;
        let flags = rustix::fs::fcntl_getfl(&file)?;
        rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)?;
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        std::fs::File::open(path)
    }
}

/// Reads to the end, or `None` past `max` bytes.
fn read_capped(r: impl Read, hint: usize, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    // A hint too large to allocate is no error: read as a pipe.
    let cap = usize::try_from(max).unwrap_or(usize::MAX);
    let _ = buf.try_reserve_exact(hint.min(cap).saturating_add(1));
    r.take(max.saturating_add(1)).read_to_end(&mut buf)?;
    Ok((buf.len() as u64 <= max).then_some(buf))
}

/// What went wrong with a file, in the words every error of akslint uses
/// ("no such file", not the standard library's "entity not found").
pub(crate) fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => e.to_string(),
    }
}

/// UTF-8 (with or without BOM), UTF-16LE and UTF-16BE (with BOM, or
/// recognised by their zero bytes: what Windows PowerShell's `>` writes).
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    let empty = || InputError::Empty {
        file: name.to_string(),
    };
    match bytes.as_slice() {
        [] => Err(empty()),
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(name, rest.to_vec()),
        [0xFF, 0xFE, rest @ ..] => utf16(name, rest, u16::from_le_bytes, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => utf16(name, rest, u16::from_be_bytes, "UTF-16BE"),
        [a, 0, ..] if is_json_start(*a) => utf16(name, &bytes, u16::from_le_bytes, "UTF-16LE"),
        [0, b, ..] if is_json_start(*b) => utf16(name, &bytes, u16::from_be_bytes, "UTF-16BE"),
        _ => utf8(name, bytes),
    }
    .and_then(|text| {
        if text.is_empty() {
            Err(empty())
        } else if text.trim().is_empty() {
            Err(InputError::Blank {
                file: name.to_string(),
            })
        } else {
            Ok(text)
        }
    })
}

/// A byte a JSON document can begin with (UTF-16 without BOM is recognised
/// by such a byte beside a zero byte).
fn is_json_start(b: u8) -> bool {
    matches!(b, b'{' | b'[' | b' ' | b'\t' | b'\r' | b'\n')
}

fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = e.as_bytes().get(..offset).unwrap_or_default();
        let (line, column) = position_after(std::str::from_utf8(valid).unwrap_or_default());
        InputError::Encoding {
            file: name.to_string(),
            encoding: "UTF-8",
            offset,
            line,
            column,
        }
    })
}

/// The line and column (1-based, columns in characters) just after
/// `decoded`, the text before an encoding error.
fn position_after(decoded: &str) -> (usize, usize) {
    let line = bytecount::count(decoded.as_bytes(), b'\n') + 1;
    let last = decoded
        .rfind('\n')
        .map_or(decoded, |i| decoded.get(i + 1..).unwrap_or_default());
    (line, last.chars().count() + 1)
}

fn utf16(
    name: &str,
    bytes: &[u8],
    conv: fn([u8; 2]) -> u16,
    encoding: &'static str,
) -> Result<String, InputError> {
    let bad = |offset, decoded: &str| {
        let (line, column) = position_after(decoded);
        InputError::Encoding {
            file: name.to_string(),
            encoding,
            offset,
            line,
            column,
        }
    };
    let units = bytes.chunks_exact(2).map(|c| {
        conv([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut at = 0;
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => {
                out.push(c);
                at += c.len_utf16() * 2;
            }
            Err(_) => return Err(bad(at, &out)),
        }
    }
    if !bytes.len().is_multiple_of(2) {
        return Err(bad(bytes.len() - 1, &out));
    }
    Ok(out)
}
