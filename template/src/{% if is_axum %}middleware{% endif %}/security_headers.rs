//! The OWASP REST security headers (`crate::headers::SECURITY`), on every response.

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use crate::headers;

static SECURITY: LazyLock<Vec<(HeaderName, HeaderValue)>> = LazyLock::new(|| {
    headers::SECURITY
        .iter()
        .map(|&(name, value)| {
            (
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            )
        })
        .collect()
});

pub fn insert(map: &mut HeaderMap) {
    // Room for these, the request id that follows and the `content-length` axum adds last,
    // made once: growing the map for that last header cost more than inserting all of them.
    map.reserve(SECURITY.len() + 2);
    for (name, value) in SECURITY.iter() {
        map.insert(name.clone(), value.clone());
    }
}
