//! The async runtime the server runs on.

use std::io;

use tokio::runtime::{Builder, Runtime};

/// Threads for blocking work beside the database connections' queries: password hashes (which
/// have their own, lower limit) and the odd file operation.
const BLOCKING_THREADS_BESIDE_CONNECTIONS: usize = 8;

/// A multi-threaded runtime whose pool for blocking work is bounded by the database pool's
/// size. Diesel's SQLite connections run every query on that pool; left at tokio's bound of
/// 512, a load of 64 connections grew it to about 90 threads, each with its own allocator heap,
/// and the resident size to twice that of the same load on SQLx.
pub fn build(max_connections: u32) -> io::Result<Runtime> {
    Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads(max_connections))
        .build()
}

/// How many threads may run blocking work at once.
pub fn blocking_threads(max_connections: u32) -> usize {
    usize::try_from(max_connections)
        .unwrap_or(usize::MAX)
        .saturating_add(BLOCKING_THREADS_BESIDE_CONNECTIONS)
}

/// The share of that bound for each of `workers` runtimes that have a pool of their own (as
/// actix-web's workers do), so that together they stay within the bound, give or take rounding.
pub fn blocking_threads_per_worker(max_connections: u32, workers: usize) -> usize {
    blocking_threads(max_connections).div_ceil(workers.max(1))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn blocking_work_runs_on_no_more_threads_than_the_bound() {
        let runtime = build(2).expect("the runtime starts");
        let bound = blocking_threads(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        runtime.block_on(async {
            let tasks: Vec<_> = (0..bound * 3)
                .map(|_| {
                    let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                    tokio::task::spawn_blocking(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("the blocking task completes");
            }
        });
        let most = most.load(Ordering::SeqCst);
        assert!((2..=bound).contains(&most), "{most} at once, bound {bound}");
    }

    #[test]
    fn workers_share_the_bound_between_them() {
        for max_connections in [1, 8, 64] {
            let bound = blocking_threads(max_connections);
            for workers in 1..=16 {
                let each = blocking_threads_per_worker(max_connections, workers);
                assert!(each >= 1, "{workers} workers get no thread");
                assert!(
                    each * workers >= bound,
                    "{workers} workers of {each} fall short"
                );
                assert!(
                    each * workers < bound + workers,
                    "{workers} workers of {each} exceed the bound {bound}"
                );
            }
        }
        assert_eq!(blocking_threads_per_worker(8, 0), blocking_threads(8));
    }
}
