//! `GET /openapi.json` (always) and `GET /docs`, Swagger UI (unless `server.docs_enabled` is
//! false). Swagger UI's files are compiled into the binary: nothing is fetched at build or run
//! time.

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::{headers, openapi};

pub const SPEC_PATH: &str = "/openapi.json";
pub const UI_PATH: &str = "/docs";

/// The documentation routes for `document`, Swagger UI only when `ui` is true.
pub fn router<S: Clone + Send + Sync + 'static>(
    document: &serde_json::Value,
    ui: bool,
) -> Router<S> {
    let json: Arc<str> = openapi::to_json(document).into();
    let spec = Router::new().route(
        SPEC_PATH,
        get(move || {
            let json = Arc::clone(&json);
            async move { ([(header::CONTENT_TYPE, headers::JSON)], json.to_string()) }
        }),
    );
    if !ui {
        return spec;
    }
    let config = Config::from(SPEC_PATH).validator_url("none");
    spec.merge(SwaggerUi::new(UI_PATH).config(config))
}
