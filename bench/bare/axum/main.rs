//! The bare axum baseline: one route answering like `/health/live`, no middleware.

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let app = Router::new().route("/health/live", get(live));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    axum::serve(listener, app).await
}

async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
