//! A company whose sync needs a person shows on the card as a notice (S6): one whose grant died, and one
//! whose last syncs all failed. The sync's health is written by the sync itself
//! (`functions/scheduled-sync/tests/settings.rs`); here it is set as the worker leaves it.

use invoice_card::handle;
use serde_json::Value;
use shared::connections::{Connection, Status};
use shared::store::keys;
use shared::sync::health::{Counts, Health, Outcome};
use shared::sync::SyncObject;
use test_support::world::{World, PORTAL, UK, US};
use test_support::{card_request, json_of};

async fn notices(w: &World) -> Vec<String> {
    let (status, body) = json_of(
        Box::pin(handle(
            &w.app,
            card_request("GET", "/card/records/deals/401", &Value::Null),
        ))
        .await
        .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body["notices"].clone()).unwrap()
}

#[tokio::test]
async fn a_company_that_needs_reconnecting_or_keeps_failing_is_a_notice_on_the_card() {
    let w = World::new().await;
    assert!(
        notices(&w).await.is_empty(),
        "a company never synced is no notice"
    );

    let now = chrono::Utc::now();
    let key = keys::connection(PORTAL.into(), &US.parse().unwrap());
    let mut us: Connection = w
        .app
        .store
        .get(&key, now.timestamp())
        .await
        .unwrap()
        .unwrap();
    us.status = Status::ReconnectNeeded;
    us.save(&w.app.store, now.timestamp()).await.unwrap();
    let uk = UK.parse().unwrap();
    let run = [(SyncObject::Contacts, Counts::default())];
    for _ in 0..3 {
        let ended = (
            now,
            now,
            Outcome::Failed,
            Some("HubSpot could not be reached".to_string()),
        );
        Health::note_run(&w.app.store, PORTAL, &uk, &run, ended)
            .await
            .unwrap();
    }

    let shown = notices(&w).await;
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown
            .iter()
            .any(|n| n.contains(&us.profile.name) && n.contains("reconnected")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|n| n.contains("The last 3 syncs") && n.contains("HubSpot could not be reached")),
        "{shown:?}"
    );

    // One run that ends well clears the failures' notice.
    let ended = (now, now, Outcome::Done, None);
    Health::note_run(&w.app.store, PORTAL, &uk, &run, ended)
        .await
        .unwrap();
    assert_eq!(notices(&w).await.len(), 1);
}
