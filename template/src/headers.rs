//! Response headers every answer carries, whatever the framework.

/// The media type of every body the API answers with.
pub const JSON: &str = "application/json";

/// The OWASP REST security headers.
pub const SECURITY: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
    ("content-security-policy", "frame-ancestors 'none'"),
];

/// Whether an answer with this status is an error, whose body must be the JSON error body.
pub fn is_error(status: u16) -> bool {
    (400..600).contains(&status)
}

/// Whether a `content-type` is JSON's. An error answer that is not (a router's bare 404 or
/// 405, a middleware's plain-text error) has its body replaced by the JSON error body.
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| value.starts_with(JSON))
}

/// Whether an answer must have its body replaced by the JSON error body: an error whose
/// `content-type` (asked for only when the status is an error) is not JSON's.
pub fn needs_json_error_body<'a>(
    status: u16,
    content_type: impl FnOnce() -> Option<&'a str>,
) -> bool {
    is_error(status) && !is_json(content_type())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_errors_that_are_not_json_are_replaced() {
        assert!(needs_json_error_body(405, || None));
        assert!(needs_json_error_body(500, || Some("text/plain")));
        assert!(!needs_json_error_body(404, || Some("application/json")));
        let not_looked_at = || unreachable!("the content type of an answer that is not an error");
        assert!(!needs_json_error_body(200, not_looked_at));
    }

    #[test]
    fn errors_are_the_client_and_server_error_statuses() {
        assert!(is_error(400) && is_error(405) && is_error(500) && is_error(599));
        assert!(!is_error(200) && !is_error(304) && !is_error(399) && !is_error(600));
    }

    #[test]
    fn json_is_recognized_with_or_without_parameters() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("application/json; charset=utf-8")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(None));
    }
}
