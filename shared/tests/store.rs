//! The store against moto's DynamoDB, on a table built from template.yaml.

use serde::{Deserialize, Serialize};
use shared::store::keys::idempotency as idempotency_key;
use shared::store::{Claim, Extras, Key, KeyPrefix, Put};
use test_support::Harness;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Doc {
    name: String,
    version: u32,
}

const NOW: i64 = 1_800_000_000;

/// A generic partition prefix: these tests are about the store, not about the app's key shapes.
fn prefix(pk: &str, sk_prefix: &str) -> KeyPrefix {
    KeyPrefix {
        pk: pk.into(),
        sk_prefix: sk_prefix.into(),
    }
}

fn doc(name: &str, version: u32) -> Doc {
    Doc {
        name: name.into(),
        version,
    }
}

#[tokio::test]
async fn put_and_get_respect_conditions() {
    let h = Harness::new().await;
    let key = Key::new("PORTAL#1", "SETTINGS");
    let none = Extras::default();
    assert_eq!(h.store.get::<Doc>(&key, NOW).await.unwrap(), None);

    assert!(h
        .store
        .put(&key, &doc("a", 1), &none, Put::IfAbsent, NOW)
        .await
        .unwrap());
    // First writer wins.
    assert!(!h
        .store
        .put(&key, &doc("b", 1), &none, Put::IfAbsent, NOW)
        .await
        .unwrap());
    assert_eq!(h.store.get(&key, NOW).await.unwrap(), Some(doc("a", 1)));

    // Optimistic update: only from the version we read.
    let from_v1 = Put::IfFieldEquals {
        field: "version",
        value: 1.into(),
    };
    assert!(h
        .store
        .put(&key, &doc("c", 2), &none, from_v1.clone(), NOW)
        .await
        .unwrap());
    assert!(!h
        .store
        .put(&key, &doc("d", 2), &none, from_v1, NOW)
        .await
        .unwrap());
    assert_eq!(h.store.get(&key, NOW).await.unwrap(), Some(doc("c", 2)));

    // IfFieldEquals never creates.
    let absent = Key::new("PORTAL#1", "OTHER");
    let cond = Put::IfFieldEquals {
        field: "version",
        value: 1.into(),
    };
    assert!(!h
        .store
        .put(&absent, &doc("x", 1), &none, cond, NOW)
        .await
        .unwrap());
    assert_eq!(h.store.get::<Doc>(&absent, NOW).await.unwrap(), None);

    h.store.delete(&key).await.unwrap();
    assert_eq!(h.store.get::<Doc>(&key, NOW).await.unwrap(), None);
}

#[tokio::test]
async fn expired_items_are_absent_even_before_ttl_removes_them() {
    let h = Harness::new().await;
    let key = Key::new("PORTAL#1", "LOG#1");
    let short = Extras {
        expires_at: Some(NOW + 10),
        ..Extras::default()
    };
    assert!(h
        .store
        .put(&key, &doc("a", 1), &short, Put::IfAbsent, NOW)
        .await
        .unwrap());
    assert_eq!(
        h.store.get(&key, NOW + 10).await.unwrap(),
        Some(doc("a", 1))
    );
    assert_eq!(h.store.get::<Doc>(&key, NOW + 11).await.unwrap(), None);
    assert!(h
        .store
        .query_prefix::<Doc>(&prefix("PORTAL#1", "LOG#"), NOW + 11)
        .await
        .unwrap()
        .is_empty());
    // A dead item does not block a new one.
    assert!(h
        .store
        .put(&key, &doc("b", 1), &short, Put::IfAbsent, NOW + 11)
        .await
        .unwrap());
}

