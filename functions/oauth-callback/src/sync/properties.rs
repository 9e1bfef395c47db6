//! An account's HubSpot property definitions per object, cached in the table for ten minutes
//! (`PROPS#{object}`, TTL): the mapping table asks for them on every tab it opens and every save checks
//! against them, and HubSpot's properties API is a call that counts against the account's limit.

use serde::{Deserialize, Serialize};
use shared::documents::company::HubSpot;
use shared::hubspot::properties::PropertyDef;
use shared::store::{keys, Extras, Put};
use shared::sync::SyncObject;
use shared::{App, AppError};

const KEEP_SECS: i64 = 600;

#[derive(Serialize, Deserialize)]
struct Cached {
    properties: Vec<PropertyDef>,
}

pub async fn of(
    app: &App,
    portal_id: u64,
    object: SyncObject,
) -> Result<Vec<PropertyDef>, AppError> {
    let key = keys::hubspot_properties(portal_id.into(), object.hubspot_object());
    let now = chrono::Utc::now().timestamp();
    if let Some(hit) = app.store.get::<Cached>(&key, now).await? {
        return Ok(hit.properties);
    }
    let hubspot = HubSpot::open(app, portal_id).await?;
    let properties = hubspot.api(app).properties(object.hubspot_object()).await?;
    let cached = Cached { properties };
    let extras = Extras {
        gsi1: None,
        expires_at: Some(now + KEEP_SECS),
    };
    // A list too large for one item (400 KB) is simply read from HubSpot every time.
    if let Err(e) = app
        .store
        .put(&key, &cached, &extras, Put::Always, now)
        .await
    {
        tracing::warn!(error = %e, "HubSpot properties not cached");
    }
    Ok(cached.properties)
}
