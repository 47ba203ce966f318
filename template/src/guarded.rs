//! The two guards every framework's envelope puts around a request's handling: a panic is
//! caught (the process keeps serving) and the handling is bounded by the request timeout.

use std::any::Any;
use std::future::{Future, poll_fn};
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures_util::FutureExt;

/// How a guarded handling ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It finished in time.
    Done(T),
    /// It panicked: the payload, for the log.
    Panicked(Box<dyn Any + Send>),
    /// It was still running at the timeout, and was dropped.
    TimedOut,
}

/// Runs `handling`, catching a panic, for at most `timeout` from its first wait.
pub async fn run<F: Future>(timeout: Duration, handling: F) -> Outcome<F::Output> {
    let mut guarded = pin!(AssertUnwindSafe(handling).catch_unwind());
    // Most answers are ready when first asked (they wait for no I/O) and need no timer: arming
    // one takes the lock of the runtime's timer wheel, which every worker thread shares. Nor
    // do they read the clock: the timeout starts when the handling first waits, after the
    // first poll's own work (which no timer could interrupt anyway).
    let finished = match poll_fn(|context| Poll::Ready(guarded.as_mut().poll(context))).await {
        Poll::Ready(finished) => finished,
        // Boxed: only answers that wait need the timer, and carried in this future it would make
        // every answer's future larger (a timer is 112 bytes), copied at each move.
        Poll::Pending => match Box::pin(tokio::time::timeout(timeout, guarded)).await {
            Ok(finished) => finished,
            Err(_) => return Outcome::TimedOut,
        },
    };
    match finished {
        Ok(output) => Outcome::Done(output),
        Err(panic) => Outcome::Panicked(panic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_millis(100);

    #[tokio::test]
    async fn an_answer_ready_at_once_is_done() {
        assert!(matches!(run(TIMEOUT, async { 7 }).await, Outcome::Done(7)));
    }

    #[tokio::test]
    async fn an_answer_that_waits_within_the_timeout_is_done() {
        let waiting = async {
            tokio::time::sleep(TIMEOUT / 4).await;
            7
        };
        assert!(matches!(run(TIMEOUT, waiting).await, Outcome::Done(7)));
    }

    #[tokio::test]
    async fn an_answer_past_the_timeout_is_timed_out() {
        let waiting = async {
            tokio::time::sleep(TIMEOUT * 10).await;
            7
        };
        assert!(matches!(run(TIMEOUT, waiting).await, Outcome::TimedOut));
    }

    #[tokio::test]
    async fn a_panic_is_caught_whether_it_comes_at_once_or_after_a_wait() {
        let at_once = async { panic!("at once") };
        assert!(matches!(
            run(TIMEOUT, at_once).await,
            Outcome::<()>::Panicked(_)
        ));
        let after_a_wait = async {
            tokio::time::sleep(TIMEOUT / 4).await;
            panic!("after a wait")
        };
        assert!(matches!(
            run(TIMEOUT, after_a_wait).await,
            Outcome::<()>::Panicked(_)
        ));
    }
}
