//! The bare actix-web baseline answering `/health/live` with the bytes the generated API sends:
//! the same body and the same headers (the OWASP ones and a request id), written the cheapest
//! way, and nothing else. What it loses against the bare server is what the HTTP contract costs
//! on the wire, before any middleware runs.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    HttpServer::new(|| App::new().route("/health/live", web::get().to(live)))
        .bind(format!("127.0.0.1:{port}"))?
        .run()
        .await
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

async fn live() -> HttpResponse {
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        (REQUEST_ID.clone(), "0b4e6f0c-7a64-4c55-9d0e-3a2f1e8b9c7d"),
    ];
    let mut response = HttpResponse::Ok();
    for (name, value) in headers {
        response.insert_header((name, HeaderValue::from_static(value)));
    }
    response.body(r#"{"status":"ok"}"#)
}
