//! Local stand-ins for EventBridge (a scheduled-event payload on the template's schedule, shortened so a
//! run happens while you watch) and for Lambda's SQS event source on the sync queue in moto.

use shared::App;
use std::sync::Arc;
use std::time::{Duration, Instant};
use test_support::queue::LocalQueue;

/// Parses `rate(15 minutes)` / `rate(1 hour)` / `rate(30 seconds)`; cron expressions are not simulated.
pub fn rate_period(expression: &str) -> Option<Duration> {
    let inner = expression.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: u64 = n.parse().ok()?;
    let secs = match unit.trim().trim_end_matches('s') {
        "second" => n,
        "minute" => n * 60,
        "hour" => n * 3600,
        "day" => n * 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

/// What the template gives the function (its `Timeout`): each invocation's deadline.
const FUNCTION_TIMEOUT: Duration = Duration::from_secs(900);

/// Runs forever: one planning invocation every `period`.
pub async fn run(app: Arc<App>, queue: Arc<LocalQueue>, period: Duration) {
    let mut tick = tokio::time::interval(period);
    for n in 1.. {
        tick.tick().await;
        let jobs = queue.jobs();
        let deadline = Instant::now() + FUNCTION_TIMEOUT;
        match scheduled_sync::handle(
            &app,
            &jobs,
            test_support::queue::scheduled_event(&format!("local-{n}")),
            deadline,
        )
        .await
        {
            Ok(answer) => println!(
                "[scheduler] sync planned (tick {n}): {}",
                serde_json::to_string(&answer).unwrap_or_default()
            ),
            Err(e) => eprintln!("[scheduler] sync planning (tick {n}) failed: {e}"),
        }
    }
}

/// Runs forever: Lambda's SQS event source for the sync queue (batches of 5, long polling).
pub async fn poll(app: Arc<App>, queue: Arc<LocalQueue>) {
    loop {
        let jobs = queue.jobs();
        let polled = queue
            .poll_once(5, 5, |event| async {
                let deadline = Instant::now() + FUNCTION_TIMEOUT;
                let answer = scheduled_sync::handle(&app, &jobs, event, deadline).await?;
                let answer = serde_json::to_value(answer)?;
                println!("[sync] {}", answer);
                Ok(answer)
            })
            .await;
        if let Err(e) = polled {
            eprintln!("[sync] polling the queue failed: {e}");
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(
            rate_period("rate(15 minutes)"),
            Some(Duration::from_secs(900))
        );
        assert_eq!(rate_period("rate(1 hour)"), Some(Duration::from_secs(3600)));
        assert_eq!(
            rate_period("rate(30 seconds)"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(rate_period("cron(0 12 * * ? *)"), None);
        assert_eq!(rate_period("rate(soon)"), None);
    }
}
