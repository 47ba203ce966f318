//! Requests that outlive the configured timeout are answered with a JSON 408.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

use crate::error::AppError;

/// How long a request may take; registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct RequestTimeout(pub Duration);

pub async fn enforce(
    limit: web::Data<RequestTimeout>,
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    match tokio::time::timeout(limit.0, next.call(request)).await {
        Ok(response) => response,
        Err(_) => {
            let error = AppError::Timeout;
            let response = error.error_response();
            Err(InternalError::from_response(error, response).into())
        }
    }
}
