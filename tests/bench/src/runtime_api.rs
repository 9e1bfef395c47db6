//! The smallest Lambda Runtime API that a cold start needs: it notes when the function first asks for an
//! event and then keeps that request waiting, as the real service does between invocations.

use axum::extract::State;
use axum::routing::get;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Notify;

#[derive(Default)]
struct Seen {
    at: Mutex<Option<Instant>>,
    notify: Notify,
}

pub struct RuntimeApi {
    pub address: String,
    seen: Arc<Seen>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    pub async fn start() -> anyhow::Result<Self> {
        let seen = Arc::new(Seen::default());
        let app = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?.to_string();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            seen,
            server,
        })
    }

    /// Waits until the function asks for its first event and returns when that was.
    pub async fn first_request(&self) -> Instant {
        loop {
            let notified = self.seen.notify.notified();
            if let Some(at) = *self.seen.at.lock().expect("lock") {
                return at;
            }
            notified.await;
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next(State(seen): State<Arc<Seen>>) -> &'static str {
    seen.at
        .lock()
        .expect("lock")
        .get_or_insert_with(Instant::now);
    seen.notify.notify_waiters();
    // Never hand out an event: the measurement ends here and the process is killed.
    std::future::pending::<()>().await;
    ""
}
