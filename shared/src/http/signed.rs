//! The one way in for a request HubSpot signed: its signature checked with the app's client secret over the
//! public URL the caller used, then the portal it comes from, read at one instant of the clock. A handler that
//! holds a [`VerifiedCaller`] can only have got it through here.

use super::{body_bytes, public_url, record_portal};
use crate::error::{AppError, ErrorCode};
use crate::verify::hubspot::{self, SignedHeaders};
use crate::verify::hubspot_v2::{self, LegacyHeaders};
use crate::App;
use chrono::{DateTime, Utc};
use lambda_http::Request;

/// The parameters `hubspot.fetch` appends to the URL it signs (hubspot-api.md §3b).
const HUBSPOT_APPENDED: [&str; 4] = ["userId", "portalId", "userEmail", "appId"];

/// Which of HubSpot's signatures a route accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// `X-HubSpot-Signature-v3` only: its timestamp lets a replay be refused.
    V3,
    /// A workflow execution: v3 when HubSpot sent one (a bad v3 is refused whatever else came with it);
    /// without, the legacy v2 `X-HubSpot-Signature` the custom-action guide still documents. v2 has no
    /// timestamp; an execution's `callbackId` makes a replay a no-op.
    V3OrV2,
}

/// A request whose signature checked out, and the time it was checked at; the portal is not known yet.
pub struct SignedRequest<'r> {
    req: &'r Request,
    now: DateTime<Utc>,
}

/// Who a verified request comes from, and the request's time: what every signed route works with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedCaller {
    pub portal_id: u64,
    pub now: DateTime<Utc>,
}

impl VerifiedCaller {
    /// A `hubspot.fetch` call (the card, the settings page): v3, and the portal HubSpot appended to the URL.
    pub fn of_fetch(app: &App, req: &Request) -> Result<Self, AppError> {
        SignedRequest::verify(app, req, Signature::V3)?.fetched()
    }
}

impl<'r> SignedRequest<'r> {
    /// Checks `signature` against the app's client secret, at the current time.
    pub fn verify(app: &App, req: &'r Request, signature: Signature) -> Result<Self, AppError> {
        let now = Utc::now();
        let secret = &app.credentials.hubspot_client_secret;
        let url = public_url(&app.config, req)?;
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let legacy = signature == Signature::V3OrV2
            && !req.headers().contains_key(hubspot::SIGNATURE_HEADER)
            && req.headers().contains_key(hubspot_v2::SIGNATURE_HEADER);
        if legacy {
            hubspot_v2::verify_v2(
                secret,
                req.method().as_str(),
                &url,
                body_bytes(req)?,
                LegacyHeaders {
                    signature: header(hubspot_v2::SIGNATURE_HEADER),
                    version: header(hubspot_v2::VERSION_HEADER),
                },
            )
            .map_err(|e| {
                AppError::Unauthorized(format!("HubSpot signature (v2) check failed: {e}"))
            })?;
        } else {
            hubspot::verify_v3(
                secret,
                req.method().as_str(),
                &url,
                body_bytes(req)?,
                SignedHeaders {
                    signature: header(hubspot::SIGNATURE_HEADER),
                    timestamp: header(hubspot::TIMESTAMP_HEADER),
                },
                now.timestamp_millis(),
            )
            .map_err(|e| AppError::Unauthorized(format!("HubSpot signature check failed: {e}")))?;
        }
        Ok(Self { req, now })
    }

    /// The portal of a signed `hubspot.fetch` call. HubSpot appends `portalId` to the URL the card asked for
    /// and signs the result, so a URL the card (or whoever steers it) chose can already carry a `portalId` of
    /// its own, and the signature covers both. A query that names any of HubSpot's parameters twice is refused
    /// outright; otherwise the portal is the last `portalId`, the one HubSpot appended.
    pub fn fetched(self) -> Result<VerifiedCaller, AppError> {
        let pairs: Vec<(String, String)> = self
            .req
            .uri()
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        for name in HUBSPOT_APPENDED {
            if pairs.iter().filter(|(k, _)| k == name).count() > 1 {
                return Err(AppError::refused(
                    ErrorCode::DuplicateParameter,
                    format!("the query names {name} more than once; HubSpot adds it itself, so a request must not carry its own"),
                ));
            }
        }
        let raw = pairs
            .into_iter()
            .rev()
            .find_map(|(k, v)| (k == "portalId").then_some(v))
            .ok_or_else(|| {
                AppError::BadRequest("the portalId query parameter is missing".into())
            })?;
        let portal_id = crate::ids::PortalId::parse(&raw)?.get();
        Ok(self.caller(portal_id))
    }

    /// The caller, when the signed body names its portal (a workflow action's `origin.portalId`).
    pub fn caller(self, portal_id: u64) -> VerifiedCaller {
        record_portal(portal_id);
        VerifiedCaller {
            portal_id,
            now: self.now,
        }
    }
}
