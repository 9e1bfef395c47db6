//! The sync on a test bench: the real handler, moto (DynamoDB, Secrets Manager, SQS) and both simulators,
//! with a poller standing in for Lambda's SQS event source.

#![allow(dead_code)]

use scheduled_sync::handle;
use serde_json::Value;
use shared::App;
use std::time::{Duration, Instant};
use test_support::queue::LocalQueue;
use test_support::Harness;

pub async fn queue(h: &Harness) -> LocalQueue {
    static LOGS: std::sync::Once = std::sync::Once::new();
    LOGS.call_once(lambda_runtime::tracing::init_default_subscriber);
    let name = format!("sync-{}", uuid::Uuid::new_v4().simple());
    LocalQueue::create(&h.sdk, &name, 1, 3)
        .await
        .expect("queues on moto")
}

pub fn scheduled_event() -> Value {
    test_support::queue::scheduled_event("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa")
}

/// One scheduler tick: plans, then delivers jobs until the queue is empty, each invocation given
/// `budget` before its deadline. Returns the invocations made.
pub async fn tick(app: &App, q: &LocalQueue, budget: Duration) -> usize {
    let jobs = q.jobs();
    handle(app, &jobs, scheduled_event(), Instant::now() + budget)
        .await
        .expect("plan");
    drain(app, q, budget).await
}

/// Delivers queued jobs until none is left.
pub async fn drain(app: &App, q: &LocalQueue, budget: Duration) -> usize {
    let jobs = q.jobs();
    for invocations in 0..200 {
        let delivered = q
            .poll_once(5, 0, |event| async {
                let answer = handle(app, &jobs, event, Instant::now() + budget).await?;
                Ok(serde_json::to_value(answer)?)
            })
            .await
            .expect("poll");
        if delivered == 0 {
            return invocations;
        }
    }
    panic!("the queue never emptied");
}
