//! What a request knows of the connection it came on, set once per connection (see
//! `startup::Application::run_until_stopped`) rather than copied into every request:
//! - the peer's address, as the server sees it (axum's `ConnectInfo` would copy it into every
//!   request's extensions: an allocation and a map insert per request);
//! - the connection's activity: when it last finished an answer, which its idle watch reads.
//!
//! The envelope marks the activity, so a connection's requests pass through no layer of their
//! own for it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

tokio::task_local! {
    static CONNECTION: Connection;
}

struct Connection {
    peer: SocketAddr,
    activity: Arc<Activity>,
}

/// Serves `connection` from `peer`, its requests marking `activity`.
pub fn scope<F: Future>(
    peer: SocketAddr,
    activity: Arc<Activity>,
    connection: F,
) -> impl Future<Output = F::Output> {
    CONNECTION.scope(Connection { peer, activity }, connection)
}

/// The peer of the connection the current request came on; none outside `scope` (a request
/// routed without a server).
pub fn peer() -> Option<SocketAddr> {
    CONNECTION.try_with(|connection| connection.peer).ok()
}

/// The current request's connection is handling it.
pub fn busy() {
    let _ = CONNECTION.try_with(|connection| connection.activity.busy());
}

/// The current request's connection finished answering it at `finished`.
pub fn idle(finished: Instant) {
    let _ = CONNECTION.try_with(|connection| connection.activity.idle(finished));
}

/// When a connection last finished an answer, kept by its requests and read by its watch.
///
/// hyper's own header read timeout does the same job with a new timer for every request, which
/// costs two locks of the runtime's timer wheel per request, shared by every worker thread.
/// This is one timer per connection, moved once per timeout at most.
#[derive(Debug)]
pub struct Activity {
    opened: Instant,
    /// Nanoseconds from `opened` to the end of the last answer, or `BUSY`.
    idle_since: AtomicU64,
}

/// `idle_since` while a request is being handled.
const BUSY: u64 = u64::MAX;

impl Activity {
    pub fn opened_now() -> Self {
        Self {
            opened: Instant::now(),
            idle_since: AtomicU64::new(0),
        }
    }

    fn busy(&self) {
        self.idle_since.store(BUSY, Ordering::Relaxed);
    }

    fn idle(&self, finished: Instant) {
        let since = finished.saturating_duration_since(self.opened);
        let nanos = u64::try_from(since.as_nanos()).unwrap_or(BUSY - 1);
        self.idle_since.store(nanos, Ordering::Relaxed);
    }

    /// Completes once the connection has waited `limit` for a request head: since it opened or
    /// since its last answer, with no request being handled.
    pub async fn idle_for(&self, limit: Duration) {
        let mut deadline = self.opened + limit;
        loop {
            tokio::time::sleep_until(deadline).await;
            deadline = match self.idle_since.load(Ordering::Relaxed) {
                BUSY => Instant::now() + limit,
                nanos => {
                    let due = self.opened + Duration::from_nanos(nanos) + limit;
                    if due <= Instant::now() {
                        return;
                    }
                    due
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_peer_is_the_scoped_connections() {
        let address: SocketAddr = "192.0.2.7:40000".parse().expect("an address");
        assert_eq!(peer(), None);
        let activity = Arc::new(Activity::opened_now());
        assert_eq!(
            scope(address, activity, async { peer() }).await,
            Some(address)
        );
    }

    #[tokio::test]
    async fn requests_mark_their_connections_activity() {
        let address: SocketAddr = "192.0.2.7:40000".parse().expect("an address");
        let activity = Arc::new(Activity::opened_now());
        scope(address, Arc::clone(&activity), async { busy() }).await;
        assert_eq!(activity.idle_since.load(Ordering::Relaxed), BUSY);
        let finished = activity.opened + Duration::from_millis(3);
        scope(address, Arc::clone(&activity), async { idle(finished) }).await;
        assert_eq!(activity.idle_since.load(Ordering::Relaxed), 3_000_000);
    }
}
