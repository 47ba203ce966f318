//! Logging: readable lines locally, one JSON object per line in production. `RUST_LOG`
//! overrides the configured filter.

use std::time::Duration;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{LogFormat, TelemetrySettings};

/// Installs the global subscriber; a second call (as in tests) leaves the first in place.
pub fn init(settings: &TelemetrySettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match settings.format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer()).try_init(),
    };
    if installed.is_err() {
        tracing::debug!("a tracing subscriber was already installed");
    }
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
