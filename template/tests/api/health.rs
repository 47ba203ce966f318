use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{body, expect_status, spawn_app};

#[tokio::test]
async fn liveness_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/health/live").send().await.expect("send");
    let response = expect_status(response, StatusCode::OK).await;
    assert_eq!(body(response).await, json!({ "status": "ok" }));
}

#[tokio::test]
async fn readiness_reports_the_database() {
    let app = spawn_app().await;
    let response = app.get("/health/ready").send().await.expect("send");
    let response = expect_status(response, StatusCode::OK).await;
    assert_eq!(
        body(response).await,
        json!({ "status": "ok", "database": "ok" })
    );
}
