//! QuickBooks errors (quickbooks-api.md §8): the `Fault` envelope, the lower-case `fault` of auth failures,
//! and the XML throttle fault that comes even to JSON clients; and what each one means ([`QboError::kind`]),
//! decided here only, so that no caller reads codes or texts of its own.

use crate::error::{AppError, ErrorCode};
use crate::outbound::{OutboundError, Reply};
use crate::tokens::TokenError;
use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum QboError {
    /// 3200 and friends: the access token is expired or revoked.
    #[error("QuickBooks refused the access token ({0}); reconnect the company if this persists")]
    Unauthorized(String),
    #[error("QuickBooks is throttling this company (code 3001); try again in a minute")]
    Throttled,
    /// A business or validation fault, with Intuit's code (6240, 6140, 6000, 5010, ...).
    #[error("QuickBooks error {code}: {message}{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Fault {
        code: String,
        message: String,
        detail: Option<String>,
    },
    #[error("QuickBooks answered {status} with an unreadable body (intuit_tid {tid}): {snippet}")]
    Garbled {
        status: u16,
        tid: String,
        snippet: String,
    },
    #[error(transparent)]
    Transport(#[from] OutboundError),
    /// QuickBooks refused the access token and no new one could be had (a dead grant: reconnect).
    #[error(transparent)]
    Renewal(#[from] TokenError),
}

/// What a QuickBooks failure means to us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// 401 (3200): the access token was refused; a refreshed one may work.
    TokenRefused,
    /// The company's authorization is gone (403 3100 ApplicationAuthorizationFailed, 120 Authorization
    /// Failure, or a grant that could not be refreshed): only a reconnect helps (C4).
    ReconnectNeeded,
    /// 429 / 3001.
    Throttled,
    /// 6000 asking for a tax rate on every line (non-US companies), in whichever country's wording.
    TaxCodeRequired,
    /// 6140, or 6210 when it says "Duplicate" (the sources disagree on 6210, quickbooks-api.md §8).
    DuplicateDocNumber,
    /// 6240.
    DuplicateName,
    /// 610 / 2500 naming an item.
    ItemNotFound,
    /// 5010: someone changed the record since we read it.
    StaleObject,
    /// Any other 6000 business validation error.
    BusinessRule,
    /// Any other refusal.
    Rejected,
    /// No usable answer: the connection failed or the body was unreadable.
    Unavailable,
}

/// The sentence QuickBooks uses when a line lacks a tax code. Only the tax's name changes by country:
/// "a VAT rate" in the UK (quickbooks-api.md §10), "a GST/HST rate" in Canada (issue 10, item 13).
fn asks_for_a_tax_rate(said: &str) -> bool {
    let said = said.to_ascii_lowercase();
    said.contains("make sure all your transactions have a") && said.contains("rate before you save")
}

impl QboError {
    pub fn kind(&self) -> FaultKind {
        match self {
            QboError::Unauthorized(_) => FaultKind::TokenRefused,
            QboError::Throttled => FaultKind::Throttled,
            QboError::Garbled { .. } | QboError::Transport(_) => FaultKind::Unavailable,
            QboError::Renewal(TokenError::ReconnectNeeded(_)) => FaultKind::ReconnectNeeded,
            QboError::Renewal(_) => FaultKind::Unavailable,
            QboError::Fault {
                code,
                message,
                detail,
            } => {
                let said = format!("{message} {}", detail.as_deref().unwrap_or_default());
                match code.as_str() {
                    "3100" | "120" => FaultKind::ReconnectNeeded,
                    "6140" => FaultKind::DuplicateDocNumber,
                    "6210" if said.contains("Duplicate") => FaultKind::DuplicateDocNumber,
                    "6240" => FaultKind::DuplicateName,
                    "5010" => FaultKind::StaleObject,
                    "610" | "2500" if said.contains("Item") => FaultKind::ItemNotFound,
                    "6000" if asks_for_a_tax_rate(&said) => FaultKind::TaxCodeRequired,
                    "6000" => FaultKind::BusinessRule,
                    _ => FaultKind::Rejected,
                }
            }
        }
    }
}

/// QuickBooks' answers as the user reads them, by what [`QboError::kind`] says each one means.
impl From<QboError> for AppError {
    fn from(e: QboError) -> Self {
        let kind = e.kind();
        match e {
            QboError::Renewal(e) => e.into(),
            _ if kind == FaultKind::Throttled => AppError::Throttled(
                "QuickBooks is throttling this company; nothing was written, try again in a minute"
                    .into(),
            ),
            _ if kind == FaultKind::ReconnectNeeded => AppError::reconnect_needed(),
            QboError::Fault {
                message, detail, ..
            } => {
                let text = match detail.filter(|d| !d.is_empty()) {
                    Some(detail) => format!("{message}: {detail}"),
                    None => message,
                };
                let code = match kind {
                    FaultKind::DuplicateDocNumber => ErrorCode::DuplicateDocNumber,
                    FaultKind::TaxCodeRequired => ErrorCode::TaxCodeRequired,
                    FaultKind::ItemNotFound => ErrorCode::ItemNotFound,
                    FaultKind::StaleObject => ErrorCode::Conflict,
                    _ => ErrorCode::Rejected,
                };
                AppError::refused(code, format!("QuickBooks refused it: {text}"))
            }
            other => AppError::upstream("QuickBooks", other),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "Fault", alias = "fault")]
    fault: Option<FaultBody>,
}

