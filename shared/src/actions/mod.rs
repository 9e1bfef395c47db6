//! Workflow custom actions (W1–W8): "Create QuickBooks invoice / estimate / sales receipt" for the enrolled
//! deal or quote, exactly once per execution (W7).
//!
//! Retry strategy: we do the work inside the request and answer synchronously. A business refusal is
//! final: `FAIL_CONTINUE` with an `errorCode` output (stored, so a repeat answers the same), and so is a
//! final HubSpot answer (401/403/404/400…, `HubSpotError::is_transient`). A transient failure (QuickBooks
//! or HubSpot 5xx/429, a timeout, storage) answers 503, so HubSpot retries with backoff for up
//! to three days. Why not BLOCK + callback: the work is a handful of calls that finish in well under
//! HubSpot's ~30 s, and answering inline needs no queue, no worker and no second delivery path that could
//! itself fail. Repeats are safe either way: the `callbackId` is the idempotency key and the `requestid` of
//! every QuickBooks write, so a redelivery after a lost answer gets the first document back. A wrong input of
//! the action (inputs.rs) is refused before the execution is claimed: a repeat carries the same inputs.
//!
//! Here only the orchestration: the drafting rules are pure (domain/workflow_draft.rs, domain/unmatched.rs,
//! domain/due.rs), the codes a workflow's history shows are in codes.rs.

mod codes;
mod inputs;

use codes::workflow_code;
pub use inputs::{Enrolled, Execution, InputError, Inputs, Origin};

use crate::documents::company::{Company, HubSpot};
use crate::documents::create::{create, CustomerChoice, Order};
use crate::documents::deal::bring_up_to_date;
use crate::documents::items::{NewItem, NewItemLine};
use crate::documents::links::{Link, Record, RecordType};
use crate::documents::lookup::{active_items, proposed_doc_number};
use crate::documents::once::{run_once, Refusals};
use crate::documents::source;
use crate::documents::view::{cents, open_url};
use crate::domain::draft::Draft;
use crate::domain::unmatched::Unmatched;
use crate::domain::workflow_draft::{draft_lines, LineItem, Rules};
use crate::quickbooks::entities::{DocType, TaxCode};
use crate::settings::Settings;
use crate::{App, AppError, ErrorCode};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What later workflow steps get (W8).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionOutputs {
    pub document_id: String,
    pub document_number: String,
    pub total: String,
    pub link: String,
}

/// How long a concurrent delivery of the same execution waits for the first one's outcome.
const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// The answer HubSpot gets, or an error for a transient failure (answered 503 so HubSpot retries).
pub async fn execute(app: &App, doc_type: DocType, exec: &Execution) -> Result<Value, AppError> {
    let callback = crate::ids::CallbackId::parse(exec.callback_id.trim())
        .map_err(|_| AppError::BadRequest("callbackId is missing or malformed".into()))?;
    let key = callback.as_str();
    let portal_id = exec.origin.portal_id;
    crate::installs::Install::require(&app.store, portal_id, Utc::now().timestamp()).await?;
    let record = exec.record()?;
    // Nothing to store for a wrong input: a redelivery carries the same inputs and gets the same answer.
    let inputs = match exec.inputs(doc_type) {
        Ok(inputs) => inputs,
        Err(e) => return Ok(failed(e.workflow_code(), &e.to_string())),
    };
    let result = run_once(
        app,
        portal_id,
        &crate::store::keys::workflow_action_scope(&callback),
        Refusals::Final,
        WAIT,
        || run(app, portal_id, doc_type, &inputs, &record, key),
    )
    .await;
    match result {
        Ok(out) => Ok(json!({ "outputFields": {
            "documentId": out.document_id,
            "documentNumber": out.document_number,
            "total": out.total,
            "link": out.link,
            "hs_execution_state": "SUCCESS",
        }})),
        Err(e) if e.code().is_transient() => Err(e),
        Err(e) => Ok(failed(workflow_code(e.code()), &e.public_message())),
    }
}

/// A final failure: the workflow continues, its history showing the code's execution rule.
fn failed(code: &str, message: &str) -> Value {
    json!({ "outputFields": {
        "errorCode": code,
        "errorMessage": message,
        "hs_execution_state": "FAIL_CONTINUE",
    }})
}

