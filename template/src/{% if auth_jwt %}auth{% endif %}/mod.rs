//! Authentication: argon2id password hashing, JWT access tokens, and login rate limiting.
//! Nothing here knows about HTTP; the extractor lives in `middleware::auth`.

pub mod jwt;
pub mod password;
pub mod rate_limit;

pub use jwt::TokenService;
pub use rate_limit::RateLimiter;
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
