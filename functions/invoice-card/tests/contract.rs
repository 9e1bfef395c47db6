//! The card's TypeScript (infra/hubspot/src/app/packages/shared/card.ts) holds to the Rust it talks to (issue 11 found
//! them drifted):
//! - `CardErrorCode` names every error code the backend can answer; a missing one would reach the card as a
//!   bare string its alert cannot explain.
//! - Every answer the card reads, serialised here from the real DTOs once with every optional field present
//!   and once with none, is written to `infra/hubspot/tests/contract/cardAnswers.ts`, where `npm run
//!   typecheck` holds each to its TS type (`satisfies`: a field the TS lacks, a missing one, a null where the
//!   TS wants a value all fail) and `tests/contract.test.ts` feeds each through the card's parsers. This test
//!   fails while that file is stale; `UPDATE_CARD_CONTRACT=1 cargo test -p invoice-card --test contract`
//!   rewrites it, then `npm run typecheck && npx vitest run` in infra/hubspot says what the TS must change.
//! - The create request the card can send, every field filled (`tests/contract/cardRequests.ts`, typed
//!   there), is one the Rust accepts, losing nothing.

use serde::Serialize;
use serde_json::Value;
use shared::connections::{CompanySummary, Environment, Status};
use shared::documents::card::{
    CardCreate, CompanyFacts, CustomerProposal, CustomerView, DraftProposal, ItemView,
    ProposedLine, RecordDocuments, TaxCodeView, TermView,
};
use shared::documents::create::NewCustomer;
use shared::documents::source::QuoteInfo;
use shared::documents::view::DocumentView;
use shared::domain::matching::MatchedBy;
use shared::quickbooks::entities::DocType;
use shared::ErrorCode;
use std::fmt::Debug;
use std::path::PathBuf;
use std::str::FromStr;
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
        InvalidMapping,
        HubSpotAccessDenied,
        HubSpotNotFound,
        HubSpotRejected,
        InvalidMapping,
    ];
    for code in &all {
        match code {
            BadRequest | Unauthorized | NotFound | MethodNotAllowed | PayloadTooLarge
            | DuplicateParameter | UnknownPortal | ReconnectNeeded | Busy | Conflict | Upstream
            | Internal | Throttled | TaxCodeRequired | CustomerMissingEmail | ItemNotFound
            | ItemNotMatched | CustomerNotFound | DuplicateDocNumber | NoContact | NoLineItems
            | PaidInvoiceTaxable | QuoteNotUsable | Rejected | AmountOutOfRange | InvalidText
            | InvalidDaysUntilDue | HubSpotAccessDenied | HubSpotNotFound | HubSpotRejected
            | InvalidMapping => {}
        }
    }
    all
}

#[test]
fn the_cards_typescript_names_every_error_code() {
    let union = between(
        "src/app/packages/shared/card.ts",
        "export type CardErrorCode =",
        ";",
    );
    let missing: Vec<String> = every_code()
        .into_iter()
        .map(|code| serde_json::to_value(code).expect("a code serialises"))
        .filter_map(|name| name.as_str().map(str::to_string))
        .filter(|name| !union.contains(&format!("'{name}'")))
        .collect();
    assert!(missing.is_empty(), "CardErrorCode lacks {missing:?}");
}

/// Any id, amount, date or text of a fixture, whatever type the DTO gives it (`String`, a newtype, `Decimal`).
fn v<T: FromStr>(text: &str) -> T
where
    T::Err: Debug,
{
    text.parse().expect(text)
}

/// `text` as the field's type in the fixture with every optional field, none in the bare one.
fn opt<T: FromStr>(full: bool, text: &str) -> Option<T>
where
    T::Err: Debug,
{
    full.then(|| v(text))
}

fn document(full: bool) -> DocumentView {
    DocumentView {
        realm_id: v("9130357766900011"),
        company_name: v("Sandbox US"),
        doc_type: DocType::Invoice,
        id: v(if full { "130" } else { "131" }),
        number: opt(full, "1001"),
        customer_name: opt(full, "Acme Ltd"),
        total: v("402.00"),
        balance: opt(full, "402.00"),
        currency: v("EUR"),
        txn_date: opt(full, "2026-11-22"),
        due_date: opt(full, "2026-12-22"),
        // The bare one was deleted in QuickBooks (B8): no page left to open.
        status: if full { "awaiting_send" } else { "deleted" },
        status_label: if full { "Awaiting send" } else { "Deleted" },
        open_url: opt(full, "https://qbo.intuit.com/app/invoice?txnId=130"),
        currency_mismatch: full,
        currency_note: opt(full, "In EUR, not the HubSpot account's currency (USD)."),
        updated_at: v("2026-11-22T17:00:00Z"),
    }
}

fn company(full: bool) -> CompanySummary {
    CompanySummary {
        realm_id: v(if full {
            "9130357766900011"
        } else {
            "9130357766900033"
        }),
        name: v("Sandbox US"),
        environment: Environment::Sandbox,
        status: if full {
            Status::Active
        } else {
            Status::ReconnectNeeded
        },
        last_success_at: opt(full, "2026-11-22T10:00:00Z"),
    }
}

fn customer(full: bool) -> CustomerView {
    CustomerView {
        id: v("58"),
        display_name: v("Acme Ltd"),
        email: opt(full, "ap@acme.example"),
        currency: opt(full, "USD"),
    }
}

fn item(full: bool) -> ItemView {
    ItemView {
        id: v("1"),
        name: v("Consulting"),
        sku: opt(full, "SVC-CONSULT"),
        unit_price: v("150.00"),
        taxable: full,
    }
}

