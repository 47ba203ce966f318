//! `GET /openapi.json` (always) and `GET /docs`, Swagger UI (unless `server.docs_enabled` is
//! false). Swagger UI's files are compiled into the binary: nothing is fetched at build or run
//! time.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::headers;

pub const SPEC_PATH: &str = "/openapi.json";
pub const UI_PATH: &str = "/docs";
/// Swagger UI's files, under `UI_PATH` (an actix pattern matching any rest of the path).
const UI_FILES: &str = "/docs/{_:.*}";

/// The document, rendered once at start-up and shared by every worker.
#[derive(Clone)]
pub struct Document(pub Arc<str>);

/// The documentation routes for `document`, Swagger UI only when `ui` is true.
pub fn configure(document: Document, ui: bool) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config.service(
            web::resource(SPEC_PATH)
                .app_data(web::Data::new(document))
                .route(web::get().to(spec)),
        );
        if ui {
            let ui_root = format!("{UI_PATH}/");
            config
                .service(web::resource(UI_PATH).route(web::get().to(move || {
                    let location = ui_root.clone();
                    async move {
                        HttpResponse::SeeOther()
                            .insert_header((header::LOCATION, location))
                            .finish()
                    }
                })))
                .service(
                    SwaggerUi::new(UI_FILES).config(Config::from(SPEC_PATH).validator_url("none")),
                );
        }
    }
}

async fn spec(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(headers::JSON)
        .body(document.0.to_string())
}
