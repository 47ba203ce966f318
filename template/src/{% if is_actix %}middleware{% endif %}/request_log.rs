//! One log line per request with its id, method, route template, status and latency; everything
//! logged while handling it carries the same `request_id`.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;

use super::{route_of, status_of};
use crate::{request_id, telemetry};

pub async fn log(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_of(request.request());
    let id = request_id::current();
    let span = tracing::info_span!("request", request_id = %id);
    let result = next.call(request).instrument(span).await;
    let status = status_of(&result);
    telemetry::log_request(&id, method.as_str(), &route, status, started.elapsed());
    result
}
