//! A safety net: any error response that is not already JSON (the router's 405, a layer's
//! rejection) is replaced by the JSON error body, keeping its status and `allow` header.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::headers;

/// `response`, or the JSON error body in its place if it is an error that is not JSON.
pub fn ensure_json(response: Response) -> Response {
    let status = response.status();
    if !headers::needs_json_error_body(status.as_u16(), || content_type(&response)) {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut replaced = AppError::from_status(status.as_u16()).into_response();
    *replaced.status_mut() = status;
    if let Some(allow) = allow {
        replaced.headers_mut().insert(header::ALLOW, allow);
    }
    replaced
}

fn content_type(response: &Response) -> Option<&str> {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
}
