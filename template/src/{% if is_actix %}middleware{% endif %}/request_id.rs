//! `x-request-id` on every request and response; see `crate::request_id`. An error that an
//! inner layer raises instead of answering is turned into its response here, inside the
//! request's scope, so it too carries the id and the security headers.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

use super::security_headers;
use crate::request_id;

pub async fn propagate(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request_id::resolve(
        request
            .headers()
            .get(request_id::HEADER)
            .and_then(|value| value.to_str().ok()),
    );
    let result = request_id::scope(id.clone(), async move {
        next.call(request).await.map_err(|error| {
            let response = error.error_response();
            (error, response)
        })
    })
    .await;
    match result {
        Ok(mut response) => {
            tag(response.headers_mut(), &id);
            Ok(response)
        }
        Err((error, mut response)) => {
            tag(response.headers_mut(), &id);
            security_headers::insert(response.headers_mut());
            Err(InternalError::from_response(error, response).into())
        }
    }
}

fn tag(headers: &mut HeaderMap, id: &str) {
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert(HeaderName::from_static(request_id::HEADER), value);
    }
}
