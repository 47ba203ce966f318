//! Argon2id password hashing (OWASP parameters: m = 19 MiB, t = 2, p = 1), always off the async
//! worker threads.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, AppResult};

const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// A hash of a password nobody has, verified when the email is unknown so that an unknown email
/// and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_blocking("not a real password, only a timing decoy")
        .expect("hashing the decoy password at start-up")
});

fn hasher() -> AppResult<Argon2<'static>> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

/// Computes the decoy hash now, at start-up, rather than during the first login.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// Hashes `password` with a fresh salt into a PHC string.
pub async fn hash(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(AppError::internal)?
}

/// Checks `password` against `stored`; with no stored hash, checks against the decoy and fails,
/// taking the same time as a real check.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let hasher = hasher()?;
        let real = stored
            .as_deref()
            .and_then(|hash| PasswordHash::new(hash).ok());
        let decoy = PasswordHash::new(&DUMMY_HASH).map_err(AppError::internal)?;
        let matches = hasher
            .verify_password(password.as_bytes(), real.as_ref().unwrap_or(&decoy))
            .is_ok();
        Ok(matches && real.is_some())
    })
    .await
    .map_err(AppError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hash = hash("correct horse".to_owned()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("correct horse".to_owned(), Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify("wrong horse".to_owned(), Some(hash))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(!verify("anything".to_owned(), None).await.expect("verify"));
        assert!(
            !verify("anything".to_owned(), Some(String::new()))
                .await
                .expect("verify")
        );
    }
}
