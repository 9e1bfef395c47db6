//! Links between a HubSpot record and a QuickBooks document, each with a snapshot of the document
//! (`PORTAL#{portalId}` / `LINK#{objectType}#{objectId}#{realmId}#{docType}#{docId}`).

use crate::domain::snapshot::Snapshot;
use crate::store::{Key, Store, StoreError};
use crate::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The HubSpot records a document can be linked to (I1, I10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Deals,
    Contacts,
    Companies,
    Quotes,
}

impl RecordType {
    /// The CRM object type name in HubSpot's paths.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Deals => "deals",
            RecordType::Contacts => "contacts",
            RecordType::Companies => "companies",
            RecordType::Quotes => "quotes",
        }
    }

    /// The card's record types, by CRM name; quotes are sources, not card records.
    pub fn parse_card(name: &str) -> Result<Self, AppError> {
        match name {
            "deals" => Ok(RecordType::Deals),
            "contacts" => Ok(RecordType::Contacts),
            "companies" => Ok(RecordType::Companies),
            other => Err(AppError::BadRequest(format!(
                "objectType must be deals, contacts or companies, not {other:?}"
            ))),
        }
    }
}

/// A HubSpot record: its type and id. Ids are digits; anything else is refused before it reaches a key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Record {
    pub object_type: RecordType,
    pub object_id: String,
}

impl Record {
    pub fn new(object_type: RecordType, object_id: &str) -> Result<Self, AppError> {
        let id = object_id.trim();
        // HubSpot's record ids are 64-bit: a longer run of digits names no record and only reaches HubSpot
        // as a request it cannot answer.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || id.parse::<u64>().is_err() {
            return Err(AppError::BadRequest(format!(
                "objectId must be a HubSpot record id (digits), not {object_id:?}"
            )));
        }
        Ok(Self {
            object_type,
            object_id: id.to_string(),
        })
    }

    fn prefix(&self) -> String {
        format!("LINK#{}#{}#", self.object_type.as_str(), self.object_id)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub portal_id: u64,
    pub record: Record,
    pub snapshot: Snapshot,
    pub linked_at: DateTime<Utc>,
}

impl Link {
    fn key(&self) -> Key {
        Key::new(
            format!("PORTAL#{}", self.portal_id),
            format!(
                "{}{}#{}#{}",
                self.record.prefix(),
                self.snapshot.realm_id,
                self.snapshot.doc_type.path(),
                self.snapshot.id
            ),
        )
    }

    /// Stores the link, or its newer snapshot.
    pub async fn save(&self, store: &Store) -> Result<(), StoreError> {
        store
            .save(&self.key(), self, Utc::now().timestamp())
            .await?;
        Ok(())
    }

    /// Every document linked to a record.
    pub async fn list(
        store: &Store,
        portal_id: u64,
        record: &Record,
    ) -> Result<Vec<Link>, StoreError> {
        store
            .query_prefix(
                &format!("PORTAL#{portal_id}"),
                &record.prefix(),
                Utc::now().timestamp(),
            )
            .await
    }
}