#[tokio::test]
async fn query_by_prefix_and_by_index() {
    let h = Harness::new().await;
    let none = Extras::default();
    for i in 0..3 {
        let key = Key::new("PORTAL#7", format!("QBO#{i}"));
        let extras = Extras {
            gsi1: Some(Key::new(format!("REALM#{i}"), "PORTAL#7")),
            ..Extras::default()
        };
        h.store
            .put(&key, &doc(&format!("c{i}"), 1), &extras, Put::Always, NOW)
            .await
            .unwrap();
    }
    h.store
        .put(
            &Key::new("PORTAL#7", "SETTINGS"),
            &doc("s", 1),
            &none,
            Put::Always,
            NOW,
        )
        .await
        .unwrap();
    h.store
        .put(
            &Key::new("PORTAL#8", "QBO#1"),
            &doc("other", 1),
            &none,
            Put::Always,
            NOW,
        )
        .await
        .unwrap();

    let conns: Vec<Doc> = h
        .store
        .query_prefix(&prefix("PORTAL#7", "QBO#"), NOW)
        .await
        .unwrap();
    assert_eq!(
        conns.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["c0", "c1", "c2"]
    );
    let by_realm: Vec<Doc> = h.store.query_index("REALM#1", NOW).await.unwrap();
    assert_eq!(by_realm, vec![doc("c1", 1)]);
    let indexed: Vec<Doc> = h.store.scan_index_prefix("REALM#", NOW).await.unwrap();
    assert_eq!(indexed.len(), 3, "only the items that opted into the index");
}

#[tokio::test]
async fn single_use_items_are_taken_once_and_die_at_expiry() {
    let h = Harness::new().await;
    let key = Key::new("STATE#abc", "STATE");
    assert!(h
        .store
        .put_single_use(&key, &doc("state", 1), NOW + 600, NOW)
        .await
        .unwrap());
    assert!(!h
        .store
        .put_single_use(&key, &doc("again", 1), NOW + 600, NOW)
        .await
        .unwrap());
    assert_eq!(
        h.store.take_once(&key, NOW + 1).await.unwrap(),
        Some(doc("state", 1))
    );
    assert_eq!(
        h.store.take_once::<Doc>(&key, NOW + 2).await.unwrap(),
        None,
        "second take"
    );

    let expired = Key::new("STATE#old", "STATE");
    h.store
        .put_single_use(&expired, &doc("old", 1), NOW + 600, NOW)
        .await
        .unwrap();
    assert_eq!(
        h.store.take_once::<Doc>(&expired, NOW + 601).await.unwrap(),
        None
    );
    // Taking an expired item still removes it.
    assert_eq!(h.store.take_once::<Doc>(&expired, NOW).await.unwrap(), None);
}

