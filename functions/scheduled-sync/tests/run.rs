//! The schedule's tick through the real handler, moto and SQS: one queued job per active company.

mod common;

use scheduled_sync::{handle, Answer, PAGE_MARGIN};
use shared::connections::Status;
use shared::sync::Job;
use std::time::Instant;
use test_support::{seed_portal, Harness};

#[tokio::test]
async fn a_tick_queues_one_job_per_active_company_and_nothing_else() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    let q = common::queue(&h).await;
    let deadline = Instant::now() + PAGE_MARGIN * 2;
    let Answer::Planned(planned) = handle(&app, &q.jobs(), common::scheduled_event(), deadline)
        .await
        .unwrap()
    else {
        panic!("a scheduled event plans")
    };
    assert_eq!(planned.queued, 0);

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
    let Answer::Planned(planned) = handle(&app, &q.jobs(), common::scheduled_event(), deadline)
        .await
        .unwrap()
    else {
        panic!("a scheduled event plans")
    };
    assert_eq!(
        (
            planned.queued,
            planned.reconnect_needed,
            planned.disconnected
        ),
        (2, 1, 1)
    );

    let mut jobs = Vec::new();
    while q
        .poll_once(10, 0, |event| {
            for r in event["Records"].as_array().unwrap() {
                jobs.push(serde_json::from_str::<Job>(r["body"].as_str().unwrap()).unwrap());
            }
            async { Ok(serde_json::json!({"batchItemFailures": []})) }
        })
        .await
        .unwrap()
        > 0
    {}
    jobs.sort_by_key(|j| j.portal_id);
    assert_eq!(
        jobs,
        [
            Job {
                portal_id: 1,
                realm_id: "10".parse().unwrap(),
                objects: None,
                changed_at: None,
            },
            Job {
                portal_id: 2,
                realm_id: "10".parse().unwrap(),
                objects: None,
                changed_at: None,
            },
        ]
    );
}

#[tokio::test]
async fn an_unreadable_job_is_delivered_again_until_the_dead_letter_queue_takes_it() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    let q = common::queue(&h).await;
    q.client
        .send_message()
        .queue_url(&q.url)
        .message_body("{not a job")
        .send()
        .await
        .unwrap();
    for _ in 0..4 {
        q.poll_once(1, 2, |event| async {
            let answer = handle(&app, &q.jobs(), event, Instant::now() + PAGE_MARGIN * 2).await?;
            Ok(serde_json::to_value(answer)?)
        })
        .await
        .unwrap();
    }
    assert_eq!(q.waiting(&q.url).await.unwrap(), 0);
    assert_eq!(q.waiting(&q.dead_letters_url).await.unwrap(), 1);
}
