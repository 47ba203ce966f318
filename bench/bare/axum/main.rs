//! The bare axum baseline: one route answering like `/health/live`, no middleware. With
//! `BARE_CONTRACT_HEADERS` set it answers with the generated API's bytes instead (`contract`),
//! the headers made once and cloned for each answer.

mod contract;

use std::sync::LazyLock;

use axum::http::{HeaderName, HeaderValue};
use axum::{Json, Router, routing::get};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let live = if std::env::var_os("BARE_CONTRACT_HEADERS").is_some() {
        get(live_with_contract_headers)
    } else {
        get(live)
    };
    let app = Router::new().route("/health/live", live);
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    axum::serve(listener, app).await
}

async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

static HEADERS: LazyLock<[(HeaderName, HeaderValue); 6]> = LazyLock::new(|| {
    contract::HEADERS
        .map(|(name, value)| (HeaderName::from_static(name), HeaderValue::from_static(value)))
});

async fn live_with_contract_headers() -> ([(HeaderName, HeaderValue); 6], &'static str) {
    (HEADERS.clone(), contract::BODY)
}
