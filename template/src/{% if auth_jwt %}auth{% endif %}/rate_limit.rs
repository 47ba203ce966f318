//! A fixed-window limiter keyed by client address, for login attempts.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::error::{AppError, AppResult};

/// Above this many tracked clients, expired windows are swept on the next check.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    clients: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            clients: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_minute(limit: u32) -> Self {
        Self::new(limit, Duration::from_secs(60))
    }

    /// Counts one attempt by `client`; `RateLimited` once the window's allowance is spent.
    pub fn check(&self, client: IpAddr) -> AppResult<()> {
        let now = Instant::now();
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if clients.len() > SWEEP_ABOVE {
            clients.retain(|_, window| now.duration_since(window.started) < self.window);
        }
        let window = clients.entry(client).or_insert(Window {
            started: now,
            count: 0,
        });
        let elapsed = now.duration_since(window.started);
        if elapsed >= self.window {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        if window.count >= self.limit {
            let wait = self.window.saturating_sub(elapsed);
            return Err(AppError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            });
        }
        window.count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    #[test]
    fn a_client_is_limited_after_its_allowance_and_others_are_not() {
        let limiter = RateLimiter::per_minute(2);
        let (alice, bob) = (
            IpAddr::from(Ipv4Addr::LOCALHOST),
            IpAddr::from([10, 0, 0, 1]),
        );
        assert!(limiter.check(alice).is_ok());
        assert!(limiter.check(alice).is_ok());
        let refused = limiter.check(alice);
        assert!(
            matches!(refused, Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs <= 60)
        );
        assert!(limiter.check(bob).is_ok());
    }

    #[test]
    fn the_allowance_returns_when_the_window_ends() {
        let limiter = RateLimiter::new(1, Duration::from_millis(20));
        let client = IpAddr::from(Ipv4Addr::LOCALHOST);
        assert!(limiter.check(client).is_ok());
        assert!(limiter.check(client).is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.check(client).is_ok());
    }
}
