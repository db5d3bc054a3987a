//! Writing reports: to a file, or to stdout (a closed pipe is not an
//! error); and the one path-encoding helper of the reporters.
use std::io::Write;

use crate::error::RunError;

/// A report as it is rendered. Written to a file or stdout, the text is
/// handed on every 64 KiB, so a large report (65 MB of JSON for 87,000
/// findings) is never held whole; rendered to a string, it is kept.
pub struct Out<'w> {
    buf: Vec<u8>,
    sink: Option<&'w mut dyn Write>,
    /// The first write error; what follows it is dropped.
    error: Option<std::io::Error>,
}

/// How much is kept before it is handed to the writer.
const CHUNK: usize = 64 * 1024;

impl<'w> Out<'w> {
    /// Keeps everything: [`Out::into_string`] returns it.
    pub fn buffer() -> Out<'static> {
        Out {
            buf: Vec::new(),
            sink: None,
            error: None,
        }
    }

    /// Hands the text to `sink` as it grows; [`Out::finish`] ends it.
    pub fn to(sink: &'w mut dyn Write) -> Self {
        Out {
            buf: Vec::with_capacity(CHUNK + 1024),
            sink: Some(sink),
            error: None,
        }
    }

    pub fn push_str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
        self.spill();
    }

    /// Bytes of UTF-8 text (what a serializer wrote).
    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.spill();
    }

    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    fn spill(&mut self) {
        if self.buf.len() >= CHUNK {
            self.drain();
        }
    }

    fn drain(&mut self) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if self.error.is_none() {
            if let Err(e) = sink.write_all(&self.buf) {
                self.error = Some(e);
            }
        }
        self.buf.clear();
    }

    /// Writes what is left and flushes; the first write error, if any.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.drain();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        match self.sink {
            Some(sink) => sink.flush(),
            None => Ok(()),
        }
    }

    /// The text of a buffer ([`Out::buffer`]).
    pub fn into_string(self) -> String {
        // Everything written is `str` or serde_json's UTF-8 output.
        String::from_utf8(self.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl std::fmt::Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// For serializers (`serde_json::to_writer`): bytes of UTF-8 text.
impl Write for Out<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        self.spill();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// From this many findings, a report lists them rendered in parallel
/// ([`in_order`]).
pub(crate) const PARALLEL_RENDER: usize = 4096;

/// Items rendered at once before they are written: what is held beside the
/// output.
pub(crate) const RENDER_CHUNK: usize = 8192;

/// Items rendered into one buffer, on one worker.
const GROUP: usize = 128;

/// The most threads that render a report. Each thread that renders keeps
/// the memory it freed for its next allocations: with all of 64 workers,
/// the run's peak grew by 20 MB or more, in the report's last second.
const RENDER_WORKERS: usize = 4;

/// The threads that render large reports: as many as rayon's workers, at
/// most [`RENDER_WORKERS`]; None on one (or when they cannot be started).
fn render_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let n = rayon::current_num_threads().min(RENDER_WORKERS);
        (n > 1)
            .then(|| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok())
            .flatten()
    })
    .as_ref()
}

/// Renders the items in order: `render(i, item, buffer)` appends item `i`'s
/// text to a buffer, and `write` gets the buffers in item order, each
/// holding the texts of a group of consecutive items. With `parallel`,
/// the groups are rendered on a few threads ([`render_pool`]), a chunk of
/// items at a time. The same text either way, so the same output at any
/// thread count.
pub(crate) fn in_order<T: Sync, B: Default + Send>(
    items: &[T],
    parallel: bool,
    render: impl Fn(usize, &T, &mut B) + Sync,
    mut write: impl FnMut(B),
) {
    use rayon::prelude::*;
    let pool = render_pool().filter(|_| parallel);
    for (c, chunk) in items.chunks(RENDER_CHUNK).enumerate() {
        let group = |(g, group): (usize, &[T])| {
            let mut buffer = B::default();
            let first = c * RENDER_CHUNK + g * GROUP;
            for (j, item) in group.iter().enumerate() {
                render(first + j, item, &mut buffer);
            }
            buffer
        };
        let texts: Vec<B> = if let Some(pool) = pool {
            pool.install(|| chunk.par_chunks(GROUP).enumerate().map(group).collect())
        } else {
            chunk.chunks(GROUP).enumerate().map(group).collect()
        };
        texts.into_iter().for_each(&mut write);
    }
}

