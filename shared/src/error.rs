//! The errors every feature can end in, each with a stable code and the HTTP status a handler answers with.
//! Messages say what failed and what to do; they never contain a token or a secret.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Stable, machine-readable codes. The card and the workflow-action definitions map them to readable text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    /// A parameter HubSpot appends to a signed URL (`portalId`, …) appears more than once.
    DuplicateParameter,
    UnknownPortal,
    /// A QuickBooks company's grant is dead; the user must reconnect it.
    ReconnectNeeded,
    /// Another process is busy with the same thing; try again in a moment.
    Busy,
    Conflict,
    Upstream,
    Internal,
    /// QuickBooks is throttling the company; nothing was written, try again in a minute.
    Throttled,
    // Business refusals the user (or the workflow's owner) can act on; each is final for that request.
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
    // Input refusals with their own code, so a workflow's history says which input to correct.
    /// A quantity, price or amount beyond what QuickBooks can be sent (domain/money.rs).
    AmountOutOfRange,
    /// A control character in text bound for QuickBooks (domain/text.rs).
    InvalidText,
    /// A workflow's "days until due" that is not a whole number of days from 0 to 3650.
    InvalidDaysUntilDue,
    /// HubSpot answered 401/403: the app's authorization is revoked or lacks a scope; reinstalling fixes it.
    #[serde(rename = "hubspot_access_denied")]
    HubSpotAccessDenied,
    /// HubSpot answered 404: a record (or one it is associated with) is gone.
    #[serde(rename = "hubspot_not_found")]
    HubSpotNotFound,
    /// Any other final HubSpot answer (400, 409, …).
    #[serde(rename = "hubspot_rejected")]
    HubSpotRejected,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest
            | ErrorCode::DuplicateParameter
            | ErrorCode::AmountOutOfRange
            | ErrorCode::InvalidText
            | ErrorCode::InvalidDaysUntilDue => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::NotFound | ErrorCode::UnknownPortal | ErrorCode::HubSpotNotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict | ErrorCode::ReconnectNeeded => 409,
            ErrorCode::Busy => 503,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Upstream => 502,
            ErrorCode::Internal => 500,
            ErrorCode::Throttled => 429,
            ErrorCode::DuplicateDocNumber => 409,
            ErrorCode::TaxCodeRequired
            | ErrorCode::CustomerMissingEmail
            | ErrorCode::ItemNotFound
            | ErrorCode::ItemNotMatched
            | ErrorCode::CustomerNotFound
            | ErrorCode::NoContact
            | ErrorCode::NoLineItems
            | ErrorCode::PaidInvoiceTaxable
            | ErrorCode::QuoteNotUsable
            | ErrorCode::Rejected
            | ErrorCode::HubSpotAccessDenied
            | ErrorCode::HubSpotRejected => 422,
        }
    }

    /// Worth trying again later with the same input: nothing was decided.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::Busy | ErrorCode::Throttled | ErrorCode::Upstream | ErrorCode::Internal
        )
    }
}

#[derive(Debug, Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed: {0}")]
    MethodNotAllowed(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("HubSpot account {0} has not installed this app; install it first")]
    UnknownPortal(u64),
    #[error("{0}")]
    Conflict(String),
    #[error("{service} failed: {detail}")]
    Upstream {
        service: &'static str,
        detail: String,
    },
    #[error("{0}")]
    ReconnectNeeded(String),
    #[error("{0}")]
    Busy(String),
    #[error("{0}")]
    Throttled(String),
    /// A refusal with its own code (tax code required, item not matched, …).
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    #[error("storage failed: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("token vault failed: {0}")]
    Vault(#[from] crate::vault::VaultError),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Unauthorized(_) => ErrorCode::Unauthorized,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            AppError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            AppError::UnknownPortal(_) => ErrorCode::UnknownPortal,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::ReconnectNeeded(_) => ErrorCode::ReconnectNeeded,
            AppError::Busy(_) => ErrorCode::Busy,
            AppError::Throttled(_) => ErrorCode::Throttled,
            AppError::Refused { code, .. } => *code,
            AppError::Upstream { .. } => ErrorCode::Upstream,
            AppError::Store(_) | AppError::Vault(_) => ErrorCode::Internal,
        }
    }

    /// The text shown to the caller. Internal failures are logged in full but answered generically, so AWS
    /// error details never leak to a browser.
    pub fn public_message(&self) -> String {
        match self {
            // The detail can carry an internal URL, a `requestid` or the upstream's own answer: logged only.
            AppError::Upstream { service, .. } => format!(
                "{service} could not be reached or gave an answer that could not be read; it has been logged, try again shortly"
            ),
            _ if self.code() == ErrorCode::Internal => {
                "an internal error occurred; it has been logged, try again shortly".into()
            }
            _ => self.to_string(),
        }
    }
}

const RECONNECT: &str =
    "QuickBooks refused this company's authorization (revoked or expired); reconnect it in the app settings";

