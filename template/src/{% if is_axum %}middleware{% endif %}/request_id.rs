//! `x-request-id` on every request and response; see `crate::request_id`.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::request_id;

pub static HEADER: HeaderName = HeaderName::from_static(request_id::HEADER);

pub async fn propagate(request: Request, next: Next) -> Response {
    let id = request_id::resolve(
        request
            .headers()
            .get(&HEADER)
            .and_then(|value| value.to_str().ok()),
    );
    let mut response = request_id::scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER.clone(), value);
    }
    response
}
