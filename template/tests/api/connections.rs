//! Connections that send nothing, send slowly or sit idle are closed, and a shutdown ends even
//! while a client holds a connection open.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};

use crate::helpers::{body, expect_status, spawn_app_with};

/// Far longer than any timeout under test: a connection still open then was never closed.
const PATIENCE: Duration = Duration::from_secs(10);

/// Reads until the server closes the connection; how long that took.
async fn time_until_closed(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buffer = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut buffer))
        .await
        .expect("the server never closed the connection")
        .ok();
    started.elapsed()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let app = spawn_app_with(|settings| settings.server.header_read_timeout_ms = 1000).await;
    let mut stream = TcpStream::connect(app.socket_address())
        .await
        .expect("connect");
    assert!(time_until_closed(&mut stream).await < Duration::from_secs(5));
}

#[tokio::test]
async fn a_connection_sending_its_headers_slowly_is_closed() {
    let app = spawn_app_with(|settings| settings.server.header_read_timeout_ms = 1000).await;
    let mut stream = TcpStream::connect(app.socket_address())
        .await
        .expect("connect");
    let trickle = async {
        for byte in b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " {
            if stream.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    // The head takes over 5 s to send at this pace; the server must not wait for it.
    timeout(Duration::from_secs(3), trickle).await.ok();
    assert!(time_until_closed(&mut stream).await < Duration::from_secs(5));
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_a_response() {
    let app = spawn_app_with(|settings| settings.server.header_read_timeout_ms = 1000).await;
    let mut stream = TcpStream::connect(app.socket_address())
        .await
        .expect("connect");
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write a request");
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head).await.expect("a response");
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(time_until_closed(&mut stream).await < Duration::from_secs(5));
}

#[tokio::test]
async fn a_request_handled_for_longer_than_the_header_read_timeout_is_answered() {
    let app = spawn_app_with(|settings| settings.server.header_read_timeout_ms = 500).await;
    // Another connection holds the lock that creating a user needs, for three timeouts.
    let lock = app.database.lock_writes().await;
    let release = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        drop(lock);
    };
    let (response, ()) = tokio::join!(app.request_new_user("ada@example.com"), release);
    expect_status(response, StatusCode::CREATED).await;
}

#[tokio::test]
async fn readiness_turns_503_on_shutdown_while_requests_are_still_served() {
    let mut app =
        spawn_app_with(|settings| settings.server.shutdown_readiness_delay_ms = 1500).await;
    let response = app.get("/health/ready").send().await.expect("send");
    expect_status(response, StatusCode::OK).await;
    app.begin_shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = app.get("/health/ready").send().await.expect("send");
    let response = expect_status(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body(response).await, json!({ "status": "draining" }));
    let response = app.get("/health/live").send().await.expect("send");
    expect_status(response, StatusCode::OK).await;
    timeout(PATIENCE, &mut app.server)
        .await
        .expect("the server stops after the delay")
        .expect("the server task")
        .expect("a clean stop");
}

#[tokio::test]
async fn shutdown_ends_at_its_deadline_even_with_a_client_still_connected() {
    let mut app = spawn_app_with(|settings| {
        settings.server.header_read_timeout_ms = 60_000;
        settings.server.shutdown_timeout_secs = 1;
    })
    .await;
    let mut stream = TcpStream::connect(app.socket_address())
        .await
        .expect("connect");
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write half a request head");
    // Let the server take the connection in before the signal.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    app.begin_shutdown();
    timeout(PATIENCE, &mut app.server)
        .await
        .expect("the server stops at its deadline")
        .expect("the server task")
        .expect("a clean stop");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(stream);
}

#[tokio::test]
async fn the_server_still_answers_after_closing_idle_connections() {
    let app = spawn_app_with(|settings| settings.server.header_read_timeout_ms = 1000).await;
    let mut idle = TcpStream::connect(app.socket_address())
        .await
        .expect("connect");
    time_until_closed(&mut idle).await;
    let response = app.get("/health/live").send().await.expect("send");
    expect_status(response, StatusCode::OK).await;
}
