//! The HubSpot client reads every association of a record: v4 association reads answer at most 500 a page
//! (hubspot-api.md §5), and the client follows `paging.next.after` to the end, against the simulator.

use hubspot_sim::{HubSpotSim, Seed};
use shared::hubspot::{HubSpotApi, HubSpotError};
use shared::outbound::Outbound;

async fn associated(
    sim: &HubSpotSim,
    from: &str,
    id: &str,
    to: &str,
) -> Result<Vec<String>, HubSpotError> {
    let token = sim.issue_access_token();
    let base = url::Url::parse(&sim.base_url()).unwrap();
    let http = Outbound::new();
    HubSpotApi {
        http: &http,
        base: &base,
        access_token: &token,
    }
    .associated_ids(from, id, to)
    .await
}

#[tokio::test]
async fn every_page_of_associations_is_read() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    sim.with_state(|s| {
        for id in 900_001..=901_100 {
            s.put_record("line_items", id, Default::default());
            s.link("deals", 401, "line_items", id, 19);
        }
    });
    let ids = associated(&sim, "deals", "401", "line_items")
        .await
        .unwrap();
    assert_eq!(ids.len(), 1_102, "the seed's two and 1,100 more");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 1_102);
    assert!(ids.contains(&"501".to_string()) && ids.contains(&"900001".to_string()));
    assert_eq!(sim.count("GET", "/associations/line_items"), 3);
}

#[tokio::test]
async fn a_cursor_that_does_not_move_stops_the_reading() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let stuck = r#"{"results":[{"toObjectId":501,"associationTypes":[]}],"paging":{"next":{"after":"abc"}}}"#;
    sim.with_state(|s| {
        s.recorder.faults.push(stuck_page(stuck));
    });
    let err = associated(&sim, "deals", "401", "line_items")
        .await
        .unwrap_err();
    assert!(matches!(err, HubSpotError::EndlessPaging { .. }), "{err}");
    assert!(!err.is_transient(), "retrying would loop the same way");
}

/// The same page, twice: the second answer names the cursor the first one did.
fn stuck_page(body: &str) -> hubspot_sim::FaultRule {
    hubspot_sim::FaultRule {
        path_contains: "/associations/line_items".into(),
        method: Some("GET".into()),
        kind: hubspot_sim::FaultKind::Status {
            status: 200,
            body: body.into(),
            content_type: None,
        },
        count: 2,
        delay_ms: 0,
        skip: 0,
    }
}
