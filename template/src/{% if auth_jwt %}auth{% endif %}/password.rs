//! Argon2id password hashing (OWASP parameters: m = 19 MiB, t = 2, p = 1), always off the async
//! worker threads, and never more at once than the configured limit: each hash holds 19 MiB, so
//! a burst of registrations or logins queues briefly and is then answered 503 rather than
//! growing memory without bound.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use blake2::{Blake2s256, Digest};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{AppError, AppResult};

const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// What an unknown email is checked against, so that an unknown email and a wrong password take
/// the same time: an argon2id hash with the parameters above, of a password no account has. A
/// constant, so that start-up computes nothing and keeps no 19 MiB hashing block resident.
const DECOY_HASH: &str = concat!(
    "$argon2id$v=19$m=19456,t=2,p=1",
    "$j1iuK/TpOHhLl7fAv8Wgkw",
    "$hZGa+aV4uMwYWRL7U882kFGeCx/+uJEdMxPZOXRJfX4",
);

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

/// How many hashes may run at once, and how long a request waits for its turn.
#[derive(Debug)]
pub struct HashingLimit {
    slots: Semaphore,
    queue_wait: Duration,
}

impl HashingLimit {
    pub fn new(concurrent: usize, queue_wait: Duration) -> Self {
        Self {
            slots: Semaphore::new(concurrent.max(1)),
            queue_wait,
        }
    }

    /// A slot to hash in, or `Busy` when none frees up within the queue wait.
    async fn slot(&self) -> AppResult<SemaphorePermit<'_>> {
        match tokio::time::timeout(self.queue_wait, self.slots.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(AppError::internal(closed)),
            Err(_) => Err(AppError::Busy),
        }
    }

    /// Hashes `password` with a fresh salt into a PHC string.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        let _slot = self.slot().await?;
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(AppError::internal)?
    }

    /// Checks `password` against `stored`; with no stored hash, checks against the decoy and
    /// fails, taking the same time as a real check.
    pub async fn verify(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        let _slot = self.slot().await?;
        tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref()))
            .await
            .map_err(AppError::internal)?
    }
}

static LIMIT: OnceLock<HashingLimit> = OnceLock::new();

/// Sets the process-wide hashing limit; the first call wins (tests build many apps).
pub fn limit(concurrent: usize, queue_wait: Duration) {
    LIMIT.get_or_init(|| HashingLimit::new(concurrent, queue_wait));
}

fn process_limit() -> &'static HashingLimit {
    LIMIT.get_or_init(|| HashingLimit::new(2, Duration::from_secs(2)))
}

/// Hashes `password` with a fresh salt into a PHC string, within the process-wide limit.
pub async fn hash(password: String) -> AppResult<String> {
    process_limit().hash(password).await
}

/// Checks `password` against `stored` (see `HashingLimit::verify`), within the process-wide
/// limit.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    process_limit().verify(password, stored).await
}

/// A short fingerprint of a stored hash, carried in access tokens: a new password (always a new
/// salt) changes it, so tokens issued before the change stop working. It reveals nothing of the
/// hash itself.
pub fn stamp(stored_hash: &str) -> String {
    let digest = Blake2s256::digest(stored_hash.as_bytes());
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn verify_blocking(password: &str, stored: Option<&str>) -> AppResult<bool> {
    let hasher = hasher()?;
    let real = stored.and_then(|hash| PasswordHash::new(hash).ok());
    let decoy = PasswordHash::new(DECOY_HASH).map_err(AppError::internal)?;
    let matches = hasher
        .verify_password(password.as_bytes(), real.as_ref().unwrap_or(&decoy))
        .is_ok();
    Ok(matches && real.is_some())
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
    async fn hashes_beyond_the_limit_wait_then_are_refused_as_busy() {
        let limit = HashingLimit::new(1, Duration::ZERO);
        let passwords = ["first password".to_owned(), "second password".to_owned()];
        let (first, second) = tokio::join!(
            limit.hash(passwords[0].clone()),
            limit.hash(passwords[1].clone())
        );
        let refused = [&first, &second]
            .iter()
            .filter(|result| matches!(result, Err(AppError::Busy)))
            .count();
        assert_eq!(refused, 1, "{first:?} {second:?}");
        assert!(limit.hash("after the burst".to_owned()).await.is_ok());
    }

    #[test]
    fn a_new_hash_of_the_same_password_has_a_new_stamp() {
        let first = hash_blocking("correct horse").expect("hash");
        let second = hash_blocking("correct horse").expect("hash");
        assert_eq!(stamp(&first), stamp(&first));
        assert_ne!(stamp(&first), stamp(&second));
        assert_eq!(stamp(&first).len(), 16);
    }

    #[test]
    fn the_decoy_costs_what_a_real_hash_costs() {
        let decoy = PasswordHash::new(DECOY_HASH).expect("the decoy is a PHC string");
        let params = Params::try_from(&decoy).expect("argon2 parameters");
        assert_eq!(decoy.algorithm, Algorithm::Argon2id.ident());
        assert_eq!(params.m_cost(), MEMORY_KIB);
        assert_eq!(params.t_cost(), ITERATIONS);
        assert_eq!(params.p_cost(), PARALLELISM);
        let real = hash_blocking("correct horse").expect("hash");
        assert_eq!(real.len(), DECOY_HASH.len());
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
