//! Logging: readable lines locally, one JSON object per line in production. `RUST_LOG`
//! overrides the configured filter. Every line logged while a request is handled carries its
//! id, read from the request's scope (`crate::request_id`) rather than from a span per request:
//! a span costs a registry entry, an enter and exit on every poll, and, in JSON, a re-parse of
//! its fields for every line.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::{self, BufWriter, Write as _};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt as subscriber_fmt};

use crate::config::{LogFormat, TelemetrySettings};
use crate::request_id::{self, RequestId};

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
    if settings.format == LogFormat::Json {
        // Only the `init` that installed the subscriber gets here, so this is the first set.
        let _ = REQUEST_LINES.set(Arc::clone(&stdout));
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

/// Where `init` sends the JSON lines, when it installed the JSON format: the request line is
/// written there directly (see `log_request`).
static REQUEST_LINES: OnceLock<Arc<BufferedStdout>> = OnceLock::new();

/// The one log line per request: method, route template, status and latency (the request id
/// is on every line logged while the request is handled).
///
/// Under the JSON subscriber `init` installs, the line is written straight into its buffer,
/// byte for byte what the subscriber would write for the event (a test holds the two
/// together): the event's dispatch through the filter and the formatting layer, and the visit
/// of each field, cost more than the line itself. Whether the line is logged is still the
/// filter's call (`RUST_LOG`, the configured filter). Under any other subscriber (the readable
/// format, or a test's) it is an ordinary event.
pub fn log_request(method: &str, route: &str, status: u16, latency: Duration) {
    let Some(stdout) = REQUEST_LINES.get() else {
        // To the microsecond, so that the line reads 0.057 rather than 0.057377000000000004.
        let latency_ms = latency.as_micros() as f64 / 1000.0;
        tracing::info!(
            message = REQUEST_COMPLETED,
            method,
            route,
            status,
            latency_ms
        );
        return;
    };
    if !tracing::enabled!(tracing::Level::INFO) {
        return;
    }
    // A line that cannot be made (a clock past chrono's years) is dropped, as the subscriber
    // drops it; nowhere to report a failed write to stdout either.
    let _ = request_id::with_current(|id| {
        with_line(|line| {
            write_request_line(line, id, method, route, status, latency)?;
            let mut writer = stdout.as_ref();
            let _ = writer.write_all(line.as_bytes());
            Ok(())
        })
    });
}

const REQUEST_COMPLETED: &str = "request completed";

/// The JSON line of `log_request`, as `JsonLine` writes its event.
fn write_request_line(
    line: &mut String,
    id: Option<&str>,
    method: &str,
    route: &str,
    status: u16,
    latency: Duration,
) -> fmt::Result {
    write_line_start(line, id, &tracing::Level::INFO)?;
    line.push_str("\"message\":\"");
    line.push_str(REQUEST_COMPLETED);
    // A method is a token (RFC 9110), checked by the HTTP parser: no character in it to escape.
    line.push_str("\",\"method\":\"");
    line.push_str(method);
    line.push_str("\",\"route\":");
    write_json_string(line, route);
    line.push_str(",\"status\":");
    line.push_str(itoa::Buffer::new().format(status));
    line.push_str(",\"latency_ms\":");
    write_millis(line, latency);
    // This module's path is an identifier path: nothing in it to escape.
    line.push_str(concat!("},\"target\":\"", module_path!(), "\"}\n"));
    Ok(())
}

/// `latency` in milliseconds to the microsecond, as serde_json writes the float
/// `micros / 1000.0` (`57.377`, `5.0`, `0.001`), from integers: no float to format.
fn write_millis(out: &mut String, latency: Duration) {
    let micros = latency.as_micros();
    out.push_str(itoa::Buffer::new().format(micros / 1000));
    let fraction = micros % 1000;
    let digits = [
        b'.',
        b'0' + (fraction / 100) as u8,
        b'0' + (fraction / 10 % 10) as u8,
        b'0' + (fraction % 10) as u8,
    ];
    // No trailing zeros, but one digit at least.
    let kept = if fraction.is_multiple_of(100) {
        2
    } else if fraction.is_multiple_of(10) {
        3
    } else {
        4
    };
    out.extend(digits[..kept].iter().map(|&digit| char::from(digit)));
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
        let current = request_id::current_if_any();
        let id = current.as_ref().map(RequestId::as_str);
        if context.lookup_current().is_some() {
            return self.format_with_spans(context, writer, event, id);
        }
        // Made in a `String` and handed over whole: every write to `writer` is a dynamic call.
        with_line(|line| {
            write_line(line, event, id)?;
            writer.write_str(line)
        })
    }
}

