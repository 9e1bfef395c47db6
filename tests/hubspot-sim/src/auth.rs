//! Who may call: a bearer access token that exists and has not expired on the simulated clock (401
//! `INVALID_AUTHENTICATION` / `EXPIRED_AUTHENTICATION`), holding one of the scopes the operation lists in the
//! SPEC's security section (`scopes`) (403 `MISSING_SCOPES`, hubspot-api.md §6).

use crate::errors::{error, error_with};
use crate::scopes;
use crate::state::Sim;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

/// The scopes that let a call through: any one of them.
pub struct Needs(pub Vec<String>);

impl Needs {
    pub fn scope(scope: &str) -> Self {
        Self(vec![scope.to_string()])
    }

    pub fn object(object: &str, write: bool) -> Self {
        Self(scopes::object(object, write))
    }

    pub fn schema(object: &str, write: bool) -> Self {
        match write {
            true => Self(scopes::schema_write(object)),
            false => Self(scopes::schema_read()),
        }
    }

    /// Single-record association paths also take `oauth`; batch paths do not.
    pub fn associations(single_record: bool) -> Self {
        Self(scopes::associations(single_record))
    }
}

pub fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map_or("", str::trim)
}

/// Why the call is refused, if it is.
pub fn check(sim: &Sim, headers: &HeaderMap, needs: &Needs) -> Result<(), Response> {
    let Some(token) = sim.access_tokens.get(bearer(headers)) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
        ));
    };
    if token.expires_at <= sim.now() {
        let minutes = (sim.now() - token.expires_at).num_minutes();
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "EXPIRED_AUTHENTICATION",
            &format!("The OAuth token used to make this call expired {minutes} minute(s) ago."),
        ));
    }
    if needs.0.iter().any(|n| token.scopes.contains(n)) {
        return Ok(());
    }
    Err(error_with(
        StatusCode::FORBIDDEN,
        "MISSING_SCOPES",
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        json!({
            "errors": [{"message": "One or more of the following scopes are required.",
                        "context": {"requiredGranularScopes": needs.0}}],
            "links": {"scopes": "https://developers.hubspot.com/scopes"},
        }),
    ))
}
