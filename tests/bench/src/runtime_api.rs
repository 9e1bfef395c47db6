//! The part of the Lambda Runtime API a function binary talks to: it hands out events (`invocation/next`)
//! and takes their answers (`invocation/{id}/response` or `/error`). It notes when the function first asks
//! for an event (a cold start's end) and keeps `next` waiting until an event is invoked, as the real
//! service does between invocations.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::routing::{get, post};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot, Notify};

type Answer = Result<Value, String>;

struct Invocation {
    id: String,
    event: Value,
    /// Milliseconds since the epoch, as `Lambda-Runtime-Deadline-Ms` carries it.
    deadline_ms: u128,
}

struct Shared {
    first: Mutex<Option<Instant>>,
    notify: Notify,
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<Invocation>>,
    answers: Mutex<HashMap<String, oneshot::Sender<Answer>>>,
}

pub struct RuntimeApi {
    pub address: String,
    shared: Arc<Shared>,
    invoke: mpsc::UnboundedSender<Invocation>,
    next_id: Mutex<u64>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    pub async fn start() -> anyhow::Result<Self> {
        let (invoke, events) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            first: Mutex::new(None),
            notify: Notify::new(),
            events: tokio::sync::Mutex::new(events),
            answers: Mutex::new(HashMap::new()),
        });
        let app = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?.to_string();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            shared,
            invoke,
            next_id: Mutex::new(0),
            server,
        })
    }

    /// Waits until the function asks for its first event and returns when that was.
    pub async fn first_request(&self) -> Instant {
        loop {
            let notified = self.shared.notify.notified();
            if let Some(at) = *self.shared.first.lock().expect("lock") {
                return at;
            }
            notified.await;
        }
    }

    /// Hands `event` to the function with `timeout` to its deadline and waits for its answer; a function
    /// error is an `Err` with the error document the runtime posted.
    pub async fn invoke(&self, event: Value, timeout: Duration) -> anyhow::Result<Value> {
        let id = {
            let mut n = self.next_id.lock().expect("lock");
            *n += 1;
            format!("bench-{n}")
        };
        let (answer, answered) = oneshot::channel();
        self.shared
            .answers
            .lock()
            .expect("lock")
            .insert(id.clone(), answer);
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
        self.invoke.send(Invocation {
            id: id.clone(),
            event,
            deadline_ms: (now + timeout).as_millis(),
        })?;
        answered
            .await?
            .map_err(|e| anyhow::anyhow!("invocation {id} failed: {e}"))
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> (HeaderMap, String) {
    shared
        .first
        .lock()
        .expect("lock")
        .get_or_insert_with(Instant::now);
    shared.notify.notify_waiters();
    // Until an event is invoked the request waits (a cold start's measurement ends before one is).
    let invocation = match shared.events.lock().await.recv().await {
        Some(invocation) => invocation,
        None => std::future::pending::<Invocation>().await,
    };
    let mut headers = HeaderMap::new();
    let header = |v: &str| HeaderValue::from_str(v).expect("ascii header");
    headers.insert("lambda-runtime-aws-request-id", header(&invocation.id));
    headers.insert(
        "lambda-runtime-deadline-ms",
        header(&invocation.deadline_ms.to_string()),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        header("arn:aws:lambda:us-east-1:123456789012:function:bench"),
    );
    (headers, invocation.event.to_string())
}

fn settle(shared: &Shared, id: &str, answer: Answer) {
    if let Some(waiting) = shared.answers.lock().expect("lock").remove(id) {
        let _ = waiting.send(answer);
    }
}

async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) {
    let answer = serde_json::from_slice(&body).map_err(|e| {
        format!(
            "an answer that is not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    settle(&shared, &id, answer);
}

async fn error(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) {
    settle(
        &shared,
        &id,
        Err(String::from_utf8_lossy(&body).into_owned()),
    );
}
