//! Every error the simulated Intuit services answer with, in the documented shapes (quickbooks-api.md §8):
//! the `Fault` envelope (also inside batch items), the lower-case `fault` of the authentication gateway,
//! and the XML throttle fault that QuickBooks sends even to JSON clients.

use crate::clock::Moment;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

const BUSINESS: &str = "A business validation error has occurred while processing your request";
const REQUIRED: &str = "Required param missing, need to supply the required value for the API";

/// One `ValidationFault` error: HTTP status, Intuit code, message, detail.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: &'static str,
    pub detail: String,
}

impl Fault {
    fn new(code: &'static str, message: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message,
            detail: detail.into(),
        }
    }

    /// `{"Fault": …}` without `time`, as a batch item carries it.
    pub fn body(&self) -> Value {
        json!({"Fault": {
            "Error": [{"Message": self.message, "Detail": self.detail, "code": self.code, "element": ""}],
            "type": "ValidationFault",
        }})
    }

    /// The whole answer: the fault and the company's `time`.
    pub fn envelope(&self, at: &Moment) -> Value {
        let mut body = self.body();
        body["time"] = json!(at.time());
        body
    }

    pub fn response(&self, at: &Moment) -> Response {
        (self.status, Json(self.envelope(at))).into_response()
    }

    pub fn not_found(entity: &str, id: &str) -> Self {
        Self::new(
            "610",
            "Object Not Found",
            format!("Object Not Found : Something you're trying to use has been made inactive or deleted. ({entity} {id})"),
        )
    }

    pub fn inactive(entity: &str, id: &str) -> Self {
        Self::new(
            "610",
            "Object Not Found",
            format!("Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. ({entity} {id})"),
        )
    }

    pub fn invalid_reference(entity: &str, id: &str) -> Self {
        Self::new(
            "2500",
            "Invalid Reference Id",
            format!("Invalid Reference Id : {entity} {id} not found"),
        )
    }

    pub fn required(param: &str) -> Self {
        Self::new(
            "2020",
            REQUIRED,
            format!("Required parameter {param} is missing in the request"),
        )
    }

    pub fn invalid_enumeration(field: &str, value: &str) -> Self {
        Self::new(
            "2170",
            "Invalid Enumeration",
            format!("Invalid Enumeration : {value} is not a valid {field}"),
        )
    }

    /// The catch-all 6000; the detail says which rule.
    pub fn business(detail: impl Into<String>) -> Self {
        Self::new("6000", BUSINESS, detail)
    }

    /// A line without a tax code in a non-US company. QuickBooks names the country's tax, so the wording
    /// differs by country; only the documented wordings are simulated (the UK's "VAT rate",
    /// quickbooks-api.md §10; Canada's "GST/HST rate", issue 10 item 13, as Intuit partners' help pages
    /// quote it). Elsewhere the simulator refuses rather than invent QuickBooks' words.
    pub fn tax_rate_missing(country: &str) -> Self {
        let tax = match country {
            "GB" | "GBR" => "VAT",
            "CA" | "CAN" => "GST/HST",
            other => {
                return Self::unsupported(format!(
                    "QuickBooks' wording for a line without a tax code in a company of {other} is not simulated; send a TaxCodeRef on every line"
                ))
            }
        };
        Self::business(format!(
            "Business Validation Error: Make sure all your transactions have a {tax} rate before you save."
        ))
    }

    /// A number the write would compute beyond what can be stored (the document number after
    /// 18446744073709551615, a quantity times a price that overflows, a total beyond every bound): refused,
    /// never wrapped. QuickBooks' own code for it is not documented; 6000 is its catch-all (§8).
    pub fn out_of_range(what: impl std::fmt::Display) -> Self {
        Self::business(format!("Business Validation Error: {what} is out of range"))
    }

    pub fn no_name() -> Self {
        Self::new(
            "6080",
            "No Name Provided",
            "Please provide a DisplayName, or a Title, GivenName, MiddleName, FamilyName or Suffix",
        )
    }

    /// 6240; the detail names the list that holds the name (`customer, vendor or employee`, or
    /// `product or service`), as QuickBooks words it for each.
    pub fn duplicate_name(holders: &str, name: &str) -> Self {
        Self::new(
            "6240",
            "Duplicate Name Exists Error",
            format!("The name supplied already exists. : Another {holders} is already using this name ({name}). Please use a different name."),
        )
    }

    pub fn duplicate_doc_number(number: &str) -> Self {
        Self::new(
            "6140",
            "Duplicate Document Number Error",
            format!("Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber={number}"),
        )
    }

    pub fn amount_mismatch(amount: &str, price: &str, qty: &str) -> Self {
        Self::new(
            "6070",
            "Amount is not equal to UnitPrice * Qty",
            format!("Amount is not equal to UnitPrice * Qty. Supplied value:{amount}, UnitPrice {price} * Qty {qty}"),
        )
    }

    pub fn stale(entity: &str, sent: Option<&str>) -> Self {
        Self::new(
            "5010",
            "Stale Object Error",
            format!("Stale Object Error : You and another user were working on the same thing ({entity}). Please try again. SyncToken {} is not the current one", sent.unwrap_or("(none)")),
        )
    }

    pub fn unsupported(detail: impl Into<String>) -> Self {
        Self::new("500", "Unsupported Operation", detail)
    }

    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(
            "2010",
            "Request has invalid or unsupported property",
            detail,
        )
    }

    /// Query syntax QuickBooks cannot parse (ruckus/quickbooks-ruby#403, node-quickbooks#56).
    pub fn query_parse(detail: impl std::fmt::Display) -> Self {
        Self::new(
            "4000",
            "Error parsing query",
            format!("QueryParserError: {detail}"),
        )
    }

    /// A parsed query naming what does not exist or cannot be filtered (ruckus/quickbooks-ruby#403, #628).
    pub fn query_invalid(detail: impl std::fmt::Display) -> Self {
        Self::new(
            "4001",
            "Invalid query",
            format!("QueryValidationError: {detail}"),
        )
    }

    pub fn batch_size(sent: usize, max: usize) -> Self {
        Self::new(
            "1040",
            "Batch size exceeds allowed limit",
            format!("A batch holds 1 to {max} items; {sent} were sent"),
        )
    }
}

/// The gateway's answer to an expired, revoked or unknown access token: 401 with lower-case keys.
pub fn authentication() -> Response {
    gateway(
        StatusCode::UNAUTHORIZED,
        "AUTHENTICATION",
        "3200",
        "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "Token expired or invalid: refresh the access token",
    )
}

/// A valid token used on a company it was not issued for. Same lower-case gateway shape as 3200
/// (inferred: the reference gives the code, 3100 / 403, not the body).
pub fn foreign_company() -> Response {
    gateway(
        StatusCode::FORBIDDEN,
        "AUTHORIZATION",
        "3100",
        "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
        "The access token was not issued for this company",
    )
}

fn gateway(status: StatusCode, kind: &str, code: &str, message: &str, detail: &str) -> Response {
    let body = json!({"fault": {
        "error": [{"message": message, "detail": detail, "code": code}],
        "type": kind,
    }});
    (status, Json(body)).into_response()
}

/// 429 with the XML `Fault` code 3001, whatever the client accepts.
pub fn throttled(at: &Moment) -> Response {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="{}"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>"#,
        at.time()
    );
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("content-type", "application/xml")],
        body,
    )
        .into_response()
}
