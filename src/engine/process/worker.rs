//! One policy process, seen from akslint: started, sent requests under a
//! watchdog, ended and told why.
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::protocol::{RequestOut, Response};
use super::SERVE_ARG;

/// Why a request got no answer.
pub(super) enum NoAnswer {
    /// The policy process ended (or was stopped): the reason.
    Ended(String),
    /// The request could not be written (a value the protocol cannot
    /// carry): the policy process is fine, the request is not.
    Unsendable(String),
}

impl NoAnswer {
    pub(super) fn reason(self) -> String {
        match self {
            NoAnswer::Ended(r) => r,
            NoAnswer::Unsendable(r) => {
                format!("the input could not be sent to a policy process: {r}")
            }
        }
    }
}

/// Counts the bytes written through it (the answer deadline grows with
/// the size of the request).
pub(super) struct Counting<W> {
    inner: W,
    written: Arc<AtomicU64>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// One running policy process.
pub(super) struct Worker {
    child: Arc<Mutex<Child>>,
    input: BufWriter<Counting<ChildStdin>>,
    written: Arc<AtomicU64>,
    output: serde_json::Deserializer<serde_json::de::IoRead<BufReader<ChildStdout>>>,
    /// Drains the process' standard error (its tail is read only to tell
    /// why it ended; never printed, since a policy controls it).
    stderr: Option<JoinHandle<Vec<u8>>>,
    /// Set when the watchdog killed it for not answering in time.
    stopped: Arc<AtomicBool>,
}

/// How much of a policy process' standard error is kept.
pub(super) const STDERR_TAIL: usize = 16 * 1024;

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Worker {
    pub(super) fn spawn(exe: &PathBuf, setup: &[u8]) -> Result<Self, String> {
        let mut child = Command::new(exe)
            .arg(SERVE_ARG)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start a policy process: {e}"))?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("could not start a policy process: no pipes".into());
        };
        let stderr = std::thread::Builder::new()
            .name("akslint-policy-stderr".into())
            .spawn(move || {
                let mut tail = Vec::new();
                let mut buf = [0u8; 8192];
                while let Ok(n) = stderr.read(&mut buf) {
                    let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                        break;
                    };
                    tail.extend_from_slice(chunk);
                    if tail.len() > 2 * STDERR_TAIL {
                        tail.drain(..tail.len() - STDERR_TAIL);
                    }
                }
                tail
            })
            .ok();
        let written = Arc::new(AtomicU64::new(0));
        let mut worker = Self {
            child: Arc::new(Mutex::new(child)),
            input: BufWriter::with_capacity(
                1 << 16,
                Counting {
                    inner: stdin,
                    written: written.clone(),
                },
            ),
            written,
            output: serde_json::Deserializer::from_reader(BufReader::with_capacity(
                1 << 16,
                stdout,
            )),
            stderr,
            stopped: Arc::new(AtomicBool::new(false)),
        };
        let sent = worker
            .input
            .write_all(setup)
            .and_then(|()| worker.input.write_all(b"\n"))
            .and_then(|()| worker.input.flush());
        match sent {
            Ok(()) => Ok(worker),
            Err(_) => Err(worker.end()),
        }
    }

    /// Sends one request and reads its answer, under a watchdog that kills
    /// the process when the answer is later than `allowed` (plus a second
    /// per 10 MB sent).
    /// Whether the watchdog stopped it (then it cannot be used again).
    pub(super) fn was_stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    pub(super) fn call(
        &mut self,
        request: &RequestOut,
        allowed: Duration,
    ) -> Result<Response, NoAnswer> {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let watchdog = {
            let child = self.child.clone();
            let stopped = self.stopped.clone();
            let written = self.written.clone();
            let start = Instant::now();
            let base = written.load(Ordering::Relaxed);
            std::thread::Builder::new()
                .name("akslint-policy-watchdog".into())
                .spawn(move || {
                    // Until the answer comes (the sender is dropped).
                    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                        wait.recv_timeout(Duration::from_millis(100))
                    {
                        let sent = written.load(Ordering::Relaxed).saturating_sub(base);
                        let limit = allowed + Duration::from_secs(sent / 10_000_000);
                        if start.elapsed() > limit {
                            stopped.store(true, Ordering::Relaxed);
                            let _ = lock(&child).kill();
                            break;
                        }
                    }
                })
                .ok()
        };
        let answer = self.exchange(request);
        drop(done);
        if let Some(w) = watchdog {
            let _ = w.join();
        }
        answer
    }

    fn exchange(&mut self, request: &RequestOut) -> Result<Response, NoAnswer> {
        let sent = serde_json::to_writer(&mut self.input, request)
            .map_err(|e| if e.is_io() { None } else { Some(e.to_string()) })
            .and_then(|()| {
                self.input
                    .write_all(b"\n")
                    .and_then(|()| self.input.flush())
                    .map_err(|_| None)
            });
        match sent {
            Ok(()) => {}
            // Half a request is in the pipe: this process cannot be used
            // again.
            Err(Some(reason)) => {
                let _ = self.end();
                return Err(NoAnswer::Unsendable(reason));
            }
            // It stopped reading: it may have said why before it ended.
            Err(None) => {}
        }
        match Response::deserialize(&mut self.output) {
            Ok(response) => Ok(response),
            Err(_) => Err(NoAnswer::Ended(self.end())),
        }
    }

    /// Ends the process (killed if it still runs) and says why it ended.
    fn end(&mut self) -> String {
        let status = {
            let mut child = lock(&self.child);
            let _ = child.kill();
            child.wait().ok()
        };
        let tail = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if self.stopped.load(Ordering::Relaxed) {
            return "the policy process evaluating it did not answer in time \
                    (--policy-timeout per policy, plus time to read the input) and was stopped"
                .to_string();
        }
        why_it_ended(status, &String::from_utf8_lossy(&tail))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing its input ends a policy process that is waiting for a
        // request; kill it in case it is not.
        let _ = self.input.flush();
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Why a policy process ended without answering: from its exit status,
/// and for an abort, from the message Rust's runtime prints before it
/// aborts (nothing of its standard error is repeated: a policy controls
/// it).
pub(super) fn why_it_ended(status: Option<ExitStatus>, stderr: &str) -> String {
    // The runtime's message is the last one of either kind (a note may
    // follow it).
    let last = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("memory allocation of ") || l.contains("has overflowed its stack"))
        .unwrap_or("");
    let what = match status {
        Some(s) => match signal_of(s) {
            Some(6) if last.starts_with("memory allocation of") => {
                "ran out of memory (an allocation failed)".to_string()
            }
            Some(6) if last.contains("has overflowed its stack") => {
                "overflowed its stack".to_string()
            }
            Some(sig) => format!("was ended by signal {sig}"),
            None => match s.code() {
                Some(code) => format!("exited with status {code} without answering"),
                None => "ended without answering".to_string(),
            },
        },
        None => "ended without answering".to_string(),
    };
    format!("the policy process evaluating it {what}")
}

#[cfg(unix)]
pub(super) fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
pub(super) fn signal_of(_: ExitStatus) -> Option<i32> {
    None
}
