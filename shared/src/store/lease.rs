//! Leases (`LOCK#{name}`): one holder at a time, until it releases or its time runs out. Used to serialise
//! token refreshes across Lambdas and to keep two sync runs off the same company.

use super::{keys, num, Store, StoreError};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A lease held by `owner` until `until_ms` (epoch milliseconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub name: String,
    pub owner: String,
    pub until_ms: i64,
}

impl Store {
    /// Takes the lease if it is free or its holder's time has run out. `None` means someone else holds it.
    pub async fn acquire_lease(
        &self,
        name: &str,
        owner: &str,
        duration_ms: i64,
        now_ms: i64,
    ) -> Result<Option<Lease>, StoreError> {
        let until_ms = now_ms + duration_ms;
        let mut item = keys::lease(name).to_item();
        item.insert("owner".into(), AttributeValue::S(owner.into()));
        item.insert("until_ms".into(), num(until_ms));
        // Let TTL tidy up long after the lease is meaningless; correctness relies on until_ms alone.
        item.insert("ttl".into(), num(until_ms / 1000 + 3600));
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk) OR until_ms < :now")
            .expression_attribute_values(":now", num(now_ms))
            .send()
            .await;
        match res {
            Ok(_) => Ok(Some(Lease {
                name: name.into(),
                owner: owner.into(),
                until_ms,
            })),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(None)
            }
            Err(e) => Err(StoreError::aws("PutItem", e)),
        }
    }

    /// Releases the lease if `lease.owner` still holds it. Returns `false` when it was taken over (it had
    /// expired) or already released; a late holder can never free someone else's lease.
    pub async fn release_lease(&self, lease: &Lease) -> Result<bool, StoreError> {
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::lease(&lease.name).to_item()))
            .condition_expression("#owner = :owner")
            .set_expression_attribute_names(Some(HashMap::from([(
                "#owner".to_string(),
                "owner".to_string(),
            )])))
            .expression_attribute_values(":owner", AttributeValue::S(lease.owner.clone()))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(false)
            }
            Err(e) => Err(StoreError::aws("DeleteItem", e)),
        }
    }
}