fn draft(full: bool) -> DraftProposal {
    DraftProposal {
        company: CompanyFacts {
            realm_id: v("9130357766900022"),
            name: v("Acme UK"),
            country: v("GB"),
            home_currency: v("GBP"),
            line_tax_codes_required: full,
            custom_txn_numbers: full,
            multi_currency: full,
        },
        quotes: vec![QuoteInfo {
            id: v("601"),
            title: v("Q-601 Website"),
            expires_on: opt(full, "2027-01-31"),
            usable: full,
            reason: opt(full, "The quote has expired."),
        }],
        customer: CustomerProposal {
            matched: full.then(|| customer(true)),
            matched_by: full.then_some(MatchedBy::Email),
            proposed: full.then(|| NewCustomer {
                display_name: v("Jane Doe"),
                given_name: opt(full, "Jane"),
                family_name: opt(full, "Doe"),
                company_name: opt(full, "Doe & Co"),
                email: opt(full, "jane@doe.example"),
            }),
        },
        lines: vec![ProposedLine {
            name: v("Consulting"),
            description: v("Consulting hours (10% discount)"),
            sku: opt(full, "SVC-CONSULT"),
            quantity: v("2"),
            unit_price: v("135.00"),
            amount: v("270.00"),
            suggested_item: full.then(|| item(true)),
        }],
        tax_codes: vec![TaxCodeView {
            id: v("2"),
            name: v("20.0% S"),
        }],
        terms: vec![TermView {
            id: v("3"),
            name: v("Net 30"),
            due_days: full.then_some(30),
        }],
        next_doc_number: opt(full, "MC-0008"),
        txn_date: v("2026-11-22"),
        create_items: full,
    }
}

/// Each answer the card reads: its name in cardAnswers.ts, its TypeScript type, the value.
fn answers() -> Vec<(&'static str, &'static str, Value)> {
    fn json<T: Serialize>(value: T) -> Value {
        serde_json::to_value(value).expect("a DTO serialises")
    }
    let record = RecordDocuments {
        companies: vec![company(true), company(false)],
        documents: vec![document(true), document(false)],
        notices: vec![v(
            "Showing saved figures for Old Books Ltd: QuickBooks needs to be reconnected",
        )],
    };
    vec![
        ("record", "RecordView", json(record)),
        ("draft", "Draft", json(draft(true))),
        ("draftBare", "Draft", json(draft(false))),
        (
            "customers",
            "Customer[]",
            json([customer(true), customer(false)]),
        ),
        ("items", "Item[]", json([item(true), item(false)])),
    ]
}

fn rendered() -> String {
    let mut types: Vec<&str> = answers()
        .iter()
        .map(|(_, ty, _)| ty.trim_end_matches("[]"))
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut ts = format!(
        "// Generated by functions/invoice-card/tests/contract.rs from the backend's DTOs; do not edit.\n\
         // `UPDATE_CARD_CONTRACT=1 cargo test -p invoice-card --test contract` rewrites it.\n\
         import type {{ {} }} from '@hubspot-quickbooks/shared/card';\n",
        types.join(", ")
    );
    for (name, ty, value) in answers() {
        let pretty = serde_json::to_string_pretty(&value).expect("JSON renders");
        ts.push_str(&format!(
            "\nexport const {name} = {pretty} satisfies {ty};\n"
        ));
    }
    ts
}

/// A file of the HubSpot project (infra/hubspot).
fn hubspot_file(path: &str) -> PathBuf {
    repo_root().join("infra/hubspot").join(path)
}

/// The text of a HubSpot project file between `start` and the first `end` after it.
fn between(path: &str, start: &str, end: &str) -> String {
    let ts = std::fs::read_to_string(hubspot_file(path)).expect(path);
    ts.split(start)
        .nth(1)
        .and_then(|rest| rest.split(end).next())
        .unwrap_or_else(|| panic!("{start:?} in {path}"))
        .to_string()
}

#[test]
fn the_cards_typescript_is_given_every_answer_shape() {
    let path = hubspot_file("tests/contract/cardAnswers.ts");
    let expected = rendered();
    if std::env::var_os("UPDATE_CARD_CONTRACT").is_some() {
        std::fs::write(&path, &expected).expect("cardAnswers.ts written");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == expected,
        "{} is stale: the Rust DTOs changed. Run UPDATE_CARD_CONTRACT=1 cargo test -p invoice-card --test contract, \
         then `npm run typecheck && npx vitest run` in infra/hubspot",
        path.display()
    );
}

#[test]
fn the_backend_accepts_every_field_the_card_can_send() {
    let literal = between(
        "tests/contract/cardRequests.ts",
        "export const createDocument =",
        " satisfies ",
    );
    let sent: Value = serde_json::from_str(&literal).expect("createDocument is JSON");
    // `deny_unknown_fields` refuses a field the Rust does not know.
    let create: CardCreate = serde_json::from_value(sent.clone())
        .unwrap_or_else(|e| panic!("the backend refuses the card's create request: {e}"));
    let line = &create.lines[0];
    assert!(
        create.term_id.is_some()
            && create.txn_date.is_some()
            && create.due_date.is_some()
            && create.message.is_some()
            && create.doc_number.is_some()
            && create.portion.is_some()
            && line.description.is_some()
            && line.service_date.is_some()
            && line.tax_code_id.is_some()
            && line.new_item.as_ref().is_some_and(|i| i.sku.is_some()),
        "a field the card sends was dropped: {create:?}"
    );
    // A new customer has no `deny_unknown_fields`: what it keeps must be all that was sent.
    let new = create.customer.new.expect("customer.new");
    assert_eq!(
        serde_json::to_value(new).expect("serialises"),
        sent["customer"]["new"],
        "a new customer's field the card sends is dropped"
    );
}
