//! `AppError` as an actix-web error: its status, headers and the JSON `ErrorBody`. Server errors
//! are logged in full here, with the request id the body carries.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::error::AppError;
use crate::openapi::ErrorBody;
use crate::request_id;

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = HttpResponse::build(status);
        for header in self.headers() {
            response.insert_header(header);
        }
        response.json(ErrorBody::new(self, request_id::current()))
    }
}
