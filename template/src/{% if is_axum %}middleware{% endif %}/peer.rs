//! The client's address as the server sees it: the peer of the connection a request came on.
//!
//! It is the connection's, not each request's, so it is set once per connection (see
//! `startup::Application::run_until_stopped`) rather than copied into every request's
//! extensions, as axum's `ConnectInfo` does: an allocation and a map insert per request, and
//! the one that made the extensions map grow.

use std::future::Future;
use std::net::SocketAddr;

tokio::task_local! {
    static PEER: SocketAddr;
}

/// Serves `connection` with `peer` as the address its requests come from.
pub fn scope<F: Future>(peer: SocketAddr, connection: F) -> impl Future<Output = F::Output> {
    PEER.scope(peer, connection)
}

/// The peer of the connection the current request came on; none outside `scope` (a request
/// routed without a server).
pub fn current() -> Option<SocketAddr> {
    PEER.try_with(|peer| *peer).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_peer_is_the_scoped_connections() {
        let peer: SocketAddr = "192.0.2.7:40000".parse().expect("an address");
        assert_eq!(current(), None);
        assert_eq!(scope(peer, async { current() }).await, Some(peer));
    }
}
