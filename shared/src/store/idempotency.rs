//! Idempotency records (`IDEMP#{portalId}#{key}`), the Powertools pattern: claim in-progress with a
//! conditional put, complete with the stored outcome, and let a repeat see either.

use super::{num, Key, Store, StoreError};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const IN_PROGRESS: &str = "IN_PROGRESS";
const COMPLETED: &str = "COMPLETED";

/// What a claim found.
#[derive(Debug, PartialEq)]
pub enum Claim<T> {
    /// The caller owns the work now and must `complete` or `abandon` it.
    Claimed,
    /// Another execution is doing the work until `until_ms`; answer so the caller retries later.
    InProgress { until_ms: i64 },
    /// The work was done; here is its outcome.
    Completed(T),
}

/// The stored record, as read back.
#[derive(Debug, Deserialize)]
pub struct IdempotencyRecord<T> {
    pub status: String,
    pub in_progress_until_ms: i64,
    pub outcome: Option<T>,
}

impl Store {
    /// Claims `key` for `in_progress_ms` (about the Lambda's remaining time). The record lives `keep_s` seconds.
    /// A claim whose in-progress time ran out (the worker died) can be taken over.
    pub async fn claim<T: DeserializeOwned>(
        &self,
        key: &Key,
        in_progress_ms: i64,
        keep_s: i64,
        now_ms: i64,
    ) -> Result<Claim<T>, StoreError> {
        // Two rounds: the record we lost to may expire or be abandoned between our put and our read.
        for _ in 0..2 {
            let mut item = key.to_item();
            item.insert("status".into(), AttributeValue::S(IN_PROGRESS.into()));
            item.insert("in_progress_until_ms".into(), num(now_ms + in_progress_ms));
            item.insert("ttl".into(), num(now_ms / 1000 + keep_s));
            let res = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(
                    "attribute_not_exists(pk) OR #ttl < :now_s OR \
                     (#status = :in_progress AND in_progress_until_ms < :now_ms)",
                )
                .set_expression_attribute_names(Some(names()))
                .expression_attribute_values(":now_s", num(now_ms / 1000))
                .expression_attribute_values(":now_ms", num(now_ms))
                .expression_attribute_values(":in_progress", AttributeValue::S(IN_PROGRESS.into()))
                .send()
                .await;
            match res {
                Ok(_) => return Ok(Claim::Claimed),
                Err(SdkError::ServiceError(e))
                    if e.err().is_conditional_check_failed_exception() => {}
                Err(e) => return Err(StoreError::aws("PutItem", e)),
            }
            let held: Option<IdempotencyRecord<T>> = self.get(key, now_ms / 1000).await?;
            match held {
                Some(r) if r.status == COMPLETED => {
                    let outcome = r.outcome.ok_or_else(|| StoreError::Shape {
                        pk: key.pk.clone(),
                        sk: key.sk.clone(),
                        detail: "completed record without an outcome".into(),
                    })?;
                    return Ok(Claim::Completed(outcome));
                }
                Some(r) => {
                    return Ok(Claim::InProgress {
                        until_ms: r.in_progress_until_ms,
                    })
                }
                None => continue,
            }
        }
        Err(StoreError::Aws {
            op: "PutItem",
            detail: format!("could not claim {} after two attempts", key.pk),
        })
    }

    /// Stores the outcome of claimed work. Only an in-progress record can be completed, so a completion can
    /// never overwrite another execution's stored outcome.
    pub async fn complete<T: Serialize>(
        &self,
        key: &Key,
        outcome: &T,
        keep_s: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let outcome = serde_dynamo::to_attribute_value(outcome).map_err(|e| StoreError::Shape {
            pk: key.pk.clone(),
            sk: key.sk.clone(),
            detail: e.to_string(),
        })?;
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .update_expression("SET #status = :completed, outcome = :outcome, #ttl = :ttl")
            .condition_expression("#status = :in_progress")
            .set_expression_attribute_names(Some(names()))
            .expression_attribute_values(":completed", AttributeValue::S(COMPLETED.into()))
            .expression_attribute_values(":in_progress", AttributeValue::S(IN_PROGRESS.into()))
            .expression_attribute_values(":outcome", outcome)
            .expression_attribute_values(":ttl", num(now_ms / 1000 + keep_s))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(false)
            }
            Err(e) => Err(StoreError::aws("UpdateItem", e)),
        }
    }

    /// Gives up a claim after a transient failure, so a retry can claim at once instead of waiting it out.
    pub async fn abandon(&self, key: &Key) -> Result<(), StoreError> {
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .condition_expression("#status = :in_progress")
            .set_expression_attribute_names(Some(HashMap::from([(
                "#status".to_string(),
                "status".to_string(),
            )])))
            .expression_attribute_values(":in_progress", AttributeValue::S(IN_PROGRESS.into()))
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(())
            }
            Err(e) => Err(StoreError::aws("DeleteItem", e)),
        }
    }
}

fn names() -> HashMap<String, String> {
    HashMap::from([
        ("#status".to_string(), "status".to_string()),
        ("#ttl".to_string(), "ttl".to_string()),
    ])
}
