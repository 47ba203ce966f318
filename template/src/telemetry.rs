//! Logging: readable lines locally, one JSON object per line in production. `RUST_LOG`
//! overrides the configured filter. Every line logged while a request is handled carries its
//! id, read from the request's scope (`crate::request_id`) rather than from a span per request:
//! a span costs a registry entry, an enter and exit on every poll, and, in JSON, a re-parse of
//! its fields for every line.

use std::fmt;
use std::io::{self, BufWriter, Write as _};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::Duration;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt as subscriber_fmt};

use crate::config::{LogFormat, TelemetrySettings};
use crate::request_id;

/// Installs the global subscriber; a second call (as in tests) leaves the first in place.
/// Keep the returned flusher until exit: dropping it writes what is still buffered.
pub fn init(settings: &TelemetrySettings) -> Option<LogFlusher> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let stdout = Arc::new(BufferedStdout::default());
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match settings.format {
        LogFormat::Json => registry
            .with(
                subscriber_fmt::layer()
                    .fmt_fields(JsonFields::new())
                    .event_format(JsonLine::default())
                    .with_writer(Arc::clone(&stdout)),
            )
            .try_init(),
        LogFormat::Pretty => registry
            .with(
                subscriber_fmt::layer()
                    .event_format(PrettyLine::default())
                    .with_writer(Arc::clone(&stdout)),
            )
            .try_init(),
    };
    if installed.is_err() {
        tracing::debug!("a tracing subscriber was already installed");
        return None;
    }
    Some(LogFlusher::start(stdout))
}

/// How long a line may wait in the buffer before it is written.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Stdout behind a buffer: a line is copied in under a short lock and written with the others
/// when the buffer fills or the flusher ticks. A busy server makes one write for many lines,
/// and no request waits on a write or wakes a writer thread.
#[derive(Debug)]
pub struct BufferedStdout {
    buffer: Mutex<BufWriter<io::Stdout>>,
}

impl Default for BufferedStdout {
    fn default() -> Self {
        Self {
            buffer: Mutex::new(BufWriter::with_capacity(64 * 1024, io::stdout())),
        }
    }
}

impl BufferedStdout {
    fn locked(&self) -> MutexGuard<'_, BufWriter<io::Stdout>> {
        // A panic cannot happen while the lock is held (only copies and writes do), so a
        // poisoned lock still guards whole lines.
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl io::Write for &BufferedStdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.locked().write(bytes)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.locked().write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.locked().flush()
    }
}

/// Writes the buffered lines every `FLUSH_EVERY`, and once more when dropped.
#[derive(Debug)]
pub struct LogFlusher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl LogFlusher {
    fn start(stdout: Arc<BufferedStdout>) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("log-flusher".to_owned())
            .spawn(move || {
                let mut writer = stdout.as_ref();
                loop {
                    let last = !matches!(
                        stopped.recv_timeout(FLUSH_EVERY),
                        Err(mpsc::RecvTimeoutError::Timeout)
                    );
                    // Nowhere to report a failed write to stdout: the next tick tries again.
                    let _ = writer.flush();
                    if last {
                        break;
                    }
                }
            })
            .ok();
        Self {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for LogFlusher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The one log line per request: method, route template, status and latency (the request id
/// is on every line logged while the request is handled).
pub fn log_request(method: &str, route: &str, status: u16, latency: Duration) {
    tracing::info!(
        method,
        route,
        status,
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request completed"
    );
}

/// One JSON object per line, `request_id` first when a request is being handled.
#[derive(Debug)]
pub struct JsonLine {
    inner: Format<Json>,
}

impl Default for JsonLine {
    fn default() -> Self {
        Self {
            inner: subscriber_fmt::format().json(),
        }
    }
}

impl<S, N> FormatEvent<S, N> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let Some(id) = request_id::current_if_any() else {
            return self.inner.format_event(context, writer, event);
        };
        let mut line = String::new();
        self.inner
            .format_event(context, Writer::new(&mut line), event)?;
        // The id is sanitized (letters, digits and `-_.:`), so it needs no JSON escaping.
        match line.strip_prefix('{') {
            Some(rest) => write!(writer, "{{\"request_id\":\"{id}\",{rest}"),
            None => writer.write_str(&line),
        }
    }
}

/// The readable line, with the request id after the level when a request is being handled.
#[derive(Debug, Default)]
pub struct PrettyLine {
    inner: Format,
}

impl<S, N> FormatEvent<S, N> for PrettyLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        if let Some(id) = request_id::current_if_any() {
            write!(writer, "[{id}] ")?;
        }
        self.inner.format_event(context, writer, event)
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Self;
        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    fn json_lines(log: impl std::future::Future<Output = ()>) -> Vec<serde_json::Value> {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::registry().with(
            subscriber_fmt::layer()
                .fmt_fields(JsonFields::new())
                .event_format(JsonLine::default())
                .with_writer(captured.clone()),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        tracing::subscriber::with_default(subscriber, || runtime.block_on(log));
        let text = String::from_utf8(captured.0.lock().expect("not poisoned").clone())
            .expect("UTF-8 lines");
        text.lines()
            .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
            .collect()
    }

    #[test]
    fn lines_logged_while_handling_a_request_carry_its_id() {
        let lines = json_lines(async {
            tracing::info!("starting");
            request_id::scope("req-1".to_owned(), async {
                tracing::warn!(user = "someone", "inside");
                log_request("GET", "/health/live", 200, Duration::from_millis(2));
            })
            .await;
        });
        assert_eq!(lines.len(), 3);
        assert!(lines[0].get("request_id").is_none());
        for line in &lines[1..] {
            assert_eq!(line["request_id"], "req-1");
        }
        assert_eq!(lines[1]["fields"]["user"], "someone");
        assert_eq!(lines[2]["fields"]["message"], "request completed");
        assert_eq!(lines[2]["fields"]["route"], "/health/live");
        assert_eq!(lines[2]["fields"]["status"], 200);
        assert_eq!(lines[2]["level"], "INFO");
    }
}
