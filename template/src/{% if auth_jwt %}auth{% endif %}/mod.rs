//! Authentication: argon2id password hashing, JWT access tokens, attempt limits and the client
//! address they are keyed on. Nothing here knows about HTTP; the extractors live in
//! `middleware::auth`.

pub mod client_ip;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod settings;

pub use client_ip::{ClientAddress, TrustedProxies};
pub use jwt::TokenService;
pub use rate_limit::AttemptLimits;
pub use settings::{AuthSettings, RateLimitSettings};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatedUser {
    pub id: Uuid,
}

/// The token of an `Authorization: Bearer <token>` header value (the scheme in any case).
pub fn bearer_token(authorization: Option<&str>) -> AppResult<&str> {
    authorization
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or(AppError::Unauthorized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bearer_header_yields_a_token() {
        assert_eq!(bearer_token(Some("Bearer abc")).ok(), Some("abc"));
        assert_eq!(bearer_token(Some("bearer abc")).ok(), Some("abc"));
        for refused in [
            None,
            Some("Basic abc"),
            Some("Bearer"),
            Some("Bearer  "),
            Some("abc"),
        ] {
            assert!(bearer_token(refused).is_err(), "{refused:?}");
        }
    }
}
