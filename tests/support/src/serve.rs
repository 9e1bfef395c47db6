//! A function handler behind a real HTTP listener on 127.0.0.1, so a caller that signs the URL it calls
//! (the HubSpot simulator's `HubSpotCaller`) can deliver to it. Stopped when dropped, even if a test fails.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

pub struct Served {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A listener on an ephemeral loopback port and its base URL (to configure as `PUBLIC_BASE_URL`).
pub async fn bind() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    (listener, url)
}

/// API Gateway's own payload limit; the handlers enforce their smaller one.
pub const GATEWAY_MAX_BODY: usize = 10 * 1024 * 1024;

/// An HTTP request as the `lambda_http::Request` API Gateway would pass, or the gateway's 413.
pub async fn to_lambda(req: Request) -> Result<lambda_http::Request, Response> {
    let (parts, body) = req.into_parts();
    match to_bytes(body, GATEWAY_MAX_BODY).await {
        Ok(bytes) => Ok(lambda_http::Request::from_parts(
            parts,
            lambda_http::Body::from(bytes.to_vec()),
        )),
        Err(_) => Err((
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "Request Entity Too Large",
        )
            .into_response()),
    }
}

/// A function's answer as the HTTP response API Gateway sends.
pub fn from_lambda(res: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = res.into_parts();
    let body: &[u8] = body.as_ref();
    Response::from_parts(parts, Body::from(body.to_vec()))
}

/// Serves `handler` on `listener`: each HTTP request becomes the `lambda_http::Request` API Gateway would pass.
pub fn serve<F, Fut>(listener: TcpListener, url: String, handler: F) -> Served
where
    F: Fn(lambda_http::Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = lambda_http::Response<lambda_http::Body>> + Send + 'static,
{
    let handler = Arc::new(handler);
    let router = axum::Router::new().fallback(move |req: Request| {
        let handler = handler.clone();
        async move {
            match to_lambda(req).await {
                Ok(req) => from_lambda(handler(req).await),
                Err(too_large) => too_large,
            }
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Served { url, task }
}
