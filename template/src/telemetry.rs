//! Logging: readable lines locally, one JSON object per line in production. `RUST_LOG`
//! overrides the configured filter. Every line logged while a request is handled carries its
//! id, read from the request's scope (`crate::request_id`) rather than from a span per request:
//! a span costs a registry entry, an enter and exit on every poll, and, in JSON, a re-parse of
//! its fields for every line.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::{self, BufWriter, Write as _};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::Duration;

use chrono::Utc;
use tracing::field::{Field, Visit};
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

/// One JSON object per line, in the shape of tracing-subscriber's JSON format with
/// `request_id` first when a request is being handled:
/// `{"request_id":…,"timestamp":…,"level":…,"fields":{"message":…,…},"target":…}`.
///
/// A line per request is the production default, so this is on every request's path: it is
/// written straight into the line buffer, where the stock format goes through serde and an
/// I/O adapter (over 10,000 instructions a line). Lines logged inside a span (at debug level,
/// from libraries) take the stock format, which lists the spans.
#[derive(Debug)]
pub struct JsonLine {
    with_spans: Format<Json>,
}

impl Default for JsonLine {
    fn default() -> Self {
        Self {
            with_spans: subscriber_fmt::format().json(),
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
        let id = request_id::current_if_any();
        if context.lookup_current().is_some() {
            return self.format_with_spans(context, writer, event, id.as_deref());
        }
        thread_local! {
            /// The line being made on this thread; its capacity is kept for the next one.
            static LINE: RefCell<String> = const { RefCell::new(String::new()) };
        }
        // Made in a `String` and handed over whole: every write to `writer` is a dynamic call.
        LINE.with(|kept| {
            // A line logged while this thread's is being made gets a `String` of its own.
            let mut fresh = String::new();
            let mut borrowed = kept.try_borrow_mut();
            let line = borrowed.as_deref_mut().unwrap_or(&mut fresh);
            line.clear();
            write_line(line, event, id.as_deref())?;
            let written = writer.write_str(line);
            // A rare long line (a large error) does not hold its memory for good.
            if line.capacity() > LINE_CAPACITY_KEPT {
                line.shrink_to(LINE_CAPACITY_KEPT);
            }
            written
        })
    }
}

/// The most a thread keeps of its line's capacity between lines.
const LINE_CAPACITY_KEPT: usize = 4096;

/// A line without spans, `{"request_id":…,"timestamp":…,"level":…,"fields":{…},"target":…}`.
fn write_line(line: &mut String, event: &Event<'_>, id: Option<&str>) -> fmt::Result {
    // The id is sanitized (letters, digits and `-_.:`), so it needs no JSON escaping.
    if let Some(id) = id {
        line.push_str("{\"request_id\":\"");
        line.push_str(id);
        line.push_str("\",\"timestamp\":\"");
    } else {
        line.push_str("{\"timestamp\":\"");
    }
    write_timestamp(line)?;
    line.push_str("\",\"level\":\"");
    line.push_str(event.metadata().level().as_str());
    line.push_str("\",\"fields\":{");
    let mut fields = JsonFieldsOf {
        out: &mut *line,
        separator: "",
        result: Ok(()),
    };
    event.record(&mut fields);
    fields.result?;
    line.push_str("},\"target\":");
    write_json_string(line, event.metadata().target())?;
    line.push_str("}\n");
    Ok(())
}

impl JsonLine {
    /// The stock JSON line, with `request_id` spliced in first.
    fn format_with_spans<S, N>(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
        id: Option<&str>,
    ) -> fmt::Result
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
        N: for<'a> FormatFields<'a> + 'static,
    {
        let Some(id) = id else {
            return self.with_spans.format_event(context, writer, event);
        };
        let mut line = String::new();
        self.with_spans
            .format_event(context, Writer::new(&mut line), event)?;
        match line.strip_prefix('{') {
            Some(rest) => write!(writer, "{{\"request_id\":\"{id}\",{rest}"),
            None => writer.write_str(&line),
        }
    }
}

/// The current UTC time as tracing-subscriber writes it (RFC 3339, microseconds). The date and
/// time to the second are formatted once per second per thread.
fn write_timestamp(out: &mut impl fmt::Write) -> fmt::Result {
    thread_local! {
        static SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
    }
    let now = Utc::now();
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != now.timestamp() {
            *second = now.timestamp();
            text.clear();
            write!(text, "{}", now.format("%Y-%m-%dT%H:%M:%S"))?;
        }
        out.write_str(text)
    })?;
    // A leap second's extra micros (chrono counts them past 999,999) stay in the second.
    let mut micros = now.timestamp_subsec_micros().min(999_999);
    let mut fraction = *b".000000Z";
    for digit in fraction[1..7].iter_mut().rev() {
        *digit += (micros % 10) as u8;
        micros /= 10;
    }
    out.write_str(std::str::from_utf8(&fraction).map_err(|_| fmt::Error)?)
}

