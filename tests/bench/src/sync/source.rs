//! What drives the sync Lambda in AWS, on moto: EventBridge's tick (one planning invocation) and the SQS
//! event source mapping (batches of the queue's jobs, deleted when the function does not report them
//! failed), until every job, the continuation jobs a run queues for itself included, is done.

use super::function::Function;
use anyhow::Context;
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::Value;
use std::time::{Duration, Instant};
use test_support::queue::LocalQueue;

/// `template.yaml`'s `SyncQueue` event: `BatchSize: 5`.
const BATCH: i32 = 5;
/// A whole run of the bench company takes minutes; this only stops a bench that would never end.
const GIVE_UP: Duration = Duration::from_secs(1800);

/// What one tick took: the invocations that worked jobs (the planning one not counted).
pub struct Tick {
    pub worker_invocations: usize,
}

/// One scheduler tick: the planning invocation, then deliveries until the queue is empty.
pub async fn tick(function: &mut Function, queue: &LocalQueue, n: usize) -> anyhow::Result<Tick> {
    let event = test_support::queue::scheduled_event(&format!("bench-{n}"));
    let planned = function.invoke(event).await.context("planning")?;
    anyhow::ensure!(
        planned["queued"] == 1,
        "planning queued other than one job: {planned}"
    );
    let started = Instant::now();
    let mut worker_invocations = 0;
    while !drained(queue).await? {
        anyhow::ensure!(
            started.elapsed() < GIVE_UP,
            "the queue did not empty in {GIVE_UP:?}"
        );
        let mut outcome = None;
        let (f, seen) = (&mut *function, &mut outcome);
        queue
            .poll_once(BATCH, 1, move |event| async move {
                let answer = f.invoke(event).await;
                let reply = answer
                    .as_ref()
                    .map(Value::clone)
                    .map_err(|e| anyhow::anyhow!("{e:#}"));
                *seen = Some(answer);
                reply
            })
            .await?;
        let Some(answer) = outcome else { continue };
        worker_invocations += 1;
        // A failed job would come back after the visibility timeout and skew every figure: stop instead.
        let answer = answer?;
        let failed = answer["batchItemFailures"].as_array().map_or(0, Vec::len);
        anyhow::ensure!(
            failed == 0,
            "the function reported failed jobs ({answer}); its log: {}",
            function.log.display()
        );
    }
    Ok(Tick { worker_invocations })
}

/// Whether no job is waiting, in flight or delayed (a busy portal's job comes back after a delay).
async fn drained(queue: &LocalQueue) -> anyhow::Result<bool> {
    let counts = [
        QueueAttributeName::ApproximateNumberOfMessages,
        QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        QueueAttributeName::ApproximateNumberOfMessagesDelayed,
    ];
    let out = queue
        .client
        .get_queue_attributes()
        .queue_url(&queue.url)
        .set_attribute_names(Some(counts.to_vec()))
        .send()
        .await?;
    let attributes = out.attributes.unwrap_or_default();
    Ok(counts.iter().all(|name| {
        attributes
            .get(name)
            .is_none_or(|n| n.parse::<u64>().is_ok_and(|n| n == 0))
    }))
}
