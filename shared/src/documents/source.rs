//! What a document is drafted from, read from HubSpot: a deal's or a quote's line items (in display order),
//! the person it is for (the record's first contact and its company: a deal's primary one), and a deal's
//! quotes (I3, I4, W4, W5).

use crate::domain::draft::SourceLine;
use crate::domain::matching::PersonHint;
use crate::domain::money;
use crate::domain::pricing::Discount;
use crate::hubspot::crm::CrmObject;
use crate::hubspot::HubSpotApi;
use crate::{AppError, ErrorCode};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;
use std::str::FromStr;

/// `amount` is HubSpot's net value of the line, after its unit discount (`discount` per unit or
/// `hs_discount_percentage`): see domain/pricing.rs; `hs_position_on_quote` its place in the list.
const LINE_PROPS: &[&str] = &[
    "name",
    "hs_sku",
    "quantity",
    "price",
    "description",
    "amount",
    "discount",
    "hs_discount_percentage",
    "hs_position_on_quote",
];
const CONTACT_PROPS: &[&str] = &["firstname", "lastname", "email"];
const QUOTE_PROPS: &[&str] = &["hs_title", "hs_status", "hs_expiration_date"];

/// A numeric property of a line item; absent or empty is `None`.
fn decimal(o: &CrmObject, name: &str) -> Result<Option<Decimal>, AppError> {
    let Some(v) = o.prop(name).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    money::parse(v).map(Some).ok_or_else(|| {
        // A number too large for a decimal is out of range; anything else is not a number at all.
        let numeric = v
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || ".eE+-".contains(c));
        match numeric {
            true => AppError::refused(
                ErrorCode::AmountOutOfRange,
                format!(
                    "line item {} has a {name} out of range ({v}); correct it in HubSpot",
                    o.id
                ),
            ),
            false => AppError::refused(
                ErrorCode::Rejected,
                format!("line item {} has an unreadable {name} ({v:?})", o.id),
            ),
        }
    })
}

/// A line item's unit discount: the percentage when HubSpot has one, else the amount per unit.
fn discount(o: &CrmObject) -> Result<Option<Discount>, AppError> {
    Ok(match decimal(o, "hs_discount_percentage")? {
        Some(p) => Some(Discount::Percent(p)),
        None => decimal(o, "discount")?.map(Discount::PerUnit),
    })
}

/// Where a line item shows on its deal or quote: `hs_position_on_quote`, then the id (HubSpot keeps no
/// order among associations); a line without a readable position goes last.
fn display_order(a: &CrmObject, b: &CrmObject) -> Ordering {
    let position = |o: &CrmObject| {
        o.prop("hs_position_on_quote")
            .and_then(|p| Decimal::from_str(p).ok())
    };
    let id = |o: &CrmObject| o.id.parse::<u64>().ok();
    match (position(a), position(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| id(a).cmp(&id(b)))
    .then_with(|| a.id.cmp(&b.id))
}

/// The line items of a deal or a quote, in the order HubSpot displays them.
pub async fn lines_of(
    api: &HubSpotApi<'_>,
    object_type: &str,
    id: &str,
) -> Result<Vec<SourceLine>, AppError> {
    let ids = api.associated_ids(object_type, id, "line_items").await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut items = api.batch_read("line_items", &ids, LINE_PROPS).await?;
    items.sort_by(display_order);
    items
        .iter()
        .map(|o| {
            Ok(SourceLine {
                name: o.prop("name").unwrap_or("Line item").to_string(),
                sku: o.prop("hs_sku").map(str::to_string),
                description: o.prop("description").map(str::to_string),
                quantity: decimal(o, "quantity")?.unwrap_or(Decimal::ONE),
                unit_price: decimal(o, "price")?.unwrap_or(Decimal::ZERO),
                amount: decimal(o, "amount")?,
                discount: discount(o)?,
            })
        })
        .collect()
}

async fn first_associated(
    api: &HubSpotApi<'_>,
    from_type: &str,
    id: &str,
    to_type: &str,
    props: &[&str],
) -> Result<Option<CrmObject>, AppError> {
    match api.associated_ids(from_type, id, to_type).await?.first() {
        Some(first) => Ok(Some(api.get_object(to_type, first, props).await?)),
        None => Ok(None),
    }
}

/// HubSpot's deal → primary company association type (hubspot-api.md §5).
const DEAL_TO_PRIMARY_COMPANY: u32 = 5;

/// A deal's company: its primary one; a deal with a single company and no primary takes that one, and
/// several companies without a primary name none (any pick would be a guess).
async fn deal_company(api: &HubSpotApi<'_>, deal_id: &str) -> Result<Option<CrmObject>, AppError> {
    let companies = api.associations("deals", deal_id, "companies").await?;
    let chosen = companies
        .iter()
        .find(|c| c.hubspot_types.contains(&DEAL_TO_PRIMARY_COMPANY))
        .or(match companies.as_slice() {
            [only] => Some(only),
            _ => None,
        });
    match chosen {
        Some(c) => Ok(Some(api.get_object("companies", &c.id, &["name"]).await?)),
        None => Ok(None),
    }
}

fn with_contact(mut hint: PersonHint, contact: &CrmObject) -> PersonHint {
    hint.first_name = contact.prop("firstname").map(str::to_string);
    hint.last_name = contact.prop("lastname").map(str::to_string);
    hint.email = contact.prop("email").map(str::to_string);
    hint
}

/// The person a record's document is for: a deal's (or quote's deal's) first contact and primary company, a
/// contact and its company, or a company and its first contact. `None` without any contact.
pub async fn person_of(
    api: &HubSpotApi<'_>,
    object_type: &str,
    id: &str,
) -> Result<Option<PersonHint>, AppError> {
    let (contact, company) = match object_type {
        "contacts" => {
            let me = api.get_object("contacts", id, CONTACT_PROPS).await?;
            let company = first_associated(api, "contacts", id, "companies", &["name"]).await?;
            (Some(me), company)
        }
        "companies" => {
            let me = api.get_object("companies", id, &["name"]).await?;
            let contact = first_associated(api, "companies", id, "contacts", CONTACT_PROPS).await?;
            (contact, Some(me))
        }
        "quotes" => {
            let deals = api.associated_ids("quotes", id, "deals").await?;
            return match deals.first() {
                Some(deal) => Box::pin(person_of(api, "deals", deal)).await,
                None => Ok(None),
            };
        }
        _ => {
            let contact = first_associated(api, object_type, id, "contacts", CONTACT_PROPS).await?;
            let company = deal_company(api, id).await?;
            (contact, company)
        }
    };
    let Some(contact) = contact else {
        return Ok(None);
    };
    let hint = PersonHint {
        company_name: company
            .as_ref()
            .and_then(|c| c.prop("name"))
            .map(str::to_string),
        ..Default::default()
    };
    Ok(Some(with_contact(hint, &contact)))
}

/// A deal's quote and whether a document may start from it (I3: published and unexpired).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteInfo {
    pub id: String,
    pub title: String,
    pub expires_on: Option<NaiveDate>,
    pub usable: bool,
    pub reason: Option<String>,
}

