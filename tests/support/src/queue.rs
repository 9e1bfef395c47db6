//! A local stand-in for Lambda's SQS event source, on moto's SQS: the sync's job queue with its
//! dead-letter queue, and a poller that hands received messages to the function as an SQS event, deletes
//! the ones it did not report failed, and leaves the failed ones to come back after the visibility timeout
//! (and to the dead-letter queue after `max_receives`), as the real event source mapping does.

use aws_config::SdkConfig;
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{json, Value};
use std::future::Future;

/// What EventBridge's schedule hands the sync function: a scheduled event named `id`.
pub fn scheduled_event(id: &str) -> Value {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "version": "0", "id": id, "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": now, "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:000000000000:rule/sync"], "detail": {}
    })
}

pub struct LocalQueue {
    pub client: aws_sdk_sqs::Client,
    pub url: String,
    pub arn: String,
    pub dead_letters_url: String,
}

async fn arn_of(client: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<String> {
    let out = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?;
    out.attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .ok_or_else(|| anyhow::anyhow!("moto returned no ARN for {url}"))
}

impl LocalQueue {
    /// Creates `name` and `name-dlq`. `visibility_secs` is how long a failed job stays hidden.
    pub async fn create(
        sdk: &SdkConfig,
        name: &str,
        visibility_secs: u32,
        max_receives: u32,
    ) -> anyhow::Result<Self> {
        let client = aws_sdk_sqs::Client::new(sdk);
        let dead = client
            .create_queue()
            .queue_name(format!("{name}-dlq"))
            .send()
            .await?;
        let dead_letters_url = dead.queue_url.unwrap_or_default();
        let dead_arn = arn_of(&client, &dead_letters_url).await?;
        let redrive = json!({"deadLetterTargetArn": dead_arn, "maxReceiveCount": max_receives});
        let queue = client
            .create_queue()
            .queue_name(name)
            .attributes(
                QueueAttributeName::VisibilityTimeout,
                visibility_secs.to_string(),
            )
            .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
            .send()
            .await?;
        let url = queue.queue_url.unwrap_or_default();
        let arn = arn_of(&client, &url).await?;
        Ok(Self {
            client,
            url,
            arn,
            dead_letters_url,
        })
    }

    /// The queue as the sync function sees it.
    pub fn jobs(&self) -> shared::sync::SqsQueue {
        shared::sync::SqsQueue {
            client: self.client.clone(),
            url: self.url.clone(),
        }
    }

    /// One poll of up to `batch` messages (waiting up to `wait_secs` for the first). Returns how many
    /// were delivered.
    pub async fn poll_once<F, Fut>(
        &self,
        batch: i32,
        wait_secs: i32,
        deliver: F,
    ) -> anyhow::Result<usize>
    where
        F: FnOnce(Value) -> Fut,
        Fut: Future<Output = anyhow::Result<Value>>,
    {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(batch)
            .wait_time_seconds(wait_secs)
            .send()
            .await?;
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            return Ok(0);
        }
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                json!({
                    "messageId": m.message_id, "receiptHandle": m.receipt_handle, "body": m.body,
                    "attributes": {}, "messageAttributes": {}, "md5OfBody": m.md5_of_body,
                    "eventSource": "aws:sqs", "eventSourceARN": self.arn, "awsRegion": "us-east-1",
                })
            })
            .collect();
        // A function error fails the whole batch: nothing is deleted, everything comes back.
        let failed: Vec<String> = match deliver(json!({ "Records": records })).await {
            Ok(answer) => answer
                .get("batchItemFailures")
                .and_then(Value::as_array)
                .map(|f| {
                    f.iter()
                        .filter_map(|i| i.get("itemIdentifier").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            Err(_) => messages
                .iter()
                .filter_map(|m| m.message_id.clone())
                .collect(),
        };
        for m in &messages {
            if failed.iter().any(|f| Some(f) == m.message_id.as_ref()) {
                continue;
            }
            if let Some(receipt) = &m.receipt_handle {
                self.client
                    .delete_message()
                    .queue_url(&self.url)
                    .receipt_handle(receipt)
                    .send()
                    .await?;
            }
        }
        Ok(messages.len())
    }

    /// Messages waiting in a queue (visible ones).
    pub async fn waiting(&self, url: &str) -> anyhow::Result<usize> {
        let out = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await?;
        Ok(out
            .attributes
            .and_then(|a| {
                a.get(&QueueAttributeName::ApproximateNumberOfMessages)
                    .cloned()
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or(0))
    }
}
