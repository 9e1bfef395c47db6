//! The one DynamoDB table (DESIGN.md, "State"): string keys `pk`/`sk`, numeric `ttl`, GSI `gsi1`
//! (`gsi1pk`/`gsi1sk`) for reverse look-ups. Values are serde types stored as native DynamoDB attributes.
//!
//! TTL deletion is lazy (up to ~48 h), so every read and condition here compares the expiry itself.
//!
//! Every key the app writes is built in `keys.rs`; `Key::new` itself stays generic for the store's own tests.

mod batch;
mod idempotency;
pub mod keys;
mod lease;
mod page;
mod single_use;

pub use idempotency::{Claim, IdempotencyRecord};
pub use keys::KeyPrefix;
pub use lease::Lease;
pub use page::Page;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use thiserror::Error;

pub type Item = HashMap<String, AttributeValue>;

pub const GSI1: &str = "gsi1";
const TTL_ATTR: &str = "ttl";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("DynamoDB {op} failed: {detail}")]
    Aws { op: &'static str, detail: String },
    #[error("item {pk}/{sk} does not have the expected shape: {detail}")]
    Shape {
        pk: String,
        sk: String,
        detail: String,
    },
}

/// Storage that fails is our infrastructure failing: logged in full, answered generically.
impl From<StoreError> for crate::error::AppError {
    fn from(e: StoreError) -> Self {
        crate::error::AppError::internal("storage", e)
    }
}

impl StoreError {
    fn aws<E, R>(op: &'static str, err: SdkError<E, R>) -> Self
    where
        E: std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        // The service error's own message (e.g. ValidationException text) is what helps an operator.
        let detail = match &err {
            SdkError::ServiceError(e) => {
                aws_sdk_dynamodb::error::DisplayErrorContext(e.err()).to_string()
            }
            other => aws_sdk_dynamodb::error::DisplayErrorContext(other).to_string(),
        };
        StoreError::Aws { op, detail }
    }
}

/// The primary key of an item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    fn to_item(&self) -> Item {
        HashMap::from([
            ("pk".to_string(), AttributeValue::S(self.pk.clone())),
            ("sk".to_string(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

/// When a put may happen.
#[derive(Clone, Debug)]
pub enum Put {
    Always,
    /// Only if no item has this key (first writer wins).
    IfAbsent,
    /// Only if the item exists and its attribute `field` equals `value` (optimistic concurrency).
    IfFieldEquals {
        field: &'static str,
        value: serde_json::Value,
    },
}

/// Optional attributes written beside a value's own fields.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// Reverse look-up through `gsi1`.
    pub gsi1: Option<Key>,
    /// Epoch seconds after which the item is dead (also DynamoDB's TTL attribute).
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Reads a live item (an item past its `ttl` counts as absent). Strongly consistent: callers decide on it.
    pub async fn get<T: DeserializeOwned>(
        &self,
        key: &Key,
        now_epoch: i64,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::aws("GetItem", e))?;
        match out.item {
            Some(item) if is_live(&item, now_epoch) => decode(key, item).map(Some),
            _ => Ok(None),
        }
    }

    /// Writes `value` under `key`. Returns `false` when the condition did not hold (nothing was written).
    pub async fn put<T: Serialize>(
        &self,
        key: &Key,
        value: &T,
        extras: &Extras,
        when: Put,
        now_epoch: i64,
    ) -> Result<bool, StoreError> {
        let item = encode(key, value, extras)?;
        let mut req = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        req = match when {
            Put::Always => req,
            // An expired item that TTL has not yet removed must not block a new one.
            Put::IfAbsent => req
                .condition_expression("attribute_not_exists(pk) OR #ttl < :now")
                .expression_attribute_names("#ttl", TTL_ATTR)
                .expression_attribute_values(":now", num(now_epoch)),
            Put::IfFieldEquals { field, value } => req
                .condition_expression("attribute_exists(pk) AND #f = :v")
                .expression_attribute_names("#f", field)
                .expression_attribute_values(":v", to_attr(key, &value)?),
        };
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed_put(&e) => Ok(false),
            Err(e) => Err(StoreError::aws("PutItem", e)),
        }
    }

    /// Writes `value` under `key` unconditionally, without index or expiry.
    pub async fn save<T: Serialize>(
        &self,
        key: &Key,
        value: &T,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        self.put(key, value, &Extras::default(), Put::Always, now_epoch)
            .await?;
        Ok(())
    }

    pub async fn delete(&self, key: &Key) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .send()
            .await
            .map_err(|e| StoreError::aws("DeleteItem", e))?;
        Ok(())
    }

    /// All live items of one partition whose sort key starts with the prefix, following pagination.
    pub async fn query_prefix<T: DeserializeOwned>(
        &self,
        prefix: &KeyPrefix,
        now_epoch: i64,
    ) -> Result<Vec<T>, StoreError> {
        let condition = "pk = :pk AND begins_with(sk, :prefix)";
        self.query(
            None,
            condition,
            &[(":pk", &prefix.pk), (":prefix", &prefix.sk_prefix)],
            now_epoch,
        )
        .await
    }

    /// All live items whose `gsi1pk` equals `gsi1pk` (e.g. every portal a QuickBooks company is connected to).
    pub async fn query_index<T: DeserializeOwned>(
        &self,
        gsi1pk: &str,
        now_epoch: i64,
    ) -> Result<Vec<T>, StoreError> {
        self.query(Some(GSI1), "gsi1pk = :pk", &[(":pk", gsi1pk)], now_epoch)
            .await
    }

    /// Every page of a query on the table (strongly consistent) or on an index (which cannot be).
    async fn query<T: DeserializeOwned>(
        &self,
        index: Option<&str>,
        key_condition: &str,
        values: &[(&str, &str)],
        now_epoch: i64,
    ) -> Result<Vec<T>, StoreError> {
        let mut req = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_string))
            .consistent_read(index.is_none())
            .key_condition_expression(key_condition);
        for (name, value) in values {
            req = req.expression_attribute_values(*name, AttributeValue::S(value.to_string()));
        }
        let pages = req
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        decode_live(pages, "Query", now_epoch)
    }

    /// Every live item of the sparse index whose `gsi1pk` starts with `prefix`. The index holds only items that
    /// opted in (connections), so this scan stays proportional to them, not to the table.
    pub async fn scan_index_prefix<T: DeserializeOwned>(
        &self,
        prefix: &str,
        now_epoch: i64,
    ) -> Result<Vec<T>, StoreError> {
        let pages = self
            .client
            .scan()
            .table_name(&self.table)
            .index_name(GSI1)
            .filter_expression("begins_with(gsi1pk, :prefix)")
            .expression_attribute_values(":prefix", AttributeValue::S(prefix.into()))
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await;
        decode_live(pages, "Scan", now_epoch)
    }
}

