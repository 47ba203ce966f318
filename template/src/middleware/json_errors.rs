//! A safety net: any error response that is not already JSON (the router's 405, a layer's
//! rejection) is replaced by the JSON error body, keeping its status and `allow` header.

use std::any::Any;

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

pub async fn ensure_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !is_error || is_json {
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

/// The answer to a handler that panicked: a plain 500, the panic message goes to the log.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    AppError::internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}
