//! Request ids, independent of the HTTP framework: the caller's `x-request-id` if it is sane, a
//! new UUID otherwise, and the id of the request being handled, for error bodies and logs.

use std::future::Future;

use uuid::Uuid;

pub const HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled by this task, or "unknown" outside a request.
pub fn current() -> String {
    current_if_any().unwrap_or_else(|| "unknown".to_owned())
}

/// The id of the request being handled by this task, if it is handling one.
pub fn current_if_any() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The id to use for a request that sent `header` (the value of `x-request-id`, if any).
pub fn resolve(header: Option<&str>) -> String {
    header
        .filter(|id| acceptable(id))
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned)
}

/// Runs `handling` with `id` as the current request id.
pub async fn scope<F: Future>(id: String, handling: F) -> F::Output {
    REQUEST_ID.scope(id, handling).await
}

fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sane_id_is_kept_and_anything_else_replaced() {
        assert_eq!(resolve(Some("trace-me-123")), "trace-me-123");
        for hostile in [None, Some(""), Some("a b"), Some("<script>")] {
            assert!(Uuid::parse_str(&resolve(hostile)).is_ok(), "{hostile:?}");
        }
        assert!(Uuid::parse_str(&resolve(Some(&"x".repeat(MAX_LEN + 1)))).is_ok());
    }

    #[tokio::test]
    async fn the_current_id_is_the_scoped_one() {
        assert_eq!(current(), "unknown");
        assert_eq!(current_if_any(), None);
        let inside = scope("abc".to_owned(), async { current() }).await;
        assert_eq!(inside, "abc");
    }
}
