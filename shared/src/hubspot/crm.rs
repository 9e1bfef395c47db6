//! CRM records: read a record with its associations, batch reads, updates and notes (hubspot-api.md §5).

use super::api::{check, HubSpotApi, HubSpotError};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A paging cursor as a query value (HubSpot's cursors are opaque and may carry `=`, `+` or `/`).
fn urlencoding(cursor: &str) -> String {
    url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect()
}

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
    #[serde(default)]
    association_types: Vec<AssociationType>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssociationType {
    #[serde(default)]
    category: String,
    type_id: u32,
}

/// One page of a v4 association read: at most 500 rows, then `paging.next.after` (hubspot-api.md §5).
#[derive(Deserialize)]
struct AssociationPage {
    results: Vec<AssociationRow>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    next: Option<NextPage>,
}

#[derive(Deserialize)]
struct NextPage {
    after: String,
}

/// An associated record and the HUBSPOT_DEFINED association types between the two (e.g. 5, a deal's
/// primary company).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Associated {
    pub id: String,
    pub hubspot_types: Vec<u32>,
}

/// The most rows a v4 association read answers per page (its `limit`'s default and maximum).
const ASSOCIATION_PAGE: usize = 500;
/// Pages read before giving up: 20,000 associations, far beyond any record a document is drafted from,
/// and a stop for a cursor that never ends.
const MAX_ASSOCIATION_PAGES: usize = 40;

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

    /// The ids of the `to_type` records associated with a record, in HubSpot's order (which HubSpot does not
    /// define: never read meaning into it).
    pub async fn associated_ids(
        &self,
        from_type: &str,
        id: &str,
        to_type: &str,
    ) -> Result<Vec<String>, HubSpotError> {
        let all = self.associations(from_type, id, to_type).await?;
        Ok(all.into_iter().map(|a| a.id).collect())
    }

    /// Every `to_type` record associated with a record, with the association types, read page by page.
    pub async fn associations(
        &self,
        from_type: &str,
        id: &str,
        to_type: &str,
    ) -> Result<Vec<Associated>, HubSpotError> {
        let base = format!(
            "/crm/v4/objects/{from_type}/{id}/associations/{to_type}?limit={ASSOCIATION_PAGE}"
        );
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_ASSOCIATION_PAGES {
            let path = match &after {
                None => base.clone(),
                Some(cursor) => format!("{base}&after={}", urlencoding(cursor)),
            };
            let page: AssociationPage = self.json(Method::GET, &path, None).await?;
            all.extend(page.results.into_iter().map(|r| {
                Associated {
                    id: match r.to_object_id {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                    hubspot_types: r
                        .association_types
                        .iter()
                        .filter(|t| t.category == "HUBSPOT_DEFINED")
                        .map(|t| t.type_id)
                        .collect(),
                }
            }));
            match page.paging.and_then(|p| p.next).map(|n| n.after) {
                // A cursor that does not move would read the same page forever.
                Some(next) if after.as_ref() == Some(&next) || next.is_empty() => {
                    return Err(HubSpotError::EndlessPaging {
                        what: format!("{from_type} {id}'s {to_type}"),
                        pages: all.len().div_ceil(ASSOCIATION_PAGE),
                    })
                }
                Some(next) => after = Some(next),
                None => return Ok(all),
            }
        }
        Err(HubSpotError::EndlessPaging {
            what: format!("{from_type} {id}'s {to_type}"),
            pages: MAX_ASSOCIATION_PAGES,
        })
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
