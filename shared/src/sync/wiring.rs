//! What the sync Lambda's `main.rs` builds once per cold start: the app and the queue it feeds and drains.

use super::queue::SqsQueue;
use crate::app::StartupError;
use crate::config::ConfigError;
use crate::{App, Config};
use aws_config::BehaviorVersion;

pub async fn from_env() -> Result<(App, SqsQueue), StartupError> {
    let config = Config::from_env()?;
    let url = std::env::var("SYNC_QUEUE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or(ConfigError::Missing("SYNC_QUEUE_URL"))?;
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let app = App::new(config, &sdk).await?;
    let queue = SqsQueue {
        client: aws_sdk_sqs::Client::new(&sdk),
        url,
    };
    Ok((app, queue))
}
