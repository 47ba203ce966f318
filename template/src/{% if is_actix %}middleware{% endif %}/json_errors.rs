//! A safety net: any error answer that is not already JSON (the router's 405, a middleware's
//! error) is replaced by the JSON error body, keeping its status and `allow` header.

use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

use crate::error::AppError;
use crate::headers;

/// `response`, or the JSON error body in its place if it is an error that is not JSON.
pub fn ensure_json<B>(response: ServiceResponse<B>) -> ServiceResponse<EitherBody<B>> {
    match replacement(response.response()) {
        Some(replaced) => response.into_response(replaced).map_into_right_body(),
        None => response.map_into_left_body(),
    }
}

/// The JSON answer to give instead of `response`, if it is an error that is not JSON.
pub fn replacement<B>(response: &HttpResponse<B>) -> Option<HttpResponse> {
    let status = response.status();
    if !headers::needs_json_error_body(status.as_u16(), || content_type(response)) {
        return None;
    }
    let mut replaced = AppError::from_status(status.as_u16()).error_response();
    *replaced.status_mut() = status;
    if let Some(allow) = response.headers().get(header::ALLOW) {
        replaced.headers_mut().insert(header::ALLOW, allow.clone());
    }
    Some(replaced)
}

fn content_type<B>(response: &HttpResponse<B>) -> Option<&str> {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
}