/// What a feature answers when it cannot get a token: the user can act on every one of these.
impl From<crate::tokens::TokenError> for AppError {
    fn from(e: crate::tokens::TokenError) -> Self {
        use crate::tokens::TokenError;
        match e {
            TokenError::ReconnectNeeded(_) => AppError::ReconnectNeeded(RECONNECT.into()),
            TokenError::NotConnected(_) => {
                AppError::NotFound("this company is not connected; connect it in the app settings".into())
            }
            TokenError::Busy(_) => AppError::Busy("another request is renewing this company's authorization; try again in a few seconds".into()),
            TokenError::OAuth(e) => AppError::Upstream { service: "OAuth", detail: e.to_string() },
            TokenError::Vault(e) => AppError::Vault(e),
            TokenError::Store(e) => AppError::Store(e),
        }
    }
}

impl AppError {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            message: message.into(),
        }
    }
}

/// QuickBooks' answers as the user reads them; what each one means is decided in `quickbooks::fault`.
impl From<crate::quickbooks::QboError> for AppError {
    fn from(e: crate::quickbooks::QboError) -> Self {
        use crate::quickbooks::{FaultKind, QboError};
        let kind = e.kind();
        match e {
            QboError::Renewal(e) => e.into(),
            _ if kind == FaultKind::Throttled => AppError::Throttled(
                "QuickBooks is throttling this company; nothing was written, try again in a minute"
                    .into(),
            ),
            _ if kind == FaultKind::ReconnectNeeded => AppError::ReconnectNeeded(RECONNECT.into()),
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
            other => AppError::Upstream {
                service: "QuickBooks",
                detail: other.to_string(),
            },
        }
    }
}

/// HubSpot's answers as the admin reads them: transient ones are retried (503 to a workflow, so HubSpot
/// redelivers), final ones get a code of their own and a plain message; HubSpot's own text is logged only.
impl From<crate::hubspot::HubSpotError> for AppError {
    fn from(e: crate::hubspot::HubSpotError) -> Self {
        use crate::hubspot::HubSpotError;
        if let HubSpotError::Throttled { .. } = e {
            return AppError::Throttled(e.to_string());
        }
        if e.is_transient() {
            return AppError::Upstream {
                service: "HubSpot",
                detail: e.to_string(),
            };
        }
        tracing::warn!(error = %e, "HubSpot refused a call");
        let (code, message) = match e.status() {
            Some(401 | 403) => (
                ErrorCode::HubSpotAccessDenied,
                "HubSpot refused the app access to this account's records (the app's authorization was revoked or lacks a permission it needs); reinstall the app in HubSpot, then try again",
            ),
            Some(404) => (
                ErrorCode::HubSpotNotFound,
                "a HubSpot record this needs no longer exists (deleted or merged); check the record and its associations, then try again",
            ),
            _ => (
                ErrorCode::HubSpotRejected,
                "HubSpot turned down a request of the integration, and retrying will not change that; the integration's logs have HubSpot's reason",
            ),
        };
        AppError::refused(code, message)
    }
}

impl From<crate::domain::draft::DraftError> for AppError {
    fn from(e: crate::domain::draft::DraftError) -> Self {
        use crate::domain::draft::DraftError;
        let code = match e {
            DraftError::TaxCodeRequired { .. } => ErrorCode::TaxCodeRequired,
            DraftError::NoLines => ErrorCode::NoLineItems,
            DraftError::AmountOutOfRange { .. } | DraftError::TotalOutOfRange => {
                ErrorCode::AmountOutOfRange
            }
            DraftError::ControlCharacter { .. } => ErrorCode::InvalidText,
            _ => ErrorCode::BadRequest,
        };
        AppError::refused(code, e.to_string())
    }
}

impl From<crate::domain::pricing::OutOfRange> for AppError {
    fn from(e: crate::domain::pricing::OutOfRange) -> Self {
        AppError::refused(ErrorCode::AmountOutOfRange, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::OutboundError;
    use crate::quickbooks::QboError;

    /// What the caller is shown never carries an internal URL, a `requestid` or what the upstream answered.
    #[test]
    fn upstream_detail_is_logged_not_shown() {
        let url = "http://127.0.0.1:40111/v3/company/9130/invoice/131/send?minorversion=75&requestid=5f2c";
        let truncated = r#"{"Invoice":{"Id":"131","Line":[{"Amount":150.00,"Desc"#;
        for err in [
            AppError::from(QboError::Transport(OutboundError::Unreachable {
                service: "QuickBooks",
                detail: format!("builder error for url ({url})"),
            })),
            AppError::from(QboError::Garbled {
                status: 200,
                tid: "1-abc".into(),
                snippet: truncated.into(),
            }),
            AppError::from(crate::hubspot::HubSpotError::Api {
                status: 400,
                category: "VALIDATION_ERROR".into(),
                message: format!("Property values were not valid: see {url}"),
            }),
        ] {
            let shown = err.public_message();
            for leak in [
                "http://",
                "requestid",
                "127.0.0.1",
                truncated,
                "Property values",
            ] {
                assert!(!shown.contains(leak), "{shown:?} shows {leak:?}");
            }
            match err.code() {
                ErrorCode::Upstream => assert!(
                    err.to_string().contains("failed"),
                    "the log keeps the detail: {err}"
                ),
                // A final HubSpot refusal logs HubSpot's own text where it is converted (above).
                code => assert_eq!(code, ErrorCode::HubSpotRejected),
            }
        }
    }
}
