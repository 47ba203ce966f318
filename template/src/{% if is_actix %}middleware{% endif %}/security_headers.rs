//! The OWASP REST security headers (`crate::headers::SECURITY`), on every response.

use std::sync::LazyLock;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

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
    // Room for these and the request id that follows, made once rather than header by header.
    map.reserve(SECURITY.len() + 1);
    for (name, value) in SECURITY.iter() {
        map.insert(name.clone(), value.clone());
    }
}
