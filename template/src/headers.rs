//! Response headers every answer carries, whatever the framework.

/// The OWASP REST security headers.
pub const SECURITY: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
    ("content-security-policy", "frame-ancestors 'none'"),
];

/// Whether an error answer with this status and content type must be replaced by the JSON
/// error body (a router's bare 404 or 405, a middleware's plain-text error).
pub fn needs_json_error_body(status: u16, content_type: Option<&str>) -> bool {
    let is_error = (400..600).contains(&status);
    let is_json = content_type.is_some_and(|value| value.starts_with("application/json"));
    is_error && !is_json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_errors_that_are_not_json_are_replaced() {
        assert!(needs_json_error_body(405, None));
        assert!(needs_json_error_body(500, Some("text/plain")));
        assert!(!needs_json_error_body(404, Some("application/json")));
        assert!(!needs_json_error_body(200, None));
    }
}
