//! The bare actix-web baseline: one route answering like `/health/live`, no middleware. With
//! `BARE_CONTRACT_HEADERS` set it answers with the generated API's bytes instead (`contract`),
//! the headers made once and cloned for each answer.

mod contract;

use std::sync::LazyLock;

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::json;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let contract_headers = std::env::var_os("BARE_CONTRACT_HEADERS").is_some();
    HttpServer::new(move || {
        let live = if contract_headers {
            web::get().to(live_with_contract_headers)
        } else {
            web::get().to(live)
        };
        App::new().route("/health/live", live)
    })
    .bind(format!("127.0.0.1:{port}"))?
    .run()
    .await
}

async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

static HEADERS: LazyLock<Vec<(HeaderName, HeaderValue)>> = LazyLock::new(|| {
    contract::HEADERS
        .iter()
        .map(|&(name, value)| (HeaderName::from_static(name), HeaderValue::from_static(value)))
        .collect()
});

async fn live_with_contract_headers() -> HttpResponse {
    let mut response = HttpResponse::Ok();
    for header in HEADERS.iter() {
        response.insert_header(header.clone());
    }
    response.body(contract::BODY)
}
