//! Logging: readable lines locally, one JSON object per line in production. `RUST_LOG`
//! overrides the configured filter.

use std::time::Duration;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{LogFormat, TelemetrySettings};

/// Installs the global subscriber; a second call (as in tests) leaves the first in place.
/// Lines are written to stdout by a background thread, so a request never waits on the write
/// (when the buffer is full, writers wait rather than drop lines). Keep the guard until exit:
/// dropping it flushes what is still buffered.
pub fn init(settings: &TelemetrySettings) -> Option<WorkerGuard> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let (stdout, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stdout());
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match settings.format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(stdout),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().with_writer(stdout)).try_init(),
    };
    if installed.is_err() {
        tracing::debug!("a tracing subscriber was already installed");
        return None;
    }
    Some(guard)
}

/// The one log line per request: id, method, route template, status and latency.
pub fn log_request(request_id: &str, method: &str, route: &str, status: u16, latency: Duration) {
    tracing::info!(
        request_id,
        method,
        route,
        status,
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request completed"
    );
}
