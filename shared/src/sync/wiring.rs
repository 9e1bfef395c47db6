//! What the sync Lambda's `main.rs` builds once per cold start: the app and the queue it feeds and drains.

use super::queue::SqsQueue;
use crate::app::StartupError;
use crate::config::ConfigError;
use crate::App;

pub async fn from_env() -> Result<(App, SqsQueue), StartupError> {
    let app = App::from_env().await?;
    let queue = SqsQueue::of(&app).ok_or(ConfigError::Missing("SYNC_QUEUE_URL"))?;
    Ok((app, queue))
}
