//! HubSpot OAuth (hubspot-api.md §1): the consent redirect (`/oauth/authorize`, `/oauth/{accountId}/authorize`),
//! the token endpoints (`/oauth/{v1,v3,2026-03,2026-09}/token`, form body with client id and secret,
//! authorization_code and refresh_token grants; the answer carries `hub_id` and the granted `scopes`),
//! introspect (the SPEC's `token` field and the docs' `access_token`/`refresh_token`) and revoke.

use crate::errors::{not_found, validation};
use crate::scopes;
use crate::state::{Grant, Sim, ACCESS_TTL_S};
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sim_kit::Shared;
use std::collections::HashMap;

const TOKEN_VERSIONS: &[&str] = &["v1", "v3", "2026-03", "2026-09"];
/// Introspect and revoke exist from v3 on.
const V3_VERSIONS: &[&str] = &["v3", "2026-03", "2026-09"];
/// The installing user and the app, as introspect reports them.
const USER_ID: u64 = 7;
const USER: &str = "jane@example.com";
const APP_ID: u64 = 54321;

fn token_value(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

/// RFC 6749 error with HubSpot's `status` and `message` (hubspot-api.md §1).
fn oauth_error(error: &str, status: &str, message: &str) -> Response {
    let body =
        json!({"error": error, "error_description": message, "status": status, "message": message});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// The form's client credentials are the app's.
fn client_ok(form: &HashMap<String, String>) -> Result<(), Response> {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    if get("client_id") == crate::CLIENT_ID && get("client_secret") == crate::CLIENT_SECRET {
        return Ok(());
    }
    Err(oauth_error(
        "invalid_client",
        "BAD_CLIENT_ID",
        "The client id or secret is invalid",
    ))
}

fn words(s: Option<&String>) -> impl Iterator<Item = String> + '_ {
    s.into_iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_string)
}

/// Simulated consent: the user approves every required and optional scope, unless `/_sim/consent` says deny;
/// a scope name HubSpot does not define is refused with 400 (no redirect).
pub async fn authorize(
    State(sim): State<Shared<Sim>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    let get = |k: &str| q.get(k).map_or("", String::as_str);
    if get("client_id") != crate::CLIENT_ID || get("scope").trim().is_empty() {
        return validation("invalid client_id or missing scope");
    }
    let Ok(mut target) = url::Url::parse(get("redirect_uri")) else {
        return validation("invalid redirect_uri");
    };
    // HubSpot's consent screen stops at a name it does not define, required or optional, and redirects
    // nowhere: "Couldn't complete the connection. An invalid scope name was provided."
    let unknown: Vec<String> = words(q.get("scope"))
        .chain(words(q.get("optional_scope")))
        .filter(|s| !scopes::is_known(s))
        .collect();
    if !unknown.is_empty() {
        return validation(&format!(
            "Couldn't complete the connection. An invalid scope name was provided ({}). Please contact the app developer.",
            unknown.join(" ")
        ));
    }
    if sim.consent_denied {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", get("state"));
    } else {
        let mut scopes: Vec<String> = words(q.get("scope"))
            .chain(words(q.get("optional_scope")))
            .collect();
        scopes.sort();
        scopes.dedup();
        let code = token_value("code");
        sim.codes.insert(
            code.clone(),
            Grant {
                redirect_uri: get("redirect_uri").to_string(),
                scopes,
            },
        );
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", get("state"));
    }
    (StatusCode::FOUND, [(LOCATION, target.to_string())]).into_response()
}