/// Runs `write` with this thread's line buffer, emptied; its capacity is kept for the next
/// line, up to `LINE_CAPACITY_KEPT`.
fn with_line(write: impl FnOnce(&mut String) -> fmt::Result) -> fmt::Result {
    thread_local! {
        static LINE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    LINE.with(|kept| {
        // A line logged while this thread's is being made gets a `String` of its own.
        let mut fresh = String::new();
        let mut borrowed = kept.try_borrow_mut();
        let line = borrowed.as_deref_mut().unwrap_or(&mut fresh);
        line.clear();
        let written = write(line);
        // A rare long line (a large error) does not hold its memory for good.
        if line.capacity() > LINE_CAPACITY_KEPT {
            line.shrink_to(LINE_CAPACITY_KEPT);
        }
        written
    })
}

/// The most a thread keeps of its line's capacity between lines.
const LINE_CAPACITY_KEPT: usize = 4096;

/// A line without spans, `{"request_id":…,"timestamp":…,"level":…,"fields":{…},"target":…}`.
fn write_line(line: &mut String, event: &Event<'_>, id: Option<&str>) -> fmt::Result {
    write_line_start(line, id, event.metadata().level())?;
    let mut fields = JsonFieldsOf {
        out: &mut *line,
        opening: "\"",
        result: Ok(()),
    };
    event.record(&mut fields);
    fields.result?;
    write_line_end(line, event.metadata().target());
    Ok(())
}

/// A line up to its first field: `{"request_id":…,"timestamp":…,"level":…,"fields":{`.
fn write_line_start(line: &mut String, id: Option<&str>, level: &tracing::Level) -> fmt::Result {
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
    line.push_str(level.as_str());
    line.push_str("\",\"fields\":{");
    Ok(())
}

/// A line from the end of its fields: `},"target":…}` and the newline.
fn write_line_end(line: &mut String, target: &str) {
    line.push_str("},\"target\":");
    write_json_string(line, target);
    line.push_str("}\n");
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
fn write_timestamp(out: &mut String) -> fmt::Result {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    // Before 1970 only with a broken clock, which the epoch stands in for.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    SECOND.with_borrow_mut(|(second, text)| -> fmt::Result {
        if *second != now.as_secs() {
            let date = i64::try_from(now.as_secs())
                .ok()
                .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
                .ok_or(fmt::Error)?;
            *second = now.as_secs();
            text.clear();
            write!(text, "{}", date.format("%Y-%m-%dT%H:%M:%S"))?;
        }
        out.push_str(text);
        Ok(())
    })?;
    let mut micros = now.subsec_micros();
    let mut fraction = *b".000000Z";
    for digit in fraction[1..7].iter_mut().rev() {
        *digit += (micros % 10) as u8;
        micros /= 10;
    }
    out.push_str(std::str::from_utf8(&fraction).map_err(|_| fmt::Error)?);
    Ok(())
}

/// Writes an event's fields as the members of a JSON object, numbers as serde_json writes them
/// (`itoa`, and `zmij` for floats), without going through `fmt` for each.
struct JsonFieldsOf<'a> {
    out: &'a mut String,
    /// Before the next field's name: its opening quote, after a comma but for the first.
    opening: &'static str,
    result: fmt::Result,
}

impl JsonFieldsOf<'_> {
    fn name(&mut self, field: &Field) {
        self.out.push_str(self.opening);
        self.opening = ",\"";
        escape_into(self.out, field.name());
        self.out.push_str("\":");
    }

    fn number(&mut self, field: &Field, text: &str) {
        self.name(field);
        self.out.push_str(text);
    }
}

impl Visit for JsonFieldsOf<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.name(field);
        write_json_string(self.out, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.name(field);
        self.out.push('"');
        if self.result.is_ok() {
            self.result = write!(JsonEscaped(&mut *self.out), "{value:?}");
        }
        self.out.push('"');
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.name(field);
        write_json_number(self.out, value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.number(field, itoa::Buffer::new().format(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.number(field, itoa::Buffer::new().format(value));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.number(field, itoa::Buffer::new().format(value));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.number(field, itoa::Buffer::new().format(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.number(field, if value { "true" } else { "false" });
    }
}

/// A float as serde_json writes it; JSON has no NaN or infinity, so those are null.
fn write_json_number(out: &mut String, value: f64) {
    if value.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(value));
    } else {
        out.push_str("null");
    }
}

fn write_json_string(out: &mut String, text: &str) {
    out.push('"');
    escape_into(out, text);
    out.push('"');
}

/// Whether a byte must be escaped inside a JSON string: a control character, `"` or `\`.
const fn must_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any byte of `text` must be escaped: eight bytes at a time, as most text needs no
/// escape at all.
fn needs_escaping(text: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // Not zero if any byte of `word` is below `limit` (at most 0x80), or equal to `byte`.
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGH;
    let equal = |word: u64, byte: u8| below(word ^ (ONES * u64::from(byte)), 1);
    let mut words = text.as_bytes().chunks_exact(8);
    let escaped = words.by_ref().any(|eight| {
        let word = u64::from_ne_bytes([
            eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7],
        ]);
        below(word, 0x20) | equal(word, b'"') | equal(word, b'\\') != 0
    });
    escaped || words.remainder().iter().any(|&byte| must_escape(byte))
}

/// Appends `text` escaped for the inside of a JSON string. Most text needs no escape, and is
/// copied whole.
fn escape_into(out: &mut String, text: &str) {
    if !needs_escaping(text) {
        out.push_str(text);
        return;
    }
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        if !must_escape(byte) {
            continue;
        }
        // Bytes below 0x80 are whole characters, so `at` is a character boundary.
        out.push_str(&text[plain..at]);
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
        plain = at + 1;
    }
    out.push_str(&text[plain..]);
}

