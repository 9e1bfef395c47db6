//! A scheduled run through the real handler and moto.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use scheduled_sync::{handle, RunSummary};
use shared::connections::Status;
use test_support::{seed_portal, Harness};

fn scheduled_event() -> EventBridgeEvent<serde_json::Value> {
    serde_json::from_value(serde_json::json!({
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-11-22T12:00:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/sync"],
        "detail": {}
    }))
    .expect("an EventBridge scheduled event")
}

#[tokio::test]
async fn a_run_covers_every_portals_connections_by_health() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    assert_eq!(
        handle(&app, scheduled_event()).await.unwrap(),
        RunSummary::default()
    );

    seed_portal(
        &h.store,
        1,
        &[
            ("10", "A", Status::Active),
            ("11", "B", Status::ReconnectNeeded),
        ],
    )
    .await;
    seed_portal(
        &h.store,
        2,
        &[
            ("10", "A again", Status::Active),
            ("12", "C", Status::Disconnected),
        ],
    )
    .await;
    let summary = handle(&app, scheduled_event()).await.unwrap();
    assert_eq!(
        summary,
        RunSummary {
            active: 2,
            reconnect_needed: 1,
            disconnected: 1
        }
    );
}
