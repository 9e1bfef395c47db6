//! Account details (`GET /account-info/{v3,date-version}/details`, scope `oauth`): the portal's id, company
//! currency and time zone, as `PortalInformationResponse` in the SPEC.

use crate::auth::{self, Needs};
use crate::errors::not_found;
use crate::request::{version_known, Params};
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sim_kit::Shared;

pub async fn details(
    State(sim): State<Shared<Sim>>,
    p: Option<Path<Params>>,
    headers: HeaderMap,
) -> Response {
    if !version_known(&p.map(|Path(p)| p).unwrap_or_default()) {
        return not_found();
    }
    let sim = sim.lock().expect("sim lock");
    if let Err(e) = auth::check(&sim, &headers, &Needs::scope("oauth")) {
        return e;
    }
    let offset_ms = sim.seed.utc_offset_minutes * 60_000;
    let sign = if offset_ms < 0 { '-' } else { '+' };
    let minutes = sim.seed.utc_offset_minutes.abs();
    Json(json!({
        "portalId": sim.seed.portal_id,
        "accountType": "STANDARD",
        "timeZone": sim.seed.time_zone,
        "companyCurrency": sim.seed.company_currency,
        "additionalCurrencies": sim.seed.additional_currencies,
        "utcOffset": format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60),
        "utcOffsetMilliseconds": offset_ms,
        "uiDomain": "app.hubspot.com",
        "dataHostingLocation": "na1",
    }))
    .into_response()
}
