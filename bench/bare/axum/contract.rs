//! The bare axum baseline answering `/health/live` with the bytes the generated API sends: the
//! same body and the same headers (the OWASP ones and a request id), written the cheapest way,
//! and nothing else. What it loses against the bare server is what the HTTP contract costs on
//! the wire, before any middleware runs.

use axum::http::{HeaderName, HeaderValue, header};
use axum::{Router, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let app = Router::new().route("/health/live", get(live));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    axum::serve(listener, app).await
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

async fn live() -> ([(HeaderName, HeaderValue); 6], &'static str) {
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        (REQUEST_ID.clone(), "0b4e6f0c-7a64-4c55-9d0e-3a2f1e8b9c7d"),
    ];
    (
        headers.map(|(name, value)| (name, HeaderValue::from_static(value))),
        r#"{"status":"ok"}"#,
    )
}
