//! Every error is JSON with a code and the request id; every response carries the request id
//! and the security headers.

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{as_user, expect_error, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_unknown_route_is_a_json_404() {
    let app = spawn_app().await;
    let response = app.get("/no/such/route").send().await.expect("send");
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405_with_allow() {
    let app = spawn_app().await;
    let response = app.delete("/health/live").send().await.expect("send");
    assert!(response.headers().contains_key("allow"));
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn an_unparseable_id_names_no_resource() {
    let app = spawn_app().await;
    let user = app.create_user("ada@example.com").await;
    let response = as_user(app.get("/api/v1/users/not-a-uuid"), &user)
        .send()
        .await
        .expect("send");
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let user = app.create_user("ada@example.com").await;
    let response = as_user(app.patch(&format!("/api/v1/users/{}", user.id)), &user)
        .header(CONTENT_TYPE, "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("send");
    expect_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422_with_details() {
    let app = spawn_app().await;
    let user = app.create_user("ada@example.com").await;
    let response = as_user(app.patch(&format!("/api/v1/users/{}", user.id)), &user)
        .json(&json!({ "name": 42 }))
        .send()
        .await
        .expect("send");
    let body = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(body["details"]["body"].is_array(), "body {body}");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let user = app.create_user("ada@example.com").await;
    let response = as_user(app.patch(&format!("/api/v1/users/{}", user.id)), &user)
        .header(CONTENT_TYPE, "text/plain")
        .body("name=Ada")
        .send()
        .await
        .expect("send");
    expect_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = spawn_app_with(|settings| settings.server.body_limit_bytes = 1024).await;
    let user = app.create_user("ada@example.com").await;
    let response = as_user(app.patch(&format!("/api/v1/users/{}", user.id)), &user)
        .json(&json!({ "name": "x".repeat(app.settings.server.body_limit_bytes) }))
        .send()
        .await
        .expect("send");
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn the_callers_request_id_is_echoed() {
    let app = spawn_app().await;
    let response = app
        .get("/no/such/route")
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .expect("send");
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let body = expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(body["request_id"], "trace-me-123");
}

#[tokio::test]
async fn a_missing_or_unusable_request_id_is_replaced_by_a_uuid() {
    let app = spawn_app().await;
    let plain = app.get("/health/live").send().await.expect("send");
    let hostile = app
        .get("/health/live")
        .header("x-request-id", "a b\"<script>")
        .send()
        .await
        .expect("send");
    for response in [plain, hostile] {
        let id = response.headers()["x-request-id"].to_str().expect("ascii");
        assert!(Uuid::parse_str(id).is_ok(), "request id {id}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let ok = app.get("/health/live").send().await.expect("send");
    let not_found = app.get("/nowhere").send().await.expect("send");
    for response in [ok, not_found] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["content-security-policy"], "frame-ancestors 'none'");
    }
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = spawn_app_with(|settings| {
        settings.server.cors_allowed_origins = vec!["https://app.example.com".to_owned()];
    })
    .await;
    let allowed = app
        .get("/health/live")
        .header("origin", "https://app.example.com")
        .send()
        .await
        .expect("send");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let other = app
        .get("/health/live")
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .expect("send");
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn a_request_slower_than_the_timeout_is_a_json_408() {
    let app = spawn_app_with(|settings| settings.server.request_timeout_ms = 300).await;
    // Another connection holds the lock that creating a user needs.
    let _lock = app.database.lock_writes().await;
    let response = app.request_new_user("ada@example.com").await;
    expect_error(response, StatusCode::REQUEST_TIMEOUT, "request_timeout").await;
}
