//! The `auth` section of the settings, and the rules it must meet before the server starts.

use std::time::Duration;

use anyhow::bail;
use ipnet::IpNet;
use serde::Deserialize;

use crate::config::{Environment, Secret};

/// The shortest HS256 secret the service accepts (RFC 7518 §3.2).
pub const MIN_JWT_SECRET_BYTES: usize = 32;
/// The variable that carries the token signing secret.
pub const JWT_SECRET_VAR: &str = "APP__AUTH__JWT_SECRET";

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// HS256 signing secret; set it with `APP__AUTH__JWT_SECRET`, never in a file.
    #[serde(default)]
    pub jwt_secret: Option<Secret>,
    pub token_ttl_secs: u64,
    pub issuer: String,
    pub rate_limits: RateLimitSettings,
    /// Proxies (addresses or CIDR ranges) whose `Forwarded` / `X-Forwarded-For` headers are
    /// believed when telling clients apart; from any other peer they are ignored.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The same, parsed by `check`.
    #[serde(skip)]
    pub trusted_proxy_networks: Vec<IpNet>,
    /// At most this many password hashes (19 MiB of memory each) run at once; more wait up to
    /// `password_hashing_queue_ms` and are then answered 503.
    pub password_hashing_concurrency: usize,
    pub password_hashing_queue_ms: u64,
}

/// Attempts allowed a minute (see `auth::rate_limit`).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RateLimitSettings {
    pub login_per_account_and_client: u32,
    pub login_per_account: u32,
    pub login_per_client: u32,
    pub registrations_per_client: u32,
}

impl AuthSettings {
    pub fn password_hashing_queue(&self) -> Duration {
        Duration::from_millis(self.password_hashing_queue_ms)
    }

    /// Refuses a weak secret (and a missing one in production) and unusable limits, naming the
    /// variable to fix; parses the trusted proxies.
    pub fn check(&mut self, environment: Environment) -> anyhow::Result<()> {
        // An empty variable (as copied from .env.example) means "not set".
        if self
            .jwt_secret
            .as_ref()
            .is_some_and(|secret| secret.expose().is_empty())
        {
            self.jwt_secret = None;
        }
        match &self.jwt_secret {
            Some(secret) if secret.expose().len() >= MIN_JWT_SECRET_BYTES => {}
            Some(_) => bail!(
                "{JWT_SECRET_VAR} is too weak: it must be at least {MIN_JWT_SECRET_BYTES} bytes"
            ),
            None if environment == Environment::Production => bail!(
                "{JWT_SECRET_VAR} is not set: production needs a secret of at least \
                 {MIN_JWT_SECRET_BYTES} bytes"
            ),
            None => {}
        }
        let limits = self.rate_limits;
        for (name, value) in [
            (
                "LOGIN_PER_ACCOUNT_AND_CLIENT",
                limits.login_per_account_and_client,
            ),
            ("LOGIN_PER_ACCOUNT", limits.login_per_account),
            ("LOGIN_PER_CLIENT", limits.login_per_client),
            ("REGISTRATIONS_PER_CLIENT", limits.registrations_per_client),
        ] {
            if value == 0 {
                bail!("APP__AUTH__RATE_LIMITS__{name} must be greater than 0");
            }
        }
        if self.password_hashing_concurrency == 0 {
            bail!("APP__AUTH__PASSWORD_HASHING_CONCURRENCY must be greater than 0");
        }
        self.trusted_proxy_networks = self
            .trusted_proxies
            .iter()
            .map(|proxy| parse_network(proxy))
            .collect::<anyhow::Result<_>>()?;
        Ok(())
    }
}

/// An address (`10.0.0.7`, `::1`) or a CIDR range (`10.0.0.0/8`).
fn parse_network(value: &str) -> anyhow::Result<IpNet> {
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| {
            anyhow::anyhow!(
                "APP__AUTH__TRUSTED_PROXIES: `{value}` is not an address or a range such as \
                 10.0.0.0/8"
            )
        })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Settings;

    fn shipped() -> AuthSettings {
        // Relative: cargo runs tests in the package root, and a path baked in by `env!`
        // would still point where the binary was built after the project moved.
        let dir = Path::new("config");
        Settings::load_from(dir, Environment::Local)
            .expect("the shipped configuration loads")
            .auth
    }

    #[test]
    fn production_refuses_a_missing_or_weak_secret_naming_the_variable() {
        let mut auth = shipped();
        auth.jwt_secret = None;
        let missing = auth
            .check(Environment::Production)
            .expect_err("missing secret refused");
        assert!(missing.to_string().contains(JWT_SECRET_VAR), "{missing}");
        auth.jwt_secret = Some(Secret::new("x".repeat(MIN_JWT_SECRET_BYTES - 1)));
        let weak = auth
            .check(Environment::Production)
            .expect_err("weak secret refused");
        assert!(weak.to_string().contains(JWT_SECRET_VAR), "{weak}");
        auth.jwt_secret = Some(Secret::new("x".repeat(MIN_JWT_SECRET_BYTES)));
        assert!(auth.check(Environment::Production).is_ok());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let mut auth = shipped();
        auth.trusted_proxies = vec!["10.0.0.0/8".to_owned(), "::1".to_owned()];
        assert!(auth.check(Environment::Local).is_ok());
        assert_eq!(auth.trusted_proxy_networks.len(), 2);
        auth.trusted_proxies = vec!["proxy.internal".to_owned()];
        let error = auth.check(Environment::Local).expect_err("refused");
        assert!(error.to_string().contains("TRUSTED_PROXIES"), "{error}");
    }
}
