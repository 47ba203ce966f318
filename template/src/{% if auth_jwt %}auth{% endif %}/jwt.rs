//! HS256 access tokens. `exp`, `iat`, `iss`, `sub` and our `stamp` are required; the issuer
//! must match. The stamp ties a token to the password it was issued under (see
//! `password::stamp`), so a password change or a deleted account ends it at once.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AuthenticatedUser;
use crate::error::{AppError, AppResult};
use crate::models::AccessToken;

/// Seconds of clock skew tolerated when checking `exp`.
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// The fingerprint of the password hash the token was issued under.
    pub stamp: String,
}

/// What a token says, once its signature, issuer and expiry check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub user: AuthenticatedUser,
    pub stamp: String,
}

pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    ttl_secs: u64,
}

impl TokenService {
    pub fn new(secret: &[u8], issuer: &str, ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        validation.set_issuer(&[issuer]);
        validation.leeway = LEEWAY_SECS;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            ttl_secs,
        }
    }

    /// Signs a token for `user_id`, under the password `stamp`, that expires after the
    /// configured time to live.
    pub fn issue(&self, user_id: Uuid, stamp: String) -> AppResult<AccessToken> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            iss: self.issuer.clone(),
            iat: now,
            exp: now.saturating_add(i64::try_from(self.ttl_secs).unwrap_or(i64::MAX)),
            stamp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok(AccessToken {
            access_token: token,
            token_type: "Bearer",
            expires_in: self.ttl_secs,
        })
    }

    /// The user a token was issued to and its stamp, if its signature, issuer and expiry check
    /// out. Whether the stamp is still current is the caller's check (`AuthService`).
    pub fn verify(&self, token: &str) -> AppResult<VerifiedToken> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| VerifiedToken {
                user: AuthenticatedUser {
                    id: data.claims.sub,
                },
                stamp: data.claims.stamp,
            })
            .map_err(|_| AppError::Unauthorized)
    }
}

/// A random 384-bit secret, hex-encoded, for local runs without `APP__AUTH__JWT_SECRET`.
pub fn random_secret() -> String {
    let mut bytes = [0_u8; 48];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-test-secret-that-is-long-enough-for-hs256";

    #[test]
    fn an_issued_token_verifies_to_its_user() {
        let tokens = TokenService::new(SECRET, "test", 60);
        let user = Uuid::new_v4();
        let token = tokens.issue(user, "stamp".to_owned()).expect("issue");
        assert_eq!(token.token_type, "Bearer");
        assert_eq!(token.expires_in, 60);
        let verified = tokens.verify(&token.access_token).expect("verify");
        assert_eq!(verified.user.id, user);
        assert_eq!(verified.stamp, "stamp");
    }

    #[test]
    fn a_token_from_another_key_or_issuer_is_refused() {
        let ours = TokenService::new(SECRET, "test", 60);
        let other_key =
            TokenService::new(b"another-secret-that-is-long-enough-for-hs256", "test", 60);
        let other_issuer = TokenService::new(SECRET, "someone-else", 60);
        for foreign in [&other_key, &other_issuer] {
            let token = foreign
                .issue(Uuid::new_v4(), "stamp".to_owned())
                .expect("issue");
            assert!(matches!(
                ours.verify(&token.access_token),
                Err(AppError::Unauthorized)
            ));
        }
    }

    #[test]
    fn random_secrets_are_long_and_distinct() {
        let (a, b) = (random_secret(), random_secret());
        assert_eq!(a.len(), 96);
        assert_ne!(a, b);
    }
}
