//! The request log (`log_requests`, on in the binary unless `--quiet`): one line per request
//! on standard error, gathered in memory and written by a background task in one write per
//! burst, so that a sandbox under load does not pay a write to the terminal for each request.

use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{Notify, watch};

/// How long the lines of a burst gather before they are written: short enough that a person
/// watching the log sees each request at once.
const GATHER: Duration = Duration::from_millis(20);

/// The most text kept waiting (when standard error is slower than the requests, a paused
/// terminal say): lines past it are counted, not kept, and the count is logged instead.
const MAX_WAITING: usize = 1 << 20;

/// Lines waiting to be written.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    waiting: Mutex<Waiting>,
    ready: Notify,
}

#[derive(Debug, Default)]
struct Waiting {
    text: String,
    dropped: u64,
}

impl RequestLog {
    /// Adds a line (without its newline); wakes the writer if nothing was waiting.
    #[cfg(test)]
    pub(crate) fn line(&self, line: std::fmt::Arguments<'_>) {
        self.line_with(|text| {
            let _ = text.write_fmt(line);
        });
    }

    /// Adds the line `write` appends to the text (without its newline), without the
    /// formatting machinery: what the server logs for each request. Wakes the writer if
    /// nothing was waiting.
    pub(crate) fn line_with(&self, write: impl FnOnce(&mut String)) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let was_empty = waiting.text.is_empty() && waiting.dropped == 0;
        if waiting.text.len() < MAX_WAITING {
            write(&mut waiting.text);
            waiting.text.push('\n');
        } else {
            waiting.dropped += 1;
        }
        drop(waiting);
        if was_empty {
            self.ready.notify_one();
        }
    }

    /// Logs one request: `freedompay-sandbox: POST /init_payment.php 200 3ms` (the status is
    /// `dropped` for a connection closed on purpose).
    pub(crate) fn request(&self, method: &str, path: &str, status: Option<u16>, millis: u64) {
        self.line_with(|text| {
            let mut number = itoa::Buffer::new();
            text.push_str("freedompay-sandbox: ");
            text.push_str(method);
            text.push(' ');
            text.push_str(path);
            text.push(' ');
            text.push_str(match status {
                Some(status) => number.format(status),
                None => "dropped",
            });
            text.push(' ');
            text.push_str(number.format(millis));
            text.push_str("ms");
        });
    }

    /// What is waiting, taken (with a line for what was dropped).
    fn take(&self) -> String {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let mut text = std::mem::take(&mut waiting.text);
        if waiting.dropped > 0 {
            let _ = writeln!(
                text,
                "freedompay-sandbox: {} log lines dropped (standard error too slow)",
                waiting.dropped
            );
            waiting.dropped = 0;
        }
        text
    }

    /// Writes what is waiting to `out`.
    async fn flush(&self, out: &mut (impl AsyncWrite + Unpin)) {
        let text = self.take();
        if !text.is_empty() {
            let _ = out.write_all(text.as_bytes()).await;
            let _ = out.flush().await;
        }
    }
}

/// Writes the log's lines to `out` (standard error) as they come, a burst at a time, until
/// `stop` changes; then what is left. Sleeps while nothing is logged.
pub(crate) async fn run(
    log: &RequestLog,
    mut stop: watch::Receiver<bool>,
    mut out: impl AsyncWrite + Unpin,
) {
    loop {
        tokio::select! {
            _ = log.ready.notified() => {}
            _ = stop.changed() => break,
        }
        tokio::select! {
            _ = tokio::time::sleep(GATHER) => {}
            _ = stop.changed() => break,
        }
        log.flush(&mut out).await;
    }
    log.flush(&mut out).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_gather_until_taken_and_an_overflow_is_counted() {
        let log = RequestLog::default();
        log.line(format_args!("a {}", 1));
        log.line(format_args!("b"));
        assert_eq!(log.take(), "a 1\nb\n");
        log.request("POST", "/g2g/p2p2nonreg", Some(200), 3);
        log.request("GET", "/payout/7", None, 12);
        assert_eq!(
            log.take(),
            "freedompay-sandbox: POST /g2g/p2p2nonreg 200 3ms\n\
             freedompay-sandbox: GET /payout/7 dropped 12ms\n"
        );
        assert_eq!(log.take(), "");
        let long = "x".repeat(MAX_WAITING);
        log.line(format_args!("{long}"));
        log.line(format_args!("lost"));
        log.line(format_args!("lost too"));
        let text = log.take();
        assert!(text.starts_with("xxx"));
        assert!(
            text.ends_with("freedompay-sandbox: 2 log lines dropped (standard error too slow)\n")
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_writer_sleeps_until_a_line_comes_and_flushes_at_stop() {
        let log = std::sync::Arc::new(RequestLog::default());
        let (stop, rx) = watch::channel(false);
        let writer = tokio::spawn({
            let log = std::sync::Arc::clone(&log);
            async move { run(&log, rx, tokio::io::sink()).await }
        });
        log.line(format_args!("one"));
        // Written after the gathering time (on a busy machine, perhaps later: wait for it).
        for _ in 0..200 {
            tokio::time::sleep(GATHER).await;
            if log.waiting.lock().unwrap().text.is_empty() {
                break;
            }
        }
        assert_eq!(log.take(), "", "written after the gathering time");
        log.line(format_args!("two"));
        stop.send(true).unwrap();
        writer.await.unwrap();
        assert_eq!(log.take(), "", "flushed at stop");
    }
}