pub async fn token(
    State(sim): State<Shared<Sim>>,
    Path(version): Path<String>,
    body: String,
) -> Response {
    if !TOKEN_VERSIONS.contains(&version.as_str()) {
        return not_found();
    }
    let mut sim = sim.lock().expect("sim lock");
    let form = form(&body);
    if let Err(e) = client_ok(&form) {
        return e;
    }
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    let (refresh, scopes) = match get("grant_type") {
        "authorization_code" => match sim.codes.remove(get("code")) {
            Some(grant) if grant.redirect_uri == get("redirect_uri") => {
                let refresh = token_value("na1-refresh");
                sim.refresh_tokens
                    .insert(refresh.clone(), grant.scopes.clone());
                (refresh, grant.scopes)
            }
            _ => {
                return oauth_error(
                    "invalid_grant",
                    "BAD_AUTH_CODE",
                    "missing or unknown auth code",
                )
            }
        },
        "refresh_token" => match sim.refresh_tokens.get(get("refresh_token")) {
            Some(scopes) => (get("refresh_token").to_string(), scopes.clone()),
            None => {
                return oauth_error(
                    "invalid_grant",
                    "BAD_REFRESH_TOKEN",
                    "refresh token is invalid, expired or revoked",
                )
            }
        },
        _ => {
            return oauth_error(
                "unsupported_grant_type",
                "BAD_GRANT_TYPE",
                "grant_type is not supported",
            )
        }
    };
    let access = sim.issue_access(scopes.clone());
    Json(json!({
        "token_type": "bearer",
        "refresh_token": refresh,
        "access_token": access,
        "hub_id": sim.seed.portal_id,
        "user_id": USER_ID,
        "scopes": scopes,
        "expires_in": ACCESS_TTL_S,
        "token_use": "access_token",
    }))
    .into_response()
}

/// The token a form names: the SPEC's `token`, or the docs' `access_token` / `refresh_token` (§1 mismatch).
fn named_token(form: &HashMap<String, String>) -> &str {
    ["token", "access_token", "refresh_token"]
        .iter()
        .filter_map(|k| form.get(*k))
        .find(|t| !t.is_empty())
        .map_or("", String::as_str)
}

pub async fn introspect(
    State(sim): State<Shared<Sim>>,
    Path(version): Path<String>,
    body: String,
) -> Response {
    if !V3_VERSIONS.contains(&version.as_str()) {
        return not_found();
    }
    let sim = sim.lock().expect("sim lock");
    let form = form(&body);
    if let Err(e) = client_ok(&form) {
        return e;
    }
    let token = named_token(&form);
    let now = sim.now();
    let (use_, scopes, expires_in) =
        if let Some(a) = sim.access_tokens.get(token).filter(|a| a.expires_at > now) {
            (
                "access_token",
                &a.scopes,
                (a.expires_at - now).num_seconds(),
            )
        } else if let Some(scopes) = sim.refresh_tokens.get(token) {
            ("refresh_token", scopes, 0)
        } else {
            return Json(json!({"active": false})).into_response();
        };
    Json(json!({
        "active": true, "token": token, "hub_id": sim.seed.portal_id, "user_id": USER_ID,
        "client_id": crate::CLIENT_ID, "app_id": APP_ID, "user": USER,
        "hub_domain": format!("demo-{}.hubspot.com", sim.seed.portal_id), "scopes": scopes,
        "signed_access_token": {"hubId": sim.seed.portal_id, "appId": APP_ID, "userId": USER_ID},
        "expires_in": expires_in, "is_private_distribution": false,
        "token_use": use_, "token_type": "Bearer",
    }))
    .into_response()
}

/// `POST …/token/revoke`: the refresh (or access) token stops working.
pub async fn revoke(
    State(sim): State<Shared<Sim>>,
    Path(version): Path<String>,
    body: String,
) -> Response {
    if !V3_VERSIONS.contains(&version.as_str()) {
        return not_found();
    }
    let mut sim = sim.lock().expect("sim lock");
    let form = form(&body);
    if let Err(e) = client_ok(&form) {
        return e;
    }
    let token = named_token(&form).to_string();
    sim.refresh_tokens.remove(&token);
    sim.access_tokens.remove(&token);
    StatusCode::NO_CONTENT.into_response()
}