/// Escapes what `fmt` writes into it for the inside of a JSON string.
struct JsonEscaped<'a>(&'a mut String);

impl fmt::Write for JsonEscaped<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escape_into(self.0, text);
        Ok(())
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
        text_in(format, log)
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
            .collect()
    }

    /// What `format` writes for the events `log` logs, as written.
    fn text_in<E>(format: E, log: impl std::future::Future<Output = ()>) -> String
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
        String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("UTF-8 lines")
    }

    /// `line` with its timestamp's value taken out.
    fn without_timestamp(line: &str) -> String {
        const KEY: &str = "\"timestamp\":\"";
        let start = line.find(KEY).expect("a timestamp") + KEY.len();
        let end = start + line[start..].find('"').expect("a closed timestamp");
        format!("{}{}", &line[..start], &line[end..])
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
    fn the_request_line_written_directly_is_the_line_of_its_event() {
        // With and without a request id; a route and a method that need escaping, whatever
        // the router lets through.
        for (id, method, route) in [
            (Some("req-1"), "GET", "/api/v1/users/{id}"),
            (None, "PURGE", "/quote\"back\\slash\n"),
        ] {
            let (status, latency) = (404, Duration::from_micros(57_377));
            // No `init` in the tests: `log_request` logs an event, which `JsonLine` formats.
            let logged = async move {
                match id {
                    Some(id) => {
                        request_id::scope(request_id::resolve(Some(id.as_bytes())), async move {
                            log_request(method, route, status, latency);
                        })
                        .await
                    }
                    None => log_request(method, route, status, latency),
                }
            };
            let event_line = text_in(JsonLine::default(), logged);
            let mut direct = String::new();
            write_request_line(&mut direct, id, method, route, status, latency).expect("a line");
            assert_eq!(without_timestamp(&direct), without_timestamp(&event_line));
            let parsed: serde_json::Value = serde_json::from_str(&direct).expect("JSON");
            assert_eq!(parsed["fields"]["route"], route);
            assert_eq!(parsed["fields"]["latency_ms"], 57.377);
        }
    }

    #[test]
    fn no_character_of_a_method_token_needs_escaping() {
        // RFC 9110's `tchar`, every character a request's method can have.
        let tchar: String = ('0'..='9')
            .chain('a'..='z')
            .chain('A'..='Z')
            .chain("!#$%&'*+-.^_`|~".chars())
            .collect();
        assert!(!needs_escaping(&tchar));
        assert!(tchar.bytes().all(|byte| !must_escape(byte)));
    }

    #[test]
    fn milliseconds_are_written_as_the_float_would_be() {
        let sweep = (0..20_000).step_by(7);
        let edges = [999, 1_000, 1_230, 5_000, 57_377, 120_000_000, 3_600_000_001];
        for micros in sweep.chain(edges) {
            let (mut ours, mut float) = (String::new(), String::new());
            write_millis(&mut ours, Duration::from_micros(micros));
            write_json_number(&mut float, micros as f64 / 1000.0);
            assert_eq!(ours, float, "{micros} µs");
        }
    }

    #[test]
    fn text_needs_escaping_exactly_when_a_byte_is_a_control_a_quote_or_a_backslash() {
        assert!(!needs_escaping(""));
        assert!(!needs_escaping(
            "/api/v1/users/{id}, accents \u{e9}\u{2713}"
        ));
        for special in ['"', '\\', '\n', '\u{0}', '\u{1f}'] {
            // At every position, in the eight-byte words and in the remainder.
            for at in 0..20 {
                let mut text = "x".repeat(19);
                text.insert(at, special);
                assert!(needs_escaping(&text), "{text:?}");
            }
        }
        // Bytes just past each special one, and those with the high bit set, need none.
        assert!(!needs_escaping("\u{20}#]\u{7f}\u{80}\u{ff}!!!!!!!!!!!"));
    }

    #[test]
    fn lines_logged_while_handling_a_request_carry_its_id() {
        let lines = json_lines(async {
            tracing::info!("starting");
            request_id::scope(request_id::resolve(Some(b"req-1")), async {
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