fn decode_live<T: DeserializeOwned, E, R>(
    pages: Vec<Result<Item, SdkError<E, R>>>,
    op: &'static str,
    now_epoch: i64,
) -> Result<Vec<T>, StoreError>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let mut out = Vec::new();
    for item in pages {
        let item = item.map_err(|e| StoreError::aws(op, e))?;
        if is_live(&item, now_epoch) {
            let key = key_of(&item);
            out.push(decode(&key, item)?);
        }
    }
    Ok(out)
}

fn is_condition_failed_put(
    e: &SdkError<aws_sdk_dynamodb::operation::put_item::PutItemError, impl std::fmt::Debug>,
) -> bool {
    matches!(e, SdkError::ServiceError(s) if s.err().is_conditional_check_failed_exception())
}

pub(crate) fn num(n: i64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

fn is_live(item: &Item, now_epoch: i64) -> bool {
    match item.get(TTL_ATTR).and_then(|v| v.as_n().ok()) {
        Some(ttl) => ttl.parse::<i64>().map(|t| t >= now_epoch).unwrap_or(true),
        None => true,
    }
}

fn key_of(item: &Item) -> Key {
    let s = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    Key::new(s("pk"), s("sk"))
}

fn encode<T: Serialize>(key: &Key, value: &T, extras: &Extras) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(value).map_err(|e| shape(key, e))?;
    item.extend(key.to_item());
    if let Some(g) = &extras.gsi1 {
        item.insert("gsi1pk".into(), AttributeValue::S(g.pk.clone()));
        item.insert("gsi1sk".into(), AttributeValue::S(g.sk.clone()));
    }
    if let Some(t) = extras.expires_at {
        item.insert(TTL_ATTR.into(), num(t));
    }
    Ok(item)
}

fn decode<T: DeserializeOwned>(key: &Key, item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| shape(key, e))
}

fn to_attr(key: &Key, value: &serde_json::Value) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| shape(key, e))
}

fn shape(key: &Key, e: impl std::fmt::Display) -> StoreError {
    StoreError::Shape {
        pk: key.pk.clone(),
        sk: key.sk.clone(),
        detail: e.to_string(),
    }
}
