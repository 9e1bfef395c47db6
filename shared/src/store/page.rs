//! One page of a partition's items under a sort-key prefix, for lists a person pages through (the sync's
//! failed records). The token is the sort key of the page's last item, checked to lie under the prefix.

use super::{decode, is_live, key_of, KeyPrefix, Store, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A page and the token of the next one (`None` on the last page).
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl Store {
    /// Up to `limit` live items after `after` (a previous page's `next`). Expired items are skipped, so a
    /// page is full whenever more live items follow it.
    pub async fn query_prefix_page<T: DeserializeOwned>(
        &self,
        prefix: &KeyPrefix,
        limit: usize,
        after: Option<&str>,
        now_epoch: i64,
    ) -> Result<Page<T>, StoreError> {
        let mut start = after.map(|sk| {
            HashMap::from([
                ("pk".to_string(), AttributeValue::S(prefix.pk.clone())),
                ("sk".to_string(), AttributeValue::S(sk.to_string())),
            ])
        });
        let mut found = Vec::new();
        loop {
            // One more than the page holds: whether it exists decides `next`.
            let want = i32::try_from(limit + 1 - found.len()).unwrap_or(i32::MAX);
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", AttributeValue::S(prefix.pk.clone()))
                .expression_attribute_values(":prefix", AttributeValue::S(prefix.sk_prefix.clone()))
                .limit(want)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| StoreError::aws("Query", e))?;
            for item in out.items.unwrap_or_default() {
                if is_live(&item, now_epoch) {
                    let key = key_of(&item);
                    found.push((key.sk.clone(), decode::<T>(&key, item)?));
                }
            }
            start = out.last_evaluated_key;
            if found.len() > limit || start.is_none() {
                break;
            }
        }
        let more = found.len() > limit;
        found.truncate(limit);
        let next = if more {
            found.last().map(|(sk, _)| sk.clone())
        } else {
            None
        };
        Ok(Page {
            items: found.into_iter().map(|(_, t)| t).collect(),
            next,
        })
    }
}
