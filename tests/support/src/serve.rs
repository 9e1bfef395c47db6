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
            let (parts, body) = req.into_parts();
            let bytes = match to_bytes(body, 10 * 1024 * 1024).await {
                Ok(b) => b,
                Err(_) => {
                    return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "body too large")
                        .into_response()
                }
            };
            let req = lambda_http::http::Request::from_parts(
                parts,
                lambda_http::Body::from(bytes.to_vec()),
            );
            let res = handler(req).await;
            let (parts, body) = res.into_parts();
            let bytes: Vec<u8> = body.as_ref().to_vec();
            Response::from_parts(parts, Body::from(bytes))
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Served { url, task }
}
