//! The card's TypeScript knows every error code the backend can answer: a code missing from `CardErrorCode`
//! would reach the card as a bare string its alert cannot explain (the drift issue 11 found).

use shared::ErrorCode;
use test_support::template::repo_root;

/// Every code, listed by hand; the exhaustive match below stops this list from falling behind the enum.
fn every_code() -> Vec<ErrorCode> {
    use ErrorCode::*;
    let all = vec![
        BadRequest,
        Unauthorized,
        NotFound,
        MethodNotAllowed,
        PayloadTooLarge,
        DuplicateParameter,
        UnknownPortal,
        ReconnectNeeded,
        Busy,
        Conflict,
        Upstream,
        Internal,
        Throttled,
        TaxCodeRequired,
        CustomerMissingEmail,
        ItemNotFound,
        ItemNotMatched,
        CustomerNotFound,
        DuplicateDocNumber,
        NoContact,
        NoLineItems,
        PaidInvoiceTaxable,
        QuoteNotUsable,
        Rejected,
        AmountOutOfRange,
        InvalidText,
        InvalidDaysUntilDue,
        HubSpotAccessDenied,
        HubSpotNotFound,
        HubSpotRejected,
    ];
    for code in &all {
        match code {
            BadRequest | Unauthorized | NotFound | MethodNotAllowed | PayloadTooLarge
            | DuplicateParameter | UnknownPortal | ReconnectNeeded | Busy | Conflict | Upstream
            | Internal | Throttled | TaxCodeRequired | CustomerMissingEmail | ItemNotFound
            | ItemNotMatched | CustomerNotFound | DuplicateDocNumber | NoContact | NoLineItems
            | PaidInvoiceTaxable | QuoteNotUsable | Rejected | AmountOutOfRange | InvalidText
            | InvalidDaysUntilDue | HubSpotAccessDenied | HubSpotNotFound | HubSpotRejected => {}
        }
    }
    all
}

#[test]
fn the_cards_typescript_names_every_error_code() {
    let path = repo_root().join("infra/hubspot/src/app/lib/card.ts");
    let ts = std::fs::read_to_string(&path).expect("card.ts");
    let union = ts
        .split("export type CardErrorCode =")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("CardErrorCode in card.ts");
    let missing: Vec<String> = every_code()
        .into_iter()
        .map(|code| serde_json::to_value(code).expect("a code serialises"))
        .filter_map(|name| name.as_str().map(str::to_string))
        .filter(|name| !union.contains(&format!("'{name}'")))
        .collect();
    assert!(missing.is_empty(), "CardErrorCode lacks {missing:?}");
}
