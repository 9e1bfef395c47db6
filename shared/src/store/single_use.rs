//! Single-use items (OAuth `state`): written once, taken once, dead after their expiry.

use super::{Extras, Key, Put, Store, StoreError};
use aws_sdk_dynamodb::types::ReturnValue;
use serde::de::DeserializeOwned;
use serde::Serialize;

impl Store {
    /// Stores `value` until `expires_at` (epoch seconds). Returns `false` if a live item already has the key.
    pub async fn put_single_use<T: Serialize>(
        &self,
        key: &Key,
        value: &T,
        expires_at: i64,
        now_epoch: i64,
    ) -> Result<bool, StoreError> {
        let extras = Extras {
            expires_at: Some(expires_at),
            ..Extras::default()
        };
        self.put(key, value, &extras, Put::IfAbsent, now_epoch)
            .await
    }

    /// Removes the item and returns it if it was still live. A second take, or a take after expiry, gets `None`:
    /// the delete is one atomic call, so two concurrent takes can never both succeed.
    pub async fn take_once<T: DeserializeOwned>(
        &self,
        key: &Key,
        now_epoch: i64,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| StoreError::aws("DeleteItem", e))?;
        match out.attributes {
            Some(item) if super::is_live(&item, now_epoch) => super::decode(key, item).map(Some),
            _ => Ok(None),
        }
    }
}