#[tokio::test]
async fn concurrent_takes_of_one_state_have_one_winner() {
    let h = Harness::new().await;
    let key = Key::new("STATE#race", "STATE");
    h.store
        .put_single_use(&key, &doc("s", 1), NOW + 600, NOW)
        .await
        .unwrap();
    let takes = (0..10).map(|_| {
        let store = h.store.clone();
        let key = key.clone();
        tokio::spawn(async move { store.take_once::<Doc>(&key, NOW).await.unwrap() })
    });
    let mut winners = 0;
    for t in takes {
        winners += t.await.unwrap().is_some() as u32;
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn leases_have_one_holder_release_by_owner_and_expire() {
    let h = Harness::new().await;
    let now_ms = NOW * 1000;
    let a = h
        .store
        .acquire_lease("refresh#qbo-1", "a", 15_000, now_ms)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        h.store
            .acquire_lease("refresh#qbo-1", "b", 15_000, now_ms + 1)
            .await
            .unwrap(),
        None
    );
    // Another lease name is independent.
    assert!(h
        .store
        .acquire_lease("refresh#qbo-2", "b", 15_000, now_ms)
        .await
        .unwrap()
        .is_some());

    // Only the owner releases.
    let impostor = shared::store::Lease {
        owner: "b".into(),
        ..a.clone()
    };
    assert!(!h.store.release_lease(&impostor).await.unwrap());
    assert!(h.store.release_lease(&a).await.unwrap());
    assert!(
        !h.store.release_lease(&a).await.unwrap(),
        "already released"
    );

    // Expired leases are taken over, and the late holder cannot free the new one.
    let c = h
        .store
        .acquire_lease("refresh#qbo-1", "c", 15_000, now_ms)
        .await
        .unwrap()
        .unwrap();
    let d = h
        .store
        .acquire_lease("refresh#qbo-1", "d", 15_000, now_ms + 15_001)
        .await
        .unwrap();
    let d = d.expect("an expired lease is taken over");
    assert!(!h.store.release_lease(&c).await.unwrap());
    assert_eq!(
        h.store
            .acquire_lease("refresh#qbo-1", "e", 1, now_ms + 15_002)
            .await
            .unwrap(),
        None
    );
    assert!(h.store.release_lease(&d).await.unwrap());
}

#[tokio::test]
async fn concurrent_lease_attempts_have_one_winner() {
    let h = Harness::new().await;
    let attempts = (0..20).map(|i| {
        let store = h.store.clone();
        tokio::spawn(async move {
            store
                .acquire_lease("sync#9", &format!("w{i}"), 15_000, NOW * 1000)
                .await
                .unwrap()
        })
    });
    let mut held = 0;
    for a in attempts {
        held += a.await.unwrap().is_some() as u32;
    }
    assert_eq!(held, 1);
}

#[tokio::test]
async fn idempotency_claim_complete_and_replay() {
    let h = Harness::new().await;
    let key = idempotency_key(62515.into(), "ap-1-2-3");
    let now_ms = NOW * 1000;
    let day = 86_400;

    assert_eq!(
        h.store
            .claim::<Doc>(&key, 30_000, day, now_ms)
            .await
            .unwrap(),
        Claim::Claimed
    );
    // A repeat while the first runs sees it in progress.
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 30_000, day, now_ms + 5)
            .await
            .unwrap(),
        Claim::InProgress {
            until_ms: now_ms + 30_000
        }
    );
    assert!(h
        .store
        .complete(&key, &doc("INV-1001", 1), day, now_ms + 10)
        .await
        .unwrap());
    // A repeat gets the stored outcome, and cannot complete again.
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 30_000, day, now_ms + 20)
            .await
            .unwrap(),
        Claim::Completed(doc("INV-1001", 1))
    );
    assert!(!h
        .store
        .complete(&key, &doc("INV-9999", 1), day, now_ms + 30)
        .await
        .unwrap());
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 30_000, day, now_ms + 40_000)
            .await
            .unwrap(),
        Claim::Completed(doc("INV-1001", 1)),
        "a completed record does not expire with the in-progress window"
    );
    // After the record's retention, the key is new again.
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 30_000, day, now_ms + (day + 1) * 1000)
            .await
            .unwrap(),
        Claim::Claimed
    );
}

#[tokio::test]
async fn a_dead_claim_is_taken_over_and_an_abandoned_one_is_free() {
    let h = Harness::new().await;
    let now_ms = NOW * 1000;
    let key = idempotency_key(1.into(), "crashed");
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 1_000, 3600, now_ms)
            .await
            .unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 1_000, 3600, now_ms + 1_001)
            .await
            .unwrap(),
        Claim::Claimed,
        "the first worker's in-progress window ran out"
    );

    let key = idempotency_key(1.into(), "transient");
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 60_000, 3600, now_ms)
            .await
            .unwrap(),
        Claim::Claimed
    );
    h.store.abandon(&key).await.unwrap();
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 60_000, 3600, now_ms + 1)
            .await
            .unwrap(),
        Claim::Claimed
    );
    // Abandon never removes a completed outcome.
    h.store
        .complete(&key, &doc("done", 1), 3600, now_ms + 2)
        .await
        .unwrap();
    h.store.abandon(&key).await.unwrap();
    assert_eq!(
        h.store
            .claim::<Doc>(&key, 60_000, 3600, now_ms + 3)
            .await
            .unwrap(),
        Claim::Completed(doc("done", 1))
    );
}

#[tokio::test]
async fn concurrent_claims_have_one_owner() {
    let h = Harness::new().await;
    let key = idempotency_key(5.into(), "callback-x");
    let claims = (0..25).map(|_| {
        let store = h.store.clone();
        let key = key.clone();
        tokio::spawn(async move {
            store
                .claim::<Doc>(&key, 30_000, 3600, NOW * 1000)
                .await
                .unwrap()
        })
    });
    let mut owners = 0;
    for c in claims {
        owners += matches!(c.await.unwrap(), Claim::Claimed) as u32;
    }
    assert_eq!(owners, 1);
}
