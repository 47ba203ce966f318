//! Attempt limits for login and registration, on `governor`'s GCRA: a client spends its
//! allowance and gets it back a little at a time.
//!
//! Login is limited three ways, so that one client cannot lock anyone else out and guessing
//! spread over many addresses is still slowed:
//! - per account and client: the tight limit, one client guessing one account;
//! - per account: across every client, so guesses from many addresses add up;
//! - per client: across every account, a loose cap on one address trying many accounts (loose,
//!   since everyone behind one NAT or proxy shares it).

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::auth::RateLimitSettings;
use crate::error::{AppError, AppResult};

/// Above this many tracked keys, keys back at a full allowance are forgotten on the next check.
const SWEEP_ABOVE: usize = 10_000;

/// A per-key allowance of `attempts` a minute.
pub struct Limiter<K: Hash + Eq + Clone> {
    inner: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn per_minute(attempts: u32) -> Self {
        let attempts = NonZeroU32::new(attempts).unwrap_or(NonZeroU32::MIN);
        Self {
            inner: DefaultKeyedRateLimiter::keyed(Quota::per_minute(attempts)),
        }
    }

    /// Spends one attempt of `key`; `RateLimited`, saying when to retry, once none is left.
    pub fn check(&self, key: &K) -> AppResult<()> {
        if self.inner.len() > SWEEP_ABOVE {
            self.inner.retain_recent();
            self.inner.shrink_to_fit();
        }
        self.inner.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }
}

pub struct AttemptLimits {
    login_per_account_and_client: Limiter<(String, IpAddr)>,
    login_per_account: Limiter<String>,
    login_per_client: Limiter<IpAddr>,
    registrations_per_client: Limiter<IpAddr>,
}

impl AttemptLimits {
    pub fn new(quotas: RateLimitSettings) -> Self {
        Self {
            login_per_account_and_client: Limiter::per_minute(quotas.login_per_account_and_client),
            login_per_account: Limiter::per_minute(quotas.login_per_account),
            login_per_client: Limiter::per_minute(quotas.login_per_client),
            registrations_per_client: Limiter::per_minute(quotas.registrations_per_client),
        }
    }

    /// Spends one login attempt of `client` on `account` (a normalised email). The tightest
    /// limit is checked first, so a refused attempt spends nothing of the wider allowances.
    pub fn login(&self, client: IpAddr, account: &str) -> AppResult<()> {
        self.login_per_account_and_client
            .check(&(account.to_owned(), client))?;
        self.login_per_account.check(&account.to_owned())?;
        self.login_per_client.check(&client)
    }

    pub fn registration(&self, client: IpAddr) -> AppResult<()> {
        self.registrations_per_client.check(&client)
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const ALICE: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    const BOB: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));

    fn limits(per_pair: u32, per_account: u32, per_client: u32) -> AttemptLimits {
        AttemptLimits::new(RateLimitSettings {
            login_per_account_and_client: per_pair,
            login_per_account: per_account,
            login_per_client: per_client,
            registrations_per_client: 1,
        })
    }

    #[test]
    fn a_client_guessing_one_account_is_stopped_without_locking_out_others() {
        let limits = limits(2, 100, 100);
        assert!(limits.login(ALICE, "ada@example.com").is_ok());
        assert!(limits.login(ALICE, "ada@example.com").is_ok());
        let refused = limits.login(ALICE, "ada@example.com");
        assert!(
            matches!(refused, Err(AppError::RateLimited { retry_after_secs }) if (1..=60).contains(&retry_after_secs)),
            "{refused:?}"
        );
        assert!(limits.login(BOB, "ada@example.com").is_ok());
        assert!(limits.login(ALICE, "grace@example.com").is_ok());
    }

    #[test]
    fn guesses_at_one_account_from_many_clients_add_up() {
        let limits = limits(100, 3, 100);
        for last_octet in 1..=3 {
            let client = IpAddr::V4(Ipv4Addr::new(198, 51, 100, last_octet));
            assert!(limits.login(client, "ada@example.com").is_ok());
        }
        let client = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 4));
        assert!(limits.login(client, "ada@example.com").is_err());
    }

    #[test]
    fn one_client_trying_many_accounts_meets_the_client_cap() {
        let limits = limits(100, 100, 2);
        assert!(limits.login(ALICE, "a@example.com").is_ok());
        assert!(limits.login(ALICE, "b@example.com").is_ok());
        assert!(limits.login(ALICE, "c@example.com").is_err());
        assert!(limits.login(BOB, "c@example.com").is_ok());
    }

    #[test]
    fn registrations_are_limited_per_client() {
        let limits = limits(1, 1, 1);
        assert!(limits.registration(ALICE).is_ok());
        assert!(limits.registration(ALICE).is_err());
        assert!(limits.registration(BOB).is_ok());
    }
}
