//! Linking existing QuickBooks documents to a record (I10).

use super::record::{after_write, RecordDocuments};
use crate::documents::company::Company;
use crate::documents::links::{Link, Record};
use crate::domain::snapshot::Snapshot;
use crate::ids::QboId;
use crate::quickbooks::entities::{DocType, Document};
use crate::{App, AppError};
use chrono::Utc;
use serde::Deserialize;

/// A document chosen to link.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocRef {
    #[serde(rename = "type")]
    pub doc_type: DocType,
    pub id: QboId,
}

/// Links existing documents to a record (I10) and answers the record's full list.
pub async fn link_existing(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    record: &Record,
    docs: &[DocRef],
) -> Result<RecordDocuments, AppError> {
    if docs.is_empty() || docs.len() > 100 {
        return Err(AppError::BadRequest(
            "choose between 1 and 100 documents to add".into(),
        ));
    }
    let company = Company::open(app, portal_id, realm_id).await?;
    let now = Utc::now();
    for doc_type in DocType::ALL {
        let ids: Vec<&str> = docs
            .iter()
            .filter(|d| d.doc_type == doc_type)
            .map(|d| d.id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let answer = company
            .api(app)
            .query_ids::<Document>(doc_type.entity(), &ids)
            .await?;
        if let Some(missing) = ids
            .iter()
            .find(|id| !answer.value.iter().any(|d| d.id == **id))
        {
            return Err(AppError::NotFound(format!(
                "{} {missing} was not found in QuickBooks",
                doc_type.noun()
            )));
        }
        let company_time = answer.time.unwrap_or_else(|| now.fixed_offset());
        for doc in &answer.value {
            Link {
                portal_id,
                record: record.clone(),
                snapshot: Snapshot::of(
                    company.realm_id(),
                    doc_type,
                    doc,
                    &company.connection.profile.home_currency,
                    company_time,
                    now,
                ),
                linked_at: now,
            }
            .save(&app.store)
            .await?;
        }
    }
    after_write(app, portal_id, record).await
}