/// Quote statuses that mean "published": approved, or needing no approval (hubspot-sim README).
const PUBLISHED: &[&str] = &["APPROVAL_NOT_NEEDED", "APPROVED"];

pub fn quote_info(quote: &CrmObject, today: NaiveDate) -> QuoteInfo {
    let expires_on = quote.prop("hs_expiration_date").and_then(|v| {
        chrono::DateTime::parse_from_rfc3339(v)
            .map(|t| t.date_naive())
            .ok()
            .or_else(|| NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok())
            .or_else(|| {
                v.parse::<i64>()
                    .ok()
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map(|t| t.date_naive())
            })
    });
    let status = quote.prop("hs_status").unwrap_or("DRAFT");
    let reason = if !PUBLISHED.contains(&status) {
        Some(format!("not published (status {status})"))
    } else if expires_on.is_some_and(|d| d < today) {
        Some("expired".to_string())
    } else {
        None
    };
    QuoteInfo {
        id: quote.id.clone(),
        title: quote.prop("hs_title").unwrap_or("Quote").to_string(),
        expires_on,
        usable: reason.is_none(),
        reason,
    }
}

pub async fn quotes_of(
    api: &HubSpotApi<'_>,
    deal_id: &str,
    today: NaiveDate,
) -> Result<Vec<QuoteInfo>, AppError> {
    let ids = api.associated_ids("deals", deal_id, "quotes").await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let quotes = api.batch_read("quotes", &ids, QUOTE_PROPS).await?;
    Ok(quotes.iter().map(|q| quote_info(q, today)).collect())
}

/// A quote a document may start from, or the reason it may not.
pub async fn usable_quote(
    api: &HubSpotApi<'_>,
    quote_id: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    let quote = api.get_object("quotes", quote_id, QUOTE_PROPS).await?;
    let info = quote_info(&quote, today);
    match info.reason {
        None => Ok(()),
        Some(reason) => Err(AppError::refused(
            ErrorCode::QuoteNotUsable,
            format!(
                "quote {:?} cannot be invoiced: {reason}; only published, unexpired quotes can",
                info.title
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, position: Option<&str>) -> CrmObject {
        CrmObject {
            id: id.into(),
            properties: position
                .map(|p| ("hs_position_on_quote".to_string(), Some(p.to_string())))
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn lines_follow_their_position_then_id_and_unpositioned_ones_go_last() {
        let mut lines = [
            line("900", None),
            line("12", Some("2")),
            line("30", Some("0")),
            line("7", None),
            line("11", Some("2")),
            line("5", Some("not a number")),
            line("40", Some("1")),
        ];
        lines.sort_by(display_order);
        let ids: Vec<&str> = lines.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["30", "40", "11", "12", "5", "7", "900"]);
    }
}
