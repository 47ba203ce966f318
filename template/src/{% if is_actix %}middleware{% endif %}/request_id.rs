//! `x-request-id` on every request and response; see `crate::request_id`.

use actix_web::dev::ServiceRequest;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::request_id::{self, RequestId};

/// Made once: looked up by name, or made from the text, it is parsed and checked on each use.
pub static HEADER: HeaderName = HeaderName::from_static(request_id::HEADER);

/// The id to handle `request` under: its own `x-request-id` if that is sane, a new one otherwise.
pub fn of(request: &ServiceRequest) -> RequestId {
    request_id::resolve(request.headers().get(&HEADER).map(HeaderValue::as_bytes))
}

/// Sends the id back in `x-request-id`.
pub fn tag(headers: &mut HeaderMap, id: &RequestId) {
    // The id's own bytes, shared: checked as a header value, not copied.
    if let Ok(value) = HeaderValue::from_maybe_shared(id.to_bytes()) {
        headers.insert(HEADER.clone(), value);
    }
}