/// Writes an event's fields as the members of a JSON object.
struct JsonFieldsOf<'a, W> {
    out: &'a mut W,
    separator: &'static str,
    result: fmt::Result,
}

impl<W: fmt::Write> JsonFieldsOf<'_, W> {
    fn member(&mut self, field: &Field, value: impl FnOnce(&mut W) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        self.result = self
            .out
            .write_str(self.separator)
            .and_then(|()| write_json_string(self.out, field.name()))
            .and_then(|()| self.out.write_char(':'))
            .and_then(|()| value(self.out));
        self.separator = ",";
    }
}

impl<W: fmt::Write> Visit for JsonFieldsOf<'_, W> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field, |out| write_json_string(out, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, |out| {
            out.write_char('"')?;
            write!(JsonEscaped(&mut *out), "{value:?}")?;
            out.write_char('"')
        });
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // serde_json's own number formatting; JSON has no NaN or infinity, so those are null,
        // as serde_json writes them.
        match serde_json::Number::from_f64(value) {
            Some(number) => self.member(field, |out| write!(out, "{number}")),
            None => self.member(field, |out| out.write_str("null")),
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, |out| {
            write!(out, "{}", serde_json::Number::from(value))
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, |out| {
            write!(out, "{}", serde_json::Number::from(value))
        });
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.member(field, |out| write!(out, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, |out| {
            out.write_str(if value { "true" } else { "false" })
        });
    }
}

fn write_json_string(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    JsonEscaped(&mut *out).write_str(text)?;
    out.write_char('"')
}

/// Escapes what it is given for the inside of a JSON string.
struct JsonEscaped<W>(W);

impl<W: fmt::Write> fmt::Write for JsonEscaped<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if !text
            .bytes()
            .any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\')
        {
            return self.0.write_str(text);
        }
        let mut plain = 0;
        for (at, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            // Bytes below 0x80 are whole characters, so `at` is a character boundary.
            self.0.write_str(&text[plain..at])?;
            if escape.is_empty() {
                write!(self.0, "\\u{byte:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            plain = at + 1;
        }
        self.0.write_str(&text[plain..])
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

    /// What `format` writes for the events `log` logs, one JSON value per line.
    fn lines_in<E>(format: E, log: impl std::future::Future<Output = ()>) -> Vec<serde_json::Value>
    where
        E: FormatEvent<tracing_subscriber::Registry, JsonFields> + Send + Sync + 'static,
    {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::registry().with(
            subscriber_fmt::layer()
                .fmt_fields(JsonFields::new())
                .event_format(format)
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

    fn json_lines(log: impl std::future::Future<Output = ()>) -> Vec<serde_json::Value> {
        lines_in(JsonLine::default(), log)
    }

    fn awkward_event() {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} accents \u{e9}\u{2713}";
        tracing::info!(
            text,
            debug = ?Some(text),
            count = 42_u64,
            delta = -7_i64,
            ratio = 0.25_f64,
            nan = f64::NAN,
            yes = true,
            "a message with {}",
            "arguments"
        );
    }

    #[test]
    fn a_line_says_what_the_stock_json_format_says() {
        let mut ours = json_lines(async { awkward_event() });
        let mut stock = lines_in(subscriber_fmt::format().json(), async { awkward_event() });
        let timestamp = ours[0]["timestamp"]
            .as_str()
            .expect("a timestamp")
            .to_owned();
        for line in ours.iter_mut().chain(stock.iter_mut()) {
            line.as_object_mut().expect("an object").remove("timestamp");
        }
        assert_eq!(ours, stock);
        // RFC 3339 in UTC with microseconds, as the stock format writes it.
        let parsed = chrono::DateTime::parse_from_rfc3339(&timestamp).expect("RFC 3339");
        assert_eq!(parsed.offset().local_minus_utc(), 0);
        assert_eq!(
            (timestamp.len(), &timestamp[19..20]),
            (27, "."),
            "{timestamp}"
        );
    }

    #[test]
    fn lines_logged_while_handling_a_request_carry_its_id() {
        let lines = json_lines(async {
            tracing::info!("starting");
            request_id::scope("req-1".into(), async {
                tracing::warn!(user = "someone", "inside");
                log_request("GET", "/health/live", 200, Duration::from_millis(2));
                let _span = tracing::info_span!("work", job = 7).entered();
                tracing::info!("in a span");
            })
            .await;
        });
        assert_eq!(lines.len(), 4);
        assert!(lines[0].get("request_id").is_none());
        for line in &lines[1..] {
            assert_eq!(line["request_id"], "req-1");
        }
        assert_eq!(lines[1]["fields"]["user"], "someone");
        assert_eq!(lines[2]["fields"]["message"], "request completed");
        assert_eq!(lines[2]["fields"]["route"], "/health/live");
        assert_eq!(lines[2]["fields"]["status"], 200);
        assert_eq!(lines[2]["level"], "INFO");
        assert_eq!(lines[3]["span"]["job"], 7);
    }
}
