//! Intuit OAuth 2.0 (quickbooks-api.md §1): consent, token (Basic auth, form body, code and refresh grants,
//! refresh-token rotation), revoke.

use crate::state::Sim;
use crate::state::{token as new_token, Code};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use base64::Engine;
use chrono::Duration;
use serde_json::json;
use sim_kit::Shared;
use std::collections::HashMap;

/// About 101 days, as Intuit's fixtures show.
const REFRESH_TTL_S: i64 = 8_726_400;
const SCOPE: &str = "com.intuit.quickbooks.accounting";

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// The consent screen, simulated: it redirects at once with a code for the chosen company, or with
/// `error=access_denied` when set to decline.
pub async fn authorize(
    State(sim): State<Shared<Sim>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut sim = sim_kit::lock(&sim);
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != sim.client_id {
        return (StatusCode::BAD_REQUEST, "invalid client_id").into_response();
    }
    if get("response_type") != "code" || !get("scope").split(' ').any(|s| s == SCOPE) {
        return (
            StatusCode::BAD_REQUEST,
            "response_type must be code and scope must include accounting",
        )
            .into_response();
    }
    let Ok(mut target) = url::Url::parse(get("redirect_uri")) else {
        return (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response();
    };
    if sim.consent_denied {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", get("state"));
        return Redirect::to(target.as_str()).into_response();
    }
    let Some(realm_id) = sim.consent_realm() else {
        return (StatusCode::BAD_REQUEST, "no company to connect").into_response();
    };
    let code = new_token("AB11");
    let expires_at = sim.now() + Duration::minutes(5);
    sim.codes.insert(
        code.clone(),
        Code {
            realm_id: realm_id.clone(),
            redirect_uri: get("redirect_uri").into(),
            expires_at,
        },
    );
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", get("state"))
        .append_pair("realmId", &realm_id);
    Redirect::to(target.as_str()).into_response()
}

/// Checks `Authorization: Basic base64(client_id:client_secret)`.
fn client_ok(sim: &crate::state::Sim, headers: &HeaderMap) -> bool {
    let Some(basic) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let expected = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", sim.client_id, sim.client_secret));
    basic.trim() == expected
}

/// The token endpoint: `authorization_code` and `refresh_token` grants.
pub async fn token(State(sim): State<Shared<Sim>>, headers: HeaderMap, body: String) -> Response {
    let mut sim = sim_kit::lock(&sim);
    if !client_ok(&sim, &headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let now = sim.now();
    let (realm_id, refresh_token) = match get("grant_type") {
        "authorization_code" => {
            let Some(code) = sim.codes.remove(get("code")) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Incorrect Token type or clientID",
                );
            };
            if code.expires_at < now || code.redirect_uri != get("redirect_uri") {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Token invalid");
            }
            (code.realm_id, None)
        }
        "refresh_token" => {
            let presented = get("refresh_token").to_string();
            let rotation_age = sim.rotation_age;
            let Some(grant) = sim.grants.get_mut(&presented) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Incorrect or invalid refresh token",
                );
            };
            if grant.revoked
                || grant.rotated
                || now - grant.issued_at > Duration::seconds(REFRESH_TTL_S)
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Incorrect or invalid refresh token",
                );
            }
            let realm_id = grant.realm_id.clone();
            if now - grant.issued_at >= rotation_age {
                // Rotation: a new value, and the old one dies (quickbooks-api.md §1, refresh-token lifecycle).
                grant.rotated = true;
                (realm_id, None)
            } else {
                (realm_id, Some(presented))
            }
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type is not supported",
            )
        }
    };
    let (access, refresh_token) = match refresh_token {
        Some(kept) => (sim.issue_access(&realm_id, &kept), kept),
        None => sim.issue_tokens(&realm_id),
    };
    Json(json!({
        "access_token": access,
        "refresh_token": refresh_token,
        "token_type": "bearer",
        "expires_in": crate::ACCESS_TTL_S,
        "x_refresh_token_expires_in": REFRESH_TTL_S,
    }))
    .into_response()
}

/// Revokes a refresh token (and the access tokens from it) or one access token.
pub async fn revoke(State(sim): State<Shared<Sim>>, headers: HeaderMap, body: String) -> Response {
    let mut sim = sim_kit::lock(&sim);
    if !client_ok(&sim, &headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let Some(presented) = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("token").and_then(|t| t.as_str()).map(str::to_string))
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    if let Some(grant) = sim.grants.get_mut(&presented) {
        grant.revoked = true;
        sim.access_tokens
            .retain(|_, a| a.refresh_token != presented);
    } else {
        sim.access_tokens.remove(&presented);
    }
    StatusCode::OK.into_response()
}
