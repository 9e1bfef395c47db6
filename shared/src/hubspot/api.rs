//! The HubSpot APIs we call with an install's access token (hubspot-api.md §5, §6).

use crate::error::{AppError, ErrorCode};
use crate::outbound::{Outbound, Repeat, Reply};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use thiserror::Error;
use url::Url;

const SERVICE: &str = "HubSpot";

#[derive(Debug, Error)]
pub enum HubSpotError {
    #[error("HubSpot refused the access token; reinstall the app if this persists")]
    Unauthorized,
    #[error("HubSpot is rate-limiting this account ({policy}); try again shortly")]
    Throttled { policy: String },
    #[error("HubSpot answered {status} ({category}): {message}")]
    Api {
        status: u16,
        category: String,
        message: String,
    },
    #[error("HubSpot answered {status} with an unreadable body: {snippet}")]
    Garbled { status: u16, snippet: String },
    #[error("HubSpot's pages of {what} did not end after {pages} pages")]
    EndlessPaging { what: String, pages: usize },
    #[error(transparent)]
    Transport(#[from] crate::outbound::OutboundError),
}

impl HubSpotError {
    /// HubSpot's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            HubSpotError::Unauthorized => Some(401),
            HubSpotError::Throttled { .. } => Some(429),
            HubSpotError::Api { status, .. } | HubSpotError::Garbled { status, .. } => {
                Some(*status)
            }
            HubSpotError::EndlessPaging { .. } | HubSpotError::Transport(_) => None,
        }
    }

    /// Whether the same call may succeed later, the one classification every caller goes by (hubspot-api.md
    /// §6): throttling (429), HubSpot's own failures (5xx), calls that never got a whole answer (timeouts,
    /// connection failures, a success cut off), and the two statuses HubSpot documents as "wait, then
    /// retry": 423 (a record locked for about 2 s) and 477 (migration in progress). Everything else (400,
    /// 401, 403, 404, 409, …, and pages that never end) answers the same on every retry: final.
    pub fn is_transient(&self) -> bool {
        if let HubSpotError::EndlessPaging { .. } = self {
            return false;
        }
        match self.status() {
            None => true,
            Some(status) => status < 400 || matches!(status, 423 | 429 | 477) || status >= 500,
        }
    }
}

/// HubSpot's answers as the admin reads them: transient ones are retried (503 to a workflow, so HubSpot
/// redelivers), final ones get a code of their own and a plain message; HubSpot's own text is logged only.
impl From<HubSpotError> for AppError {
    fn from(e: HubSpotError) -> Self {
        if let HubSpotError::Throttled { .. } = e {
            return AppError::Throttled(e.to_string());
        }
        if e.is_transient() {
            return AppError::upstream(SERVICE, e);
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

/// The error body (hubspot-api.md §6); every field is optional in practice.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ErrorBody {
    message: String,
    category: String,
    policy_name: String,
}

pub struct HubSpotApi<'a> {
    pub http: &'a Outbound,
    pub base: &'a Url,
    pub access_token: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetails {
    pub portal_id: u64,
    pub company_currency: String,
}

/// A deal property this integration writes (I11), created at install.
pub struct PropertySpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub field_type: &'static str,
}

pub const PROPERTY_GROUP: &str = "quickbooks";

pub const DEAL_PROPERTIES: &[PropertySpec] = &[
    PropertySpec {
        name: "qbo_invoice_amount",
        label: "QuickBooks invoice amount",
        kind: "number",
        field_type: "number",
    },
    PropertySpec {
        name: "qbo_invoice_balance",
        label: "QuickBooks invoice balance",
        kind: "number",
        field_type: "number",
    },
    PropertySpec {
        name: "qbo_invoice_recipient",
        label: "QuickBooks invoice recipient",
        kind: "string",
        field_type: "text",
    },
    PropertySpec {
        name: "qbo_invoice_number",
        label: "QuickBooks invoice number",
        kind: "string",
        field_type: "text",
    },
    PropertySpec {
        name: "qbo_invoice_status",
        label: "QuickBooks invoice status",
        kind: "string",
        field_type: "text",
    },
    PropertySpec {
        name: "qbo_invoice_due_date",
        label: "QuickBooks invoice due date",
        kind: "date",
        field_type: "date",
    },
    PropertySpec {
        name: "qbo_invoice_currency",
        label: "QuickBooks invoice currency",
        kind: "string",
        field_type: "text",
    },
    PropertySpec {
        name: "qbo_invoice_id",
        label: "QuickBooks invoice id",
        kind: "string",
        field_type: "text",
    },
    PropertySpec {
        name: "qbo_realm_id",
        label: "QuickBooks company id",
        kind: "string",
        field_type: "text",
    },
    PropertySpec {
        name: "qbo_invoice_link",
        label: "QuickBooks invoice link",
        kind: "string",
        field_type: "text",
    },
    // All the deal's invoices together (deposit and balance invoices, B9).
    PropertySpec {
        name: "qbo_invoiced_total",
        label: "QuickBooks amount invoiced (all invoices)",
        kind: "number",
        field_type: "number",
    },
    PropertySpec {
        name: "qbo_invoiced_balance",
        label: "QuickBooks balance due (all invoices)",
        kind: "number",
        field_type: "number",
    },
];

impl HubSpotApi<'_> {
    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, HubSpotError> {
        let mut url = self.base.clone();
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        url.set_path(path);
        url.set_query((!query.is_empty()).then_some(query));
        let repeat = if method == Method::GET {
            Repeat::Safe
        } else {
            Repeat::Once
        };
        let reply = self
            .http
            .send(SERVICE, repeat, |c| {
                let req = c
                    .request(method.clone(), url.clone())
                    .bearer_auth(self.access_token)
                    .header("accept", "application/json");
                match body {
                    Some(b) => req.json(b),
                    None => req,
                }
            })
            .await?;
        Ok(reply)
    }