/// Reads the record, drafts with the account's rules (domain/workflow_draft.rs), creates the document and
/// brings the deals up to date.
async fn run(
    app: &App,
    portal_id: u64,
    doc_type: DocType,
    inputs: &Inputs,
    record: &Record,
    key: &str,
) -> Result<ActionOutputs, AppError> {
    let company = Company::open(app, portal_id, &inputs.realm_id).await?;
    let hubspot = HubSpot::open(app, portal_id)
        .await
        .map_err(hubspot_unusable)?;
    let hs = hubspot.api(app);
    let profile = &company.connection.profile;
    let settings = Settings::load(&app.store, portal_id).await?;

    let lines = source::lines_of(&hs, record.object_type.as_str(), &record.object_id).await?;
    if lines.is_empty() {
        return Err(AppError::refused(
            ErrorCode::NoLineItems,
            "the record has no line items to put on the document",
        ));
    }
    let person = source::person_of(&hs, record.object_type.as_str(), &record.object_id)
        .await?
        .ok_or_else(|| {
            AppError::refused(
                ErrorCode::NoContact,
                "the record has no associated contact to bill",
            )
        })?;
    let items = active_items(app, &company).await?;
    let today = items
        .time
        .map_or_else(|| Utc::now().date_naive(), |t| t.date_naive());
    let rules = Rules {
        company: &profile.name,
        items: &items.value,
        unmatched: Unmatched::of(&settings, &inputs.realm_id, &items.value),
        tax_codes_required: profile.line_tax_codes_required,
        fallback_tax_code: inputs.tax_code.as_deref(),
    };
    let drafted = draft_lines(&lines, &rules)?;
    let paid = inputs.create_paid && has_payment(&hs, record).await?;
    if paid {
        // Outside the US the lines' codes say what is taxed; inactive codes count too.
        let codes = match profile.line_tax_codes_required {
            true => Some(
                company
                    .api(app)
                    .query::<TaxCode>("TaxCode", "")
                    .await?
                    .value,
            ),
            false => None,
        };
        drafted.check_paid_untaxed(codes.as_deref())?;
    }
    let new_items = drafted
        .items
        .iter()
        .enumerate()
        .filter_map(|(line, (source, item))| match item {
            LineItem::New { income_account } => Some(NewItemLine {
                line,
                item: NewItem {
                    name: source.name.clone(),
                    sku: source.sku.clone(),
                },
                income_account: income_account.to_string(),
            }),
            LineItem::Existing(_) => None,
        })
        .collect();
    let draft = Draft {
        doc_type,
        lines: drafted.lines,
        term_id: None,
        txn_date: Some(today),
        due_date: inputs.days_until_due.map(|days| days.after(today)),
        message: None,
        doc_number: proposed_doc_number(app, &company, doc_type).await?,
    };
    // A quote's document shows on its deal's card too.
    let mut link_to = vec![record.clone()];
    if record.object_type == RecordType::Quotes {
        for deal in hs
            .associated_ids("quotes", &record.object_id, "deals")
            .await?
        {
            link_to.push(Record::new(RecordType::Deals, &deal)?);
        }
    }
    let created = create(
        app,
        portal_id,
        Order {
            company: &company,
            draft,
            customer: CustomerChoice::Match {
                person,
                create: settings.create_customers,
            },
            link_to: link_to.clone(),
            new_items,
            paid,
            scope: key.to_string(),
        },
    )
    .await?;
    // Part of the run: a failure here answers 503, and the redelivery replays the creates and retries this.
    let connections = vec![company.connection.clone()];
    for deal in link_to
        .iter()
        .filter(|r| r.object_type == RecordType::Deals)
    {
        let links = Link::list(&app.store, portal_id, deal).await?;
        bring_up_to_date(app, portal_id, &deal.object_id, &links, &connections, true).await?;
    }
    let snapshot = &created.snapshot;
    Ok(ActionOutputs {
        document_id: snapshot.id.clone(),
        document_number: snapshot.number.clone().unwrap_or_default(),
        total: cents(snapshot.total).to_string(),
        link: open_url(company.connection.environment, snapshot),
    })
}

/// HubSpot without the account's tokens (a `NotFound`, "not connected") or its install can only be fixed
/// by reinstalling the app: that is HubSpot access, not the QuickBooks company a `NotFound` names elsewhere.
fn hubspot_unusable(e: AppError) -> AppError {
    match e.code() {
        ErrorCode::NotFound | ErrorCode::UnknownPortal => AppError::refused(
            ErrorCode::HubSpotAccessDenied,
            "the app has no authorization for this HubSpot account any more; reinstall the app in HubSpot, then re-enroll the record",
        ),
        _ => e,
    }
}

/// "The deal has payment information" (W6): a succeeded HubSpot payment on the deal (hubspot-api.md §5,
/// deal→payment 392).
async fn has_payment(
    hs: &crate::hubspot::HubSpotApi<'_>,
    record: &Record,
) -> Result<bool, AppError> {
    let deals = match record.object_type {
        RecordType::Deals => vec![record.object_id.to_string()],
        _ => {
            hs.associated_ids(record.object_type.as_str(), &record.object_id, "deals")
                .await?
        }
    };
    for deal in deals {
        let ids = hs
            .associated_ids("deals", &deal, "commerce_payments")
            .await?;
        if ids.is_empty() {
            continue;
        }
        let payments = hs
            .batch_read("commerce_payments", &ids, &["hs_latest_status"])
            .await?;
        if payments
            .iter()
            .any(|p| p.prop("hs_latest_status").is_none_or(|s| s == "succeeded"))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The tax codes of the company chosen in an action (the `taxCodeId` field's options).
pub async fn tax_code_options(
    app: &App,
    portal_id: u64,
    realm_id: &str,
) -> Result<Vec<Value>, AppError> {
    let company = Company::open(app, portal_id, realm_id).await?;
    let codes = company
        .api(app)
        .query::<TaxCode>("TaxCode", "WHERE Active = true")
        .await?
        .value;
    Ok(codes
        .iter()
        .map(|c| json!({ "label": c.name, "value": c.id }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubspot_without_tokens_or_install_is_access_denied_not_an_unknown_company() {
        for gone in [
            AppError::NotFound(
                "this company is not connected; connect it in the app settings".into(),
            ),
            AppError::UnknownPortal(7),
        ] {
            let shown = hubspot_unusable(gone);
            assert_eq!(
                workflow_code(shown.code()),
                "HUBSPOT_ACCESS_DENIED",
                "{shown}"
            );
            assert!(shown.public_message().contains("reinstall the app"));
        }
        let busy = hubspot_unusable(AppError::Busy("renewing".into()));
        assert_eq!(
            busy.code(),
            ErrorCode::Busy,
            "transient failures stay transient"
        );
    }
}
