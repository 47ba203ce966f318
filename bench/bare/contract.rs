//! What the generated API answers `/health/live` with: the body and the headers the HTTP
//! contract puts on every response (a JSON content type, the OWASP headers and a request id),
//! for the bare servers' second mode (`BARE_CONTRACT_HEADERS`). tests/test_bench.py holds them
//! to the template's.

pub const BODY: &str = r#"{"status":"ok"}"#;

pub const HEADERS: [(&str, &str); 6] = [
    ("content-type", "application/json"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
    ("content-security-policy", "frame-ancestors 'none'"),
    ("x-request-id", "0b4e6f0c-7a64-4c55-9d0e-3a2f1e8b9c7d"),
];
