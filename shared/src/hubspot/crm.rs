//! CRM records: read a record with its associations, batch reads, updates and notes (hubspot-api.md §5).

use super::api::{check, HubSpotApi, HubSpotError};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A CRM record; every property value is a string or null (hubspot-api.md §5).
#[derive(Clone, Debug, Deserialize)]
pub struct CrmObject {
    pub id: String,
    #[serde(default)]
    pub properties: HashMap<String, Option<String>>,
}

impl CrmObject {
    /// A property's value, `None` when unset or blank.
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.properties
            .get(name)
            .and_then(|v| v.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

#[derive(Deserialize)]
struct Results<T> {
    results: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssociationRow {
    /// A number in the docs' examples, a string in the SPEC: accept both.
    to_object_id: Value,
}

/// The most associated ids we read for one record (a deal's line items, contacts, quotes).
const MAX_BATCH: usize = 100;

impl HubSpotApi<'_> {
    pub async fn get_object(
        &self,
        object_type: &str,
        id: &str,
        properties: &[&str],
    ) -> Result<CrmObject, HubSpotError> {
        let path = format!(
            "/crm/v3/objects/{object_type}/{id}?properties={}",
            properties.join(",")
        );
        self.json(Method::GET, &path, None).await
    }

    /// The ids of the `to_type` records associated with a record, in HubSpot's order.
    pub async fn associated_ids(
        &self,
        from_type: &str,
        id: &str,
        to_type: &str,
    ) -> Result<Vec<String>, HubSpotError> {
        let path = format!("/crm/v4/objects/{from_type}/{id}/associations/{to_type}");
        let rows: Results<AssociationRow> = self.json(Method::GET, &path, None).await?;
        Ok(rows
            .results
            .into_iter()
            .map(|r| match r.to_object_id {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect())
    }

    /// Records by id, in the order asked; ids HubSpot does not find are left out.
    pub async fn batch_read(
        &self,
        object_type: &str,
        ids: &[String],
        properties: &[&str],
    ) -> Result<Vec<CrmObject>, HubSpotError> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BATCH) {
            let body = json!({
                "properties": properties,
                "inputs": chunk.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
            });
            let path = format!("/crm/v3/objects/{object_type}/batch/read");
            let page: Results<CrmObject> = self.json(Method::POST, &path, Some(&body)).await?;
            found.extend(page.results);
        }
        found.sort_by_key(|o| ids.iter().position(|id| *id == o.id));
        Ok(found)
    }

    pub async fn update_object(
        &self,
        object_type: &str,
        id: &str,
        properties: &Value,
    ) -> Result<(), HubSpotError> {
        let path = format!("/crm/v3/objects/{object_type}/{id}");
        let reply = self
            .call(
                Method::PATCH,
                &path,
                Some(&json!({ "properties": properties })),
            )
            .await?;
        check(&reply)
    }

    /// A note on a deal, dated `timestamp_ms` (notes stand in for timeline events, closed to new apps).
    pub async fn create_deal_note(
        &self,
        deal_id: &str,
        body: &str,
        timestamp_ms: i64,
    ) -> Result<String, HubSpotError> {
        let note = json!({
            "properties": { "hs_timestamp": timestamp_ms.to_string(), "hs_note_body": body },
            "associations": [{
                "to": { "id": deal_id },
                "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_DEAL }],
            }],
        });
        let created: CrmObject = self
            .json(Method::POST, "/crm/v3/objects/notes", Some(&note))
            .await?;
        Ok(created.id)
    }
}

/// HubSpot's default note→deal association type.
const NOTE_TO_DEAL: u32 = 214;
