//! One log line per request with its id, method, route template, status and latency; everything
//! logged while handling it carries the same `request_id`.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::route_of;
use crate::{request_id, telemetry};

pub async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_of(&request);
    let id = request_id::current();
    let span = tracing::info_span!("request", request_id = %id);
    let response = next.run(request).instrument(span).await;
    let status = response.status().as_u16();
    telemetry::log_request(&id, method.as_str(), &route, status, started.elapsed());
    response
}
