//! The OWASP REST security headers (`crate::headers::SECURITY`), on every response.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::headers;

pub async fn apply(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(request).await?;
    insert(response.headers_mut());
    Ok(response)
}

pub fn insert(map: &mut HeaderMap) {
    for (name, value) in headers::SECURITY {
        map.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}