#[derive(Debug, Deserialize)]
struct FaultBody {
    #[serde(rename = "Error", alias = "error", default)]
    errors: Vec<FaultError>,
}

#[derive(Debug, Deserialize)]
struct FaultError {
    #[serde(rename = "Message", alias = "message", default)]
    message: String,
    #[serde(rename = "Detail", alias = "detail", default)]
    detail: Option<String>,
    #[serde(default)]
    code: String,
}

/// The fault in a reply, if any (a 200 can carry one too).
pub fn fault_of(reply: &Reply) -> Option<QboError> {
    let status = reply.status.as_u16();
    if status == 429 || looks_like_xml_throttle(&reply.body) {
        return Some(QboError::Throttled);
    }
    let envelope: Option<Envelope> = serde_json::from_slice(&reply.body).ok();
    let first = envelope
        .and_then(|e| e.fault)
        .and_then(|f| f.errors.into_iter().next());
    match (status, first) {
        (401, Some(e)) => Some(QboError::Unauthorized(format!("code {}", e.code))),
        (401, None) => Some(QboError::Unauthorized("HTTP 401".into())),
        (_, Some(e)) => Some(QboError::Fault {
            code: e.code,
            message: e.message,
            detail: e.detail,
        }),
        (s, None) if !(200..300).contains(&s) => Some(garbled(reply)),
        _ => None,
    }
}

fn looks_like_xml_throttle(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
    text.trim_start().starts_with('<') && text.contains("3001")
}

pub fn garbled(reply: &Reply) -> QboError {
    QboError::Garbled {
        status: reply.status.as_u16(),
        tid: reply.header("intuit_tid").unwrap_or("-").to_string(),
        snippet: reply.snippet(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn fault(code: &str, message: &str, detail: &str) -> QboError {
        QboError::Fault {
            code: code.into(),
            message: message.into(),
            detail: Some(detail.into()),
        }
    }

    #[test]
    fn a_missing_tax_code_is_recognised_in_every_countrys_wording() {
        for detail in [
            "Business Validation Error: Make sure all your transactions have a VAT rate before you save.",
            "Business Validation Error: Make sure all your transactions have a GST/HST rate before you save.",
        ] {
            assert_eq!(
                fault("6000", "A business validation error has occurred while processing your request", detail).kind(),
                FaultKind::TaxCodeRequired,
                "{detail}"
            );
        }
        assert_eq!(
            fault(
                "6000",
                "Business Validation Error",
                "the invoice has no e-mail address"
            )
            .kind(),
            FaultKind::BusinessRule
        );
    }

    #[test]
    fn an_application_authorization_failure_needs_a_reconnect() {
        let body = r#"{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","detail":"","code":"3100"}],"type":"AUTHORIZATION"}}"#;
        let e = fault_of(&reply(403, body)).unwrap();
        assert_eq!(e.kind(), FaultKind::ReconnectNeeded);
        assert_eq!(
            QboError::Unauthorized("code 3200".into()).kind(),
            FaultKind::TokenRefused
        );
        assert_eq!(
            fault("6240", "Duplicate Name Exists Error", "").kind(),
            FaultKind::DuplicateName
        );
        assert_eq!(
            fault("6140", "Duplicate Document Number Error", "").kind(),
            FaultKind::DuplicateDocNumber
        );
        assert_eq!(
            fault("2500", "Invalid Reference Id", "Item 9 not found").kind(),
            FaultKind::ItemNotFound
        );
        assert_eq!(
            fault("5010", "Stale Object Error", "").kind(),
            FaultKind::StaleObject
        );
        assert_eq!(
            fault("2020", "Required param missing", "").kind(),
            FaultKind::Rejected
        );
    }

    #[test]
    fn reads_every_documented_fault_shape() {
        let validation = r#"{"Fault":{"Error":[{"Message":"Duplicate Name Exists Error","Detail":"The name supplied already exists.","code":"6240","element":""}],"type":"ValidationFault"},"time":"2017-09-29T09:17:31.892-07:00"}"#;
        assert!(
            matches!(fault_of(&reply(400, validation)), Some(QboError::Fault { code, .. }) if code == "6240")
        );
        let auth = r#"{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired","code":"3200"}],"type":"AUTHENTICATION"}}"#;
        assert!(
            matches!(fault_of(&reply(401, auth)), Some(QboError::Unauthorized(m)) if m.contains("3200"))
        );
        let throttle = r#"<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault>"#;
        assert!(matches!(
            fault_of(&reply(429, throttle)),
            Some(QboError::Throttled)
        ));
        assert!(matches!(
            fault_of(&reply(503, "<html>down</html>")),
            Some(QboError::Garbled { status: 503, .. })
        ));
        // A 200 can still carry a fault.
        assert!(fault_of(&reply(200, validation)).is_some());
        assert!(fault_of(&reply(200, r#"{"CompanyInfo":{}}"#)).is_none());
    }
}
