//! QuickBooks reads both the card and the workflow actions draft with: the company's active items and the
//! next document number. Here, so that neither imports the other.

use super::company::Company;
use crate::domain::doc_number::next_doc_number;
use crate::quickbooks::api::Stamped;
use crate::quickbooks::entities::{DocType, Document, Item};
use crate::{App, AppError};

/// The company's active items (up to QuickBooks' 1000 a query), with QuickBooks' clock when read.
pub async fn active_items(app: &App, company: &Company) -> Result<Stamped<Vec<Item>>, AppError> {
    Ok(company
        .api(app)
        .query::<Item>("Item", "WHERE Active = true MAXRESULTS 1000")
        .await?)
}

/// The next number for a company with custom transaction numbers (I13), from its latest documents.
pub async fn proposed_doc_number(
    app: &App,
    company: &Company,
    doc_type: DocType,
) -> Result<Option<String>, AppError> {
    if !company.connection.profile.custom_txn_numbers {
        return Ok(None);
    }
    let recent = company
        .api(app)
        .query::<Document>(
            doc_type.entity(),
            "ORDERBY MetaData.CreateTime DESC MAXRESULTS 50",
        )
        .await?
        .value;
    Ok(
        next_doc_number(recent.iter().filter_map(|d| d.doc_number.as_deref()))
            .or_else(|| Some("1001".to_string())),
    )
}