/// serde_json's pretty printer (two spaces a level) for a value written
/// `levels` deep in a document: its lines are indented as they are when
/// the whole document is printed. (Opening `levels` arrays, on a sink, is
/// how the printer keeps its depth.)
pub(crate) fn pretty_at(
    levels: usize,
) -> super::inert_json::Inert<serde_json::ser::PrettyFormatter<'static>> {
    use serde_json::ser::Formatter;
    let mut f = super::inert_json::pretty();
    for _ in 0..levels {
        let _ = f.begin_array(&mut std::io::sink());
    }
    f
}

/// Element `i` of an array `levels` deep, as serde's pretty printer writes
/// it: the separator, the indentation, the value (see [`pretty_at`]).
pub(crate) fn write_element_at(
    out: &mut Vec<u8>,
    i: usize,
    levels: usize,
    value: &impl serde::Serialize,
) {
    out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
    out.extend(std::iter::repeat_n(b' ', 2 * levels));
    write_pretty_at(out, levels, value);
}

/// Pretty-prints `value` at `levels` deep into `out` (see [`pretty_at`]).
pub(crate) fn write_pretty_at(out: &mut Vec<u8>, levels: usize, value: &impl serde::Serialize) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, pretty_at(levels));
    if value.serialize(&mut ser).is_err() {
        out.extend_from_slice(b"{}");
    }
}

/// Renders a whole text into a string with a writer-based renderer.
pub(crate) fn render_string(write: impl FnOnce(&mut Out<'_>)) -> String {
    let mut out = Out::buffer();
    write(&mut out);
    out.into_string()
}

/// Writes to the output file, or stdout (a closed pipe is not an error).
pub(crate) fn write_output(path: Option<&std::path::Path>, text: &str) -> Result<(), RunError> {
    write_with(path, |out| out.push_str(text))
}

/// Renders straight to the output file, or stdout (a closed pipe is not an
/// error), 64 KiB at a time.
pub(crate) fn write_with(
    path: Option<&std::path::Path>,
    render: impl FnOnce(&mut Out<'_>),
) -> Result<(), RunError> {
    let failed = |path: &std::path::Path, e: std::io::Error| RunError::Output {
        path: path.to_path_buf(),
        reason: match e.kind() {
            // Writing: what is missing is the directory.
            std::io::ErrorKind::NotFound => "no such directory".to_string(),
            _ => crate::plan::read::describe_io(&e),
        },
    };
    match path {
        Some(p) => {
            let mut file = std::fs::File::create(p).map_err(|e| failed(p, e))?;
            let mut out = Out::to(&mut file);
            render(&mut out);
            out.finish().map_err(|e| failed(p, e))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let mut out = Out::to(&mut stdout);
            render(&mut out);
            match out.finish() {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(failed(std::path::Path::new("<stdout>"), e)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn long_text(out: &mut Out<'_>) {
        for i in 0..20_000 {
            out.push_str(&format!("line {i}: é\n"));
            out.push('→');
        }
        let _ = serde_json::to_writer(&mut *out, &serde_json::json!({"k": "v\u{1f600}"}));
    }

    #[test]
    fn written_in_chunks_is_the_text_rendered_whole() {
        let whole = render_string(long_text);
        assert!(whole.len() > 3 * CHUNK);
        let mut sink = Vec::new();
        let mut out = Out::to(&mut sink);
        long_text(&mut out);
        out.finish().unwrap();
        assert_eq!(String::from_utf8(sink).unwrap(), whole);
    }

    struct Fails {
        after: usize,
        written: usize,
    }

    impl Write for Fails {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if self.written + b.len() > self.after {
                return Err(std::io::Error::other("disk full"));
            }
            self.written += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_is_returned_by_finish() {
        let mut sink = Fails {
            after: CHUNK * 2,
            written: 0,
        };
        let mut out = Out::to(&mut sink);
        long_text(&mut out);
        let e = out.finish().unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        // Nothing was written after the error.
        assert!(sink.written <= CHUNK * 2);
    }
}
