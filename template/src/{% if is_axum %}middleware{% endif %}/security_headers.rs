//! The OWASP REST security headers (`crate::headers::SECURITY`), on every response.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::headers;

pub async fn apply(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    for (name, value) in headers::SECURITY {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}
