//! Shutdown in two steps, the same for every framework: on the signal, readiness turns 503 while
//! the listener still accepts (so load balancers stop sending new work), then the listener
//! closes and in-flight requests drain, bounded by a deadline.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    draining: Arc<AtomicBool>,
}

impl Lifecycle {
    /// Whether a shutdown has begun: readiness answers 503 from then on.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Completes `delay` after `signal`, having marked the service as draining in between.
    pub async fn drain_after(self, signal: impl Future<Output = ()>, delay: Duration) {
        signal.await;
        self.draining.store(true, Ordering::Relaxed);
        if !delay.is_zero() {
            tracing::info!(
                delay_ms = delay.as_millis(),
                "readiness is now 503; closing the listener after the delay"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn draining_starts_at_the_signal_and_the_listener_waits_for_the_delay() {
        let lifecycle = Lifecycle::default();
        let (signal, received) = tokio::sync::oneshot::channel::<()>();
        let drained = tokio::spawn(lifecycle.clone().drain_after(
            async {
                received.await.ok();
            },
            Duration::from_millis(200),
        ));
        assert!(!lifecycle.is_draining());
        signal.send(()).expect("send the signal");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(lifecycle.is_draining());
        assert!(!drained.is_finished());
        drained.await.expect("drained");
    }
}
