//! A safety net: any error answer that is not already JSON (the router's 405, a middleware's
//! error) is replaced by the JSON error body, keeping its status and `allow` header; a handler
//! that panics is answered with a plain 500.

use std::panic::AssertUnwindSafe;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};
use futures_util::FutureExt;

use crate::error::AppError;
use crate::headers;

pub async fn ensure_json(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    match next.call(request).await {
        Ok(response) => match replacement(response.response()) {
            Some(replaced) => Ok(response.into_response(replaced).map_into_right_body()),
            None => Ok(response.map_into_left_body()),
        },
        Err(error) => {
            let response = error.error_response();
            let response = replacement(&response).unwrap_or(response);
            Err(InternalError::from_response(error, response).into())
        }
    }
}

/// The JSON answer to give instead of `response`, if it is an error that is not JSON.
fn replacement<B>(response: &HttpResponse<B>) -> Option<HttpResponse> {
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    if !headers::needs_json_error_body(status.as_u16(), content_type) {
        return None;
    }
    let mut replaced = AppError::from_status(status.as_u16()).error_response();
    *replaced.status_mut() = status;
    if let Some(allow) = response.headers().get(header::ALLOW) {
        replaced.headers_mut().insert(header::ALLOW, allow.clone());
    }
    Some(replaced)
}

pub async fn catch_panic(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let error = AppError::from_panic(panic.as_ref());
            let response = error.error_response();
            Err(InternalError::from_response(error, response).into())
        }
    }
}
