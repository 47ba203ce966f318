//! `x-request-id` on every request and response; see `crate::request_id`.

use std::sync::Arc;

use actix_web::dev::ServiceRequest;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::request_id;

/// Made once: looked up by name, or made from the text, it is parsed and checked on each use.
pub static HEADER: HeaderName = HeaderName::from_static(request_id::HEADER);

/// The id to handle `request` under: its own `x-request-id` if that is sane, a new one otherwise.
pub fn of(request: &ServiceRequest) -> Arc<str> {
    request_id::resolve(
        request
            .headers()
            .get(&HEADER)
            .and_then(|value| value.to_str().ok()),
    )
}

/// Sends the id back in `x-request-id`.
pub fn tag(headers: &mut HeaderMap, id: &str) {
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert(HEADER.clone(), value);
    }
}
