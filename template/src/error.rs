//! The one error type. Every layer returns `AppError`; this module alone decides the status
//! code, the stable `code` and the message a client sees. Server errors are logged in full and
//! answered with "internal server error" and nothing more. Nothing here knows the HTTP framework:
//! `routes::error` turns an `AppError` into the framework's response, with the body of
//! `openapi::ErrorBody`.

use std::any::Any;
use std::collections::BTreeMap;

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
    /// Too much expensive work is already under way (password hashing); retry shortly.
    #[error("the server is busy, retry shortly")]
    Busy,
    /// A dependency is unreachable; the cause, when there is one, goes to the log.
    #[error("service unavailable")]
    Unavailable(#[source] Option<RepositoryError>),
    #[error("internal server error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// The error for a handler that panicked; the panic message goes to the log only.
    pub fn from_panic(panic: &(dyn Any + Send)) -> Self {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Self::internal(anyhow::anyhow!("handler panicked: {message}"))
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
            503 => Self::Unavailable(None),
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
            Self::Busy | Self::Unavailable(_) => 503,
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
            Self::Busy => "server_busy",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// Headers the answer needs besides the body: when to retry, how to authenticate.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::RateLimited { retry_after_secs } => {
                vec![("retry-after", retry_after_secs.to_string())]
            }
            Self::Busy => vec![("retry-after", "1".to_owned())],
            Self::Unauthorized => vec![("www-authenticate", "Bearer".to_owned())],
            _ => Vec::new(),
        }
    }

    /// The per-field problems of a validation error.
    pub fn details(&self) -> Option<&BTreeMap<String, Vec<String>>> {
        match self {
            Self::Validation(errors) => Some(errors.fields()),
            _ => None,
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
            RepositoryError::Unavailable(_) => Self::Unavailable(Some(error)),
            RepositoryError::Conflict => Self::Conflict("the resource already exists"),
            RepositoryError::Database(_) => Self::Internal(error.into()),
        }
    }
}
