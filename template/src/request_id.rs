//! Request ids, independent of the HTTP framework: the caller's `x-request-id` if it is sane, a
//! new UUID otherwise, and the id of the request being handled, for error bodies and logs.

use std::fmt;
use std::future::Future;

use bytes::Bytes;
use uuid::Uuid;

pub const HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

tokio::task_local! {
    static REQUEST_ID: RequestId;
}

/// A request's id: 1 to 128 letters, digits and `-_.:`, so it needs no escaping in JSON or in
/// a header. Its bytes are shared, not copied, by every line logged while handling it, its
/// error body and the `x-request-id` it is answered with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(Bytes);

impl RequestId {
    pub fn as_str(&self) -> &str {
        // Always ASCII (see `acceptable` and `generated`), so never the empty default.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The id's bytes, shared, for the value of the `x-request-id` header.
    pub fn to_bytes(&self) -> Bytes {
        self.0.clone()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The id of the request being handled by this task, or "unknown" outside a request.
pub fn current() -> String {
    current_if_any().map_or_else(|| "unknown".to_owned(), |id| id.to_string())
}

/// The id of the request being handled by this task, if it is handling one. Shared, not
/// copied: every line logged during a request reads it.
pub fn current_if_any() -> Option<RequestId> {
    REQUEST_ID.try_with(RequestId::clone).ok()
}

/// Calls `with` with the id of the request being handled by this task, if any: a borrow, for
/// a caller that only reads it (the log line), where `current_if_any` shares it.
pub fn with_current<R>(mut with: impl FnMut(Option<&str>) -> R) -> R {
    REQUEST_ID
        .try_with(|id| with(Some(id.as_str())))
        .unwrap_or_else(|_| with(None))
}

/// The id to use for a request that sent `header` (the value of `x-request-id`, if any).
pub fn resolve(header: Option<&[u8]>) -> RequestId {
    match header.filter(|id| acceptable(id)) {
        Some(id) => RequestId(Bytes::copy_from_slice(id)),
        None => generated(),
    }
}

/// A new random id, a UUID's hyphenated text, made in one allocation.
fn generated() -> RequestId {
    struct Text([u8; 36]);
    impl AsRef<[u8]> for Text {
        fn as_ref(&self) -> &[u8] {
            &self.0
        }
    }
    let mut text = [0; 36];
    Uuid::new_v4().hyphenated().encode_lower(&mut text);
    RequestId(Bytes::from_owner(Text(text)))
}

/// Runs `handling` with `id` as the current request id.
pub fn scope<F: Future>(id: RequestId, handling: F) -> impl Future<Output = F::Output> {
    REQUEST_ID.scope(id, handling)
}

fn acceptable(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(header: Option<&str>) -> String {
        resolve(header.map(str::as_bytes)).to_string()
    }

    #[test]
    fn a_sane_id_is_kept_and_anything_else_replaced() {
        assert_eq!(resolved(Some("trace-me-123")), "trace-me-123");
        for hostile in [None, Some(""), Some("a b"), Some("<script>"), Some("é")] {
            assert!(Uuid::parse_str(&resolved(hostile)).is_ok(), "{hostile:?}");
        }
        assert!(Uuid::parse_str(&resolved(Some(&"x".repeat(MAX_LEN + 1)))).is_ok());
    }

    #[test]
    fn generated_ids_are_distinct_lowercase_uuids() {
        let (first, second) = (generated(), generated());
        assert_ne!(first, second);
        let parsed = Uuid::parse_str(first.as_str()).expect("a UUID");
        assert_eq!(first.as_str(), parsed.hyphenated().to_string());
        assert_eq!(&first.to_bytes()[..], first.as_str().as_bytes());
    }

    #[tokio::test]
    async fn the_current_id_is_the_scoped_one() {
        assert_eq!(current(), "unknown");
        assert_eq!(current_if_any(), None);
        assert_eq!(with_current(|id| id.map(str::to_owned)), None);
        let inside = scope(resolve(Some(b"abc")), async {
            (current(), with_current(|id| id.map(str::to_owned)))
        })
        .await;
        assert_eq!(inside, ("abc".to_owned(), Some("abc".to_owned())));
    }
}
