//! Request ids, independent of the HTTP framework: the caller's `x-request-id` if it is sane, a
//! new UUID otherwise, and the id of the request being handled, for error bodies and logs.

use std::future::Future;
use std::sync::Arc;

use uuid::Uuid;

pub const HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// The id of the request being handled by this task, or "unknown" outside a request.
pub fn current() -> String {
    current_if_any().map_or_else(|| "unknown".to_owned(), |id| id.to_string())
}

/// The id of the request being handled by this task, if it is handling one. Shared, not
/// copied: every line logged during a request reads it.
pub fn current_if_any() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}

/// The id to use for a request that sent `header` (the value of `x-request-id`, if any).
pub fn resolve(header: Option<&str>) -> Arc<str> {
    match header.filter(|id| acceptable(id)) {
        Some(id) => Arc::from(id),
        None => Arc::from(
            &*Uuid::new_v4()
                .hyphenated()
                .encode_lower(&mut Uuid::encode_buffer()),
        ),
    }
}

/// Runs `handling` with `id` as the current request id.
pub fn scope<F: Future>(id: Arc<str>, handling: F) -> impl Future<Output = F::Output> {
    REQUEST_ID.scope(id, handling)
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
        assert_eq!(&*resolve(Some("trace-me-123")), "trace-me-123");
        for hostile in [None, Some(""), Some("a b"), Some("<script>")] {
            assert!(Uuid::parse_str(&resolve(hostile)).is_ok(), "{hostile:?}");
        }
        assert!(Uuid::parse_str(&resolve(Some(&"x".repeat(MAX_LEN + 1)))).is_ok());
    }

    #[tokio::test]
    async fn the_current_id_is_the_scoped_one() {
        assert_eq!(current(), "unknown");
        assert_eq!(current_if_any(), None);
        let inside = scope("abc".into(), async { current() }).await;
        assert_eq!(inside, "abc");
    }
}
