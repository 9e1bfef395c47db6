//! HubSpot OAuth (hubspot-api.md §1): consent redirect, and the token endpoints (`/oauth/v1/token`,
//! `/oauth/v3/token`, `/oauth/2026-03/token`; form body with client id and secret; the answer carries `hub_id`).

use crate::state::Sim;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use sim_kit::Shared;
use std::collections::HashMap;

const VERSIONS: &[&str] = &["v1", "v3", "2026-03", "2026-09"];

fn token_value(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

fn oauth_error(error: &str, status: &str, message: &str) -> Response {
    let body =
        json!({"error": error, "error_description": message, "status": status, "message": message});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

pub async fn authorize(
    State(sim): State<Shared<Sim>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != crate::CLIENT_ID || get("scope").is_empty() {
        return crate::state::error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "invalid client_id or missing scope",
        );
    }
    let Ok(mut target) = url::Url::parse(get("redirect_uri")) else {
        return crate::state::error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "invalid redirect_uri",
        );
    };
    if sim.consent_denied {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", get("state"));
    } else {
        let code = token_value("code");
        sim.codes
            .insert(code.clone(), get("redirect_uri").to_string());
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", get("state"));
    }
    Redirect::to(target.as_str()).into_response()
}

pub async fn token(
    State(sim): State<Shared<Sim>>,
    Path(version): Path<String>,
    body: String,
) -> Response {
    if !VERSIONS.contains(&version.as_str()) {
        return crate::api::not_found();
    }
    let mut sim = sim.lock().expect("sim lock");
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != crate::CLIENT_ID || get("client_secret") != crate::CLIENT_SECRET {
        return oauth_error(
            "invalid_client",
            "BAD_CLIENT_ID",
            "The client id or secret is invalid",
        );
    }
    let refresh = match get("grant_type") {
        "authorization_code" => match sim.codes.remove(get("code")) {
            Some(redirect) if redirect == get("redirect_uri") => {
                let refresh = token_value("na1-refresh");
                sim.refresh_tokens.insert(refresh.clone(), true);
                refresh
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
            Some(true) => get("refresh_token").to_string(),
            _ => {
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
    let access = sim.issue_access();
    Json(json!({
        "token_type": "bearer",
        "refresh_token": refresh,
        "access_token": access,
        "hub_id": sim.seed.portal_id,
        "scopes": ["oauth", "crm.objects.deals.read"],
        "expires_in": crate::state::ACCESS_TTL_S,
        "token_use": "access_token",
    }))
    .into_response()
}

#[derive(Deserialize)]
pub struct Consent {
    #[serde(default)]
    deny: bool,
}

/// Whether the next consent screens decline.
pub async fn consent(State(sim): State<Shared<Sim>>, Json(c): Json<Consent>) -> StatusCode {
    sim.lock().expect("sim lock").consent_denied = c.deny;
    StatusCode::NO_CONTENT
}

/// `POST /oauth/v3/token/introspect`: accepts the SPEC's `token` and the docs' `access_token` /
/// `refresh_token` field (hubspot-api.md §1 notes the mismatch).
pub async fn introspect(State(sim): State<Shared<Sim>>, body: String) -> Response {
    let sim = sim.lock().expect("sim lock");
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != crate::CLIENT_ID || get("client_secret") != crate::CLIENT_SECRET {
        return oauth_error(
            "invalid_client",
            "BAD_CLIENT_ID",
            "The client id or secret is invalid",
        );
    }
    let token = ["token", "access_token", "refresh_token"]
        .iter()
        .map(|k| get(k))
        .find(|t| !t.is_empty())
        .unwrap_or("");
    let base = json!({"token": token, "hub_id": sim.seed.portal_id, "client_id": crate::CLIENT_ID, "app_id": 54321,
        "user_id": 7, "scopes": ["oauth"], "token_type": "Bearer", "is_private_distribution": false});
    let mut answer = base;
    if let Some(access) = sim
        .access_tokens
        .get(token)
        .filter(|a| a.expires_at > sim.now())
    {
        answer["active"] = json!(true);
        answer["token_use"] = json!("access_token");
        answer["expires_in"] = json!((access.expires_at - sim.now()).num_seconds());
    } else if sim.refresh_tokens.get(token) == Some(&true) {
        answer["active"] = json!(true);
        answer["token_use"] = json!("refresh_token");
    } else {
        return Json(json!({"active": false})).into_response();
    }
    Json(answer).into_response()
}

/// Replaces the portal and its records with a new seed.
pub async fn seed(
    State(sim): State<Shared<Sim>>,
    Json(seed): Json<crate::state::Seed>,
) -> StatusCode {
    *sim.lock().expect("sim lock") = Sim::new(seed);
    StatusCode::NO_CONTENT
}