    pub(super) async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, HubSpotError> {
        let reply = self.call(method, path, body).await?;
        check(&reply)?;
        serde_json::from_slice(&reply.body).map_err(|_| garbled(&reply))
    }

    pub async fn account_details(&self) -> Result<AccountDetails, HubSpotError> {
        self.json(Method::GET, "/account-info/v3/details", None)
            .await
    }

    /// Creates our property group and deal properties; ones that exist already (a reinstall) are fine.
    pub async fn ensure_deal_properties(&self) -> Result<(), HubSpotError> {
        let group = serde_json::json!({ "name": PROPERTY_GROUP, "label": "QuickBooks", "displayOrder": -1 });
        self.create_unless_exists("/crm/v3/properties/deals/groups", &group)
            .await?;
        for p in DEAL_PROPERTIES {
            let body = serde_json::json!({
                "name": p.name, "label": p.label, "type": p.kind, "fieldType": p.field_type,
                "groupName": PROPERTY_GROUP,
                "description": "Written by the QuickBooks integration from the deal's linked invoices.",
            });
            self.create_unless_exists("/crm/v3/properties/deals", &body)
                .await?;
        }
        Ok(())
    }

    pub(super) async fn create_unless_exists(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(), HubSpotError> {
        let reply = self.call(Method::POST, path, Some(body)).await?;
        if reply.status.as_u16() == 409 {
            return Ok(());
        }
        check(&reply)
    }
}

pub(super) fn check(reply: &Reply) -> Result<(), HubSpotError> {
    let status = reply.status.as_u16();
    if reply.status.is_success() {
        return Ok(());
    }
    let body: ErrorBody = serde_json::from_slice(&reply.body).map_err(|_| garbled(reply))?;
    Err(match status {
        401 => HubSpotError::Unauthorized,
        429 => HubSpotError::Throttled {
            policy: body.policy_name,
        },
        _ => HubSpotError::Api {
            status,
            category: body.category,
            message: body.message,
        },
    })
}

pub(super) fn garbled(reply: &Reply) -> HubSpotError {
    HubSpotError::Garbled {
        status: reply.status.as_u16(),
        snippet: reply.snippet(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> HubSpotError {
        HubSpotError::Api {
            status,
            category: String::new(),
            message: String::new(),
        }
    }

    #[test]
    fn only_throttling_hubspot_failures_and_lost_answers_are_transient() {
        for transient in [api(423), api(477), api(500), api(502), api(504), api(524)] {
            assert!(transient.is_transient(), "{transient}");
        }
        let throttled = HubSpotError::Throttled {
            policy: "TEN_SECONDLY_ROLLING".into(),
        };
        let timeout = HubSpotError::Transport(crate::outbound::OutboundError::Timeout {
            service: SERVICE,
            secs: 10,
        });
        let cut_off = HubSpotError::Garbled {
            status: 200,
            snippet: "{\"resu".into(),
        };
        assert!(throttled.is_transient() && timeout.is_transient() && cut_off.is_transient());
        for last in [api(400), api(403), api(404), api(409), api(414)] {
            assert!(!last.is_transient(), "{last}");
        }
        assert!(!HubSpotError::Unauthorized.is_transient());
        let html_404 = HubSpotError::Garbled {
            status: 404,
            snippet: "<html>".into(),
        };
        assert!(!html_404.is_transient());
    }
}
