//! Authentication: argon2id password hashing, JWT access tokens, and login rate limiting.
//! Nothing here knows about HTTP; the extractor lives in `middleware::auth`.

pub mod jwt;
pub mod password;
pub mod rate_limit;

pub use jwt::TokenService;
pub use rate_limit::RateLimiter;
use uuid::Uuid;

/// The caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthenticatedUser {
    pub id: Uuid,
}
