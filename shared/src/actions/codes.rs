//! The error codes a workflow's history shows (`errorCode`): one per cause, each with an execution rule in
//! the action definitions (infra/hubspot/src/app/workflow-actions/*-hsmeta.json) that turns it into text.

use super::inputs::InputError;
use crate::ErrorCode;

/// The code of each refusal a run can end in; any other is QuickBooks refusing the document (`OTHERWISE`).
/// A `NotFound` in a run is the chosen QuickBooks company not being connected: the other causes of one (no
/// company chosen, HubSpot's authorization gone) are answered with their own codes before they reach this
/// (`InputError`, `hubspot_unusable`).
const CODES: &[(ErrorCode, &str)] = &[
    (ErrorCode::NotFound, "UNKNOWN_COMPANY"),
    (ErrorCode::ReconnectNeeded, "RECONNECT_NEEDED"),
    (ErrorCode::NoContact, "NO_CONTACT"),
    (ErrorCode::NoLineItems, "NO_LINE_ITEMS"),
    (ErrorCode::ItemNotMatched, "ITEM_NOT_MATCHED"),
    (ErrorCode::ItemNotFound, "ITEM_NOT_MATCHED"),
    (ErrorCode::CustomerNotFound, "CUSTOMER_NOT_FOUND"),
    (ErrorCode::TaxCodeRequired, "TAX_CODE_REQUIRED"),
    (ErrorCode::PaidInvoiceTaxable, "PAID_INVOICE_TAXABLE"),
    (ErrorCode::DuplicateDocNumber, "DUPLICATE_DOC_NUMBER"),
    (ErrorCode::AmountOutOfRange, "AMOUNT_OUT_OF_RANGE"),
    (ErrorCode::InvalidText, "INVALID_TEXT"),
    (ErrorCode::InvalidDaysUntilDue, "INVALID_DAYS_UNTIL_DUE"),
    // What the record holds and QuickBooks cannot take: a zero quantity, a negative price, a product or
    // customer name that is empty once cleaned, a SKU too long.
    (ErrorCode::BadRequest, "INVALID_RECORD"),
    (ErrorCode::HubSpotAccessDenied, "HUBSPOT_ACCESS_DENIED"),
    (ErrorCode::HubSpotNotFound, "HUBSPOT_RECORD_NOT_FOUND"),
    (ErrorCode::HubSpotRejected, "HUBSPOT_REJECTED"),
];
const OTHERWISE: &str = "QUICKBOOKS_REJECTED";

pub fn workflow_code(code: ErrorCode) -> &'static str {
    CODES
        .iter()
        .find(|(known, _)| *known == code)
        .map_or(OTHERWISE, |(_, shown)| shown)
}

impl InputError {
    pub fn workflow_code(&self) -> &'static str {
        match self {
            InputError::NoCompany => "NO_COMPANY_CHOSEN",
            InputError::DaysUntilDue(_) => workflow_code(ErrorCode::InvalidDaysUntilDue),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::due::InvalidDaysUntilDue;
    use std::collections::BTreeSet;

    fn rules_of(action: &str) -> BTreeSet<String> {
        let path = format!(
            "{}/../infra/hubspot/src/app/workflow-actions/create-{action}-hsmeta.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("an action definition");
        let meta: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        meta["config"]["executionRules"]
            .as_array()
            .expect("execution rules")
            .iter()
            .map(|rule| {
                rule["conditions"]["errorCode"]
                    .as_str()
                    .expect("a code")
                    .to_string()
            })
            .collect()
    }

    /// Each action has a rule for every code it can answer, and no rule for a code it never answers.
    #[test]
    fn every_code_an_action_answers_has_its_execution_rule() {
        let days = InputError::DaysUntilDue(InvalidDaysUntilDue("x".into())).workflow_code();
        for (action, takes_days) in [
            ("invoice", true),
            ("estimate", false),
            ("sales-receipt", false),
        ] {
            let answered: BTreeSet<String> = CODES
                .iter()
                .map(|(_, shown)| *shown)
                .chain([OTHERWISE, InputError::NoCompany.workflow_code()])
                .filter(|shown| takes_days || *shown != days)
                .map(str::to_string)
                .collect();
            assert_eq!(rules_of(action), answered, "{action}");
        }
    }

    #[test]
    fn each_cause_of_a_failure_has_its_own_code() {
        assert_eq!(workflow_code(ErrorCode::NotFound), "UNKNOWN_COMPANY");
        assert_eq!(InputError::NoCompany.workflow_code(), "NO_COMPANY_CHOSEN");
        assert_eq!(workflow_code(ErrorCode::BadRequest), "INVALID_RECORD");
        assert_eq!(workflow_code(ErrorCode::ItemNotFound), "ITEM_NOT_MATCHED");
        assert_eq!(workflow_code(ErrorCode::Rejected), "QUICKBOOKS_REJECTED");
        assert_eq!(workflow_code(ErrorCode::Conflict), "QUICKBOOKS_REJECTED");
    }
}
