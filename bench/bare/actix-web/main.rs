//! The bare actix-web baseline: one route answering like `/health/live`, no middleware.

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::json;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    HttpServer::new(|| App::new().route("/health/live", web::get().to(live)))
        .bind(format!("127.0.0.1:{port}"))?
        .run()
        .await
}

async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}
