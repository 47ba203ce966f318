//! actix-web's extractor errors, turned into `AppError`s so that a malformed request gets the
//! same JSON error body as everything else. Registered as app data by `startup::app`.

use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::{Error, HttpRequest, web};

use crate::error::AppError;
use crate::models::ValidationErrors;

/// JSON bodies: 415 without `content-type: application/json`, 400 for malformed JSON, 413 over
/// the body limit, 422 for JSON of the wrong shape.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _: &HttpRequest| Error::from(json_error(&error)))
}

fn json_error(error: &JsonPayloadError) -> AppError {
    match error {
        JsonPayloadError::ContentType => AppError::UnsupportedMediaType,
        JsonPayloadError::Overflow { .. }
        | JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => AppError::PayloadTooLarge,
        JsonPayloadError::Deserialize(error) if error.is_data() => {
            ValidationErrors::single("body", error.to_string()).into()
        }
        _ => AppError::BadRequest("request body is not valid JSON"),
    }
}

/// Raw bodies (anything not read as JSON) have the same limit.
pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

/// Query strings: 422 when one does not fit.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _: &HttpRequest| {
        Error::from(AppError::from(ValidationErrors::single(
            "query",
            error.to_string(),
        )))
    })
}

/// Path parameters: a parameter that cannot be parsed names no resource, so 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_, _: &HttpRequest| Error::from(AppError::NotFound("resource")))
}
