//! A local stand-in for EventBridge: invokes the scheduled sync with a scheduled-event payload on the
//! template's schedule, shortened so a run happens while you watch.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use shared::App;
use std::time::Duration;

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

fn scheduled_event(n: u64) -> EventBridgeEvent<serde_json::Value> {
    let now = chrono::Utc::now();
    serde_json::from_value(serde_json::json!({
        "version": "0",
        "id": format!("local-{n}"),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:000000000000:rule/local-sync"],
        "detail": {}
    }))
    .expect("a scheduled event")
}

/// Runs forever: one sync invocation every `period`.
pub async fn run(app: App, period: Duration) {
    let mut tick = tokio::time::interval(period);
    for n in 1.. {
        tick.tick().await;
        match scheduled_sync::handle(&app, scheduled_event(n)).await {
            Ok(summary) => println!(
                "[scheduler] sync run {n}: {}",
                serde_json::to_string(&summary).unwrap_or_default()
            ),
            Err(e) => eprintln!("[scheduler] sync run {n} failed: {e}"),
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
