//! Many items at once: the sync remembers thousands of id pairs a run, and one call per item would
//! spend the run on DynamoDB. BatchWriteItem takes 25 items and BatchGetItem 100 keys a call; what
//! DynamoDB leaves unprocessed (throttling) is sent again after a pause, never dropped.

use super::{decode, encode, is_live, key_of, Extras, Item, Key, Store, StoreError};
use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, WriteRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

const WRITES_PER_CALL: usize = 25;
const READS_PER_CALL: usize = 100;
/// Rounds of resending what DynamoDB left unprocessed before the batch counts as failed.
const ROUNDS: u32 = 8;

impl Store {
    /// Writes every `(key, value)` unconditionally, with `extras` on each.
    /// A key given twice is written once, with its last value (DynamoDB refuses duplicates in one call).
    pub async fn put_many<T: Serialize>(
        &self,
        items: &[(Key, T)],
        extras: &Extras,
    ) -> Result<(), StoreError> {
        let last: HashMap<&Key, usize> =
            items.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
        let items: Vec<&(Key, T)> = items
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| last.get(k) == Some(i))
            .map(|(_, item)| item)
            .collect();
        for chunk in items.chunks(WRITES_PER_CALL) {
            let mut requests = chunk
                .iter()
                .map(|(key, value)| {
                    let item = encode(key, value, extras)?;
                    let put = PutRequest::builder()
                        .set_item(Some(item))
                        .build()
                        .map_err(|e| unusable("BatchWriteItem", e))?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            for round in 0..ROUNDS {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(|e| StoreError::aws("BatchWriteItem", e))?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                if round + 1 == ROUNDS {
                    return Err(unusable(
                        "BatchWriteItem",
                        format!("{} items still unprocessed", requests.len()),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(50 << round)).await;
            }
        }
        Ok(())
    }

    /// The live items under `keys`, by key; missing ones are left out.
    pub async fn get_many<T: DeserializeOwned>(
        &self,
        keys: &[Key],
        now_epoch: i64,
    ) -> Result<HashMap<Key, T>, StoreError> {
        let mut found = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<&Key> = keys.iter().filter(|k| seen.insert(*k)).collect();
        for chunk in unique.chunks(READS_PER_CALL) {
            let mut wanted: Vec<Item> = chunk.iter().map(|k| k.to_item()).collect();
            for round in 0..ROUNDS {
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(wanted))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| unusable("BatchGetItem", e))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| StoreError::aws("BatchGetItem", e))?;
                for item in out
                    .responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                {
                    if is_live(&item, now_epoch) {
                        let key = key_of(&item);
                        found.insert(key.clone(), decode(&key, item)?);
                    }
                }
                wanted = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
                if wanted.is_empty() {
                    break;
                }
                if round + 1 == ROUNDS {
                    return Err(unusable(
                        "BatchGetItem",
                        format!("{} keys still unprocessed", wanted.len()),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(50 << round)).await;
            }
        }
        Ok(found)
    }
}

fn unusable(op: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Aws {
        op,
        detail: e.to_string(),
    }
}
