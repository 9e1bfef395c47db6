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
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::NotFound | ErrorCode::UnknownPortal => 404,
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
            | ErrorCode::Rejected => 422,
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
        match self.code() {
            ErrorCode::Internal => {
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

impl From<crate::hubspot::HubSpotError> for AppError {
    fn from(e: crate::hubspot::HubSpotError) -> Self {
        use crate::hubspot::HubSpotError;
        match e {
            HubSpotError::Throttled { .. } => AppError::Throttled(e.to_string()),
            other => AppError::Upstream {
                service: "HubSpot",
                detail: other.to_string(),
            },
        }
    }
}

impl From<crate::domain::draft::DraftError> for AppError {
    fn from(e: crate::domain::draft::DraftError) -> Self {
        use crate::domain::draft::DraftError;
        let code = match e {
            DraftError::TaxCodeRequired { .. } => ErrorCode::TaxCodeRequired,
            DraftError::NoLines => ErrorCode::NoLineItems,
            _ => ErrorCode::BadRequest,
        };
        AppError::refused(code, e.to_string())
    }
}
