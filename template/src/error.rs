//! The one error type. Every layer returns `AppError`; this module alone decides the status
//! code, the stable `code` and the message a client sees. Server errors are logged in full and
//! answered with "internal server error" and nothing more.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::middleware::request_id;
use crate::models::ValidationErrors;
use crate::repositories::RepositoryError;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(ValidationErrors),
    #[error("{0}")]
    BadRequest(&'static str),
    #[error("authentication required")]
    Unauthorized,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("you may only change your own account")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("request body is too large")]
    PayloadTooLarge,
    #[error("content type must be application/json")]
    UnsupportedMediaType,
    #[error("too many requests, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("request timed out")]
    Timeout,
    #[error("service unavailable")]
    Unavailable(#[source] RepositoryError),
    #[error("internal server error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// The error for a bare status produced outside the handlers (router, middleware).
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthorized,
            404 => Self::NotFound("resource"),
            405 => Self::MethodNotAllowed,
            408 => Self::Timeout,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            429 => Self::RateLimited {
                retry_after_secs: 1,
            },
            400..=499 => Self::BadRequest("bad request"),
            503 => Self::Unavailable(RepositoryError::Unavailable("service unavailable".into())),
            _ => Self::Internal(anyhow::anyhow!("unexpected status {status}")),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound(_) => 404,
            Self::MethodNotAllowed => 405,
            Self::Timeout => 408,
            Self::Conflict(_) => 409,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::Validation(_) => 422,
            Self::RateLimited { .. } => 429,
            Self::Internal(_) => 500,
            Self::Unavailable(_) => 503,
        }
    }

    /// A stable, machine-readable name clients can match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RateLimited { .. } => "rate_limited",
            Self::Timeout => "request_timeout",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The body every error is answered with (DESIGN §5).
    pub fn body(&self, request_id: String) -> ErrorBody {
        ErrorBody {
            error: self.to_string(),
            code: self.code(),
            request_id,
            details: match self {
                Self::Validation(errors) => Some(errors.fields().clone()),
                _ => None,
            },
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<RepositoryError> for AppError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(_) => Self::Unavailable(error),
            RepositoryError::Conflict => Self::Conflict("the resource already exists"),
            RepositoryError::Database(_) => Self::Internal(error.into()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: String,
    pub code: &'static str,
    pub request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<BTreeMap<String, Vec<String>>>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = (status, Json(self.body(request_id::current()))).into_response();
        let headers = response.headers_mut();
        match self {
            Self::RateLimited { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            Self::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
