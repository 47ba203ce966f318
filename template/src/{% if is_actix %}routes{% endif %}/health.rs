use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::headers;
use crate::models::{Liveness, Readiness};
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(resource!(live)).service(resource!(ready));
}

/// The process is up.
#[utoipa::path(
    get,
    path = "/health/live",
    tag = "health",
    operation_id = "live",
    responses((status = 200, description = "The process is up", body = Liveness))
)]
async fn live() -> HttpResponse {
    // A static value: `ContentType::json()` would format and check the media type each time.
    let json = HeaderValue::from_static(headers::JSON);
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, json))
        .body(Liveness::UP_JSON)
}

/// The process can serve: it is not shutting down and its database answers.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "health",
    operation_id = "ready",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "The database is unreachable, or the server is shutting down", body = Readiness),
    )
)]
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let readiness = state.readiness().await;
    if readiness.is_ready() {
        HttpResponse::Ok().json(readiness)
    } else {
        HttpResponse::ServiceUnavailable().json(readiness)
    }
}
