//! The errors every feature can end in, each with a stable code and the HTTP status a handler answers with.
//! Messages say what failed and what to do; they never contain a token or a secret.

//!
//! A leaf: every other layer's error converts itself into an [`AppError`] next to its own type (a `From`
//! impl beside `TokenError`, `QboError`, `HubSpotError`, …), so this module names none of them.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What an upstream or internal failure was caused by, kept whole so a log can walk its chain.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

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
    /// A sync field mapping the settings page sent that the sync cannot apply (SYNC_API.md).
    InvalidMapping,
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
            | ErrorCode::InvalidDaysUntilDue
            | ErrorCode::InvalidMapping => 400,
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
    /// HubSpot or Intuit could not be reached or answered what we cannot read. The cause can carry an
    /// internal URL, a `requestid` or the upstream's own answer: logged, never shown.
    #[error("{service} failed: {source}")]
    Upstream {
        service: &'static str,
        #[source]
        source: Cause,
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
    /// Our own infrastructure failed (`what`: storage, the token vault); logged in full, answered generically.
    #[error("{what} failed: {source}")]
    Internal {
        what: &'static str,
        #[source]
        source: Cause,
    },
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
            AppError::Internal { .. } => ErrorCode::Internal,
        }
    }

    /// The text shown to the caller. Internal failures are logged in full but answered generically, so AWS
    /// error details never leak to a browser.
    pub fn public_message(&self) -> String {
        match self {
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

impl AppError {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            message: message.into(),
        }
    }

    pub fn upstream(service: &'static str, source: impl Into<Cause>) -> Self {
        AppError::Upstream {
            service,
            source: source.into(),
        }
    }

    pub fn internal(what: &'static str, source: impl Into<Cause>) -> Self {
        AppError::Internal {
            what,
            source: source.into(),
        }
    }

    /// A QuickBooks company whose grant is dead, however that was found out (a refresh refused, or an API
    /// call answered "application authorization failed").
    pub fn reconnect_needed() -> Self {
        AppError::ReconnectNeeded(
            "QuickBooks refused this company's authorization (revoked or expired); reconnect it in the app settings"
                .into(),
        )
    }
}
