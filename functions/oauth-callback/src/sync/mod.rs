//! The sync's settings and health API (SYNC_API.md, S1–S4 switches and S6): per QuickBooks company, the
//! switches, behaviours and field mappings of each object, the fields a mapping may use, a resync, the
//! sync's health and its failed records with a retry. Every call names the company as `realmId`; a
//! company whose grant died still answers its settings and health (that is when an admin looks).

mod properties;
mod wire;

use lambda_http::{Body, Request, Response};
use shared::connections::{Connection, Status};
use shared::domain::mapping::{defaults, Mapping};
use shared::http::{self, VerifiedCaller};
use shared::ids::RealmId;
use shared::installs::Install;
use shared::store::keys;
use shared::sync::failures::{Failures, PageError};
use shared::sync::fields::quickbooks_fields;
use shared::sync::health::assess;
use shared::sync::idmap::IdMap;
use shared::sync::resync::Resyncs;
use shared::sync::settings::{ObjectSettings, SyncSettings};
use shared::sync::validate::checked;
use shared::sync::{Job, JobQueue, SyncObject};
use shared::{App, AppError, ErrorCode};
use std::collections::BTreeMap;
use wire::{FailureView, HealthView, RetryBody, SaveBody, SettingsView, MAX_MAPPINGS};

/// Failed records per page of `GET /sync/failures`.
const PAGE: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncCall {
    ReadSettings,
    SaveSettings,
    Reset,
    Fields,
    Resync,
    Health,
    Failures,
    Retry,
}

/// The company a call is about: connected to the calling portal (a disconnected one is gone for it).
struct Company {
    portal_id: u64,
    realm_id: RealmId,
    connection: Connection,
}

async fn company(app: &App, req: &Request, caller: &VerifiedCaller) -> Result<Company, AppError> {
    let portal_id = caller.portal_id;
    let now = caller.now.timestamp();
    Install::require(&app.store, portal_id, now).await?;
    let realm_id: RealmId = http::required_param(req, "realmId")?.parse()?;
    http::record_realm(realm_id.as_str());
    let connection: Option<Connection> = app
        .store
        .get(&keys::connection(portal_id.into(), &realm_id), now)
        .await?;
    match connection {
        Some(connection) if connection.status != Status::Disconnected => Ok(Company {
            portal_id,
            realm_id,
            connection,
        }),
        _ => Err(AppError::NotFound(format!(
            "QuickBooks company {realm_id} is not connected to this HubSpot account"
        ))),
    }
}

fn object_param(req: &Request) -> Result<SyncObject, AppError> {
    let raw = http::required_param(req, "object")?;
    parse_object(&raw)
}

fn parse_object(raw: &str) -> Result<SyncObject, AppError> {
    serde_json::from_value(serde_json::Value::String(raw.to_string())).map_err(|_| {
        AppError::BadRequest(format!(
            "object must be contacts, products or invoices, not \"{raw}\""
        ))
    })
}

fn queued() -> Response<Body> {
    http::json(202, &serde_json::json!({ "queued": true }))
}

pub async fn serve(
    app: &App,
    queue: Option<&dyn JobQueue>,
    req: &Request,
    caller: VerifiedCaller,
    call: SyncCall,
) -> Result<Response<Body>, AppError> {
    let c = company(app, req, &caller).await?;
    let realm = c.realm_id.as_str();
    match call {
        SyncCall::ReadSettings => {
            let settings = SyncSettings::load(&app.store, c.portal_id, &c.realm_id).await?;
            Ok(http::json(200, &SettingsView::of(realm, &settings)))
        }
        SyncCall::SaveSettings => {
            let body: SaveBody = http::json_body(req)?;
            let settings = save(app, &c, body).await?;
            Ok(http::json(200, &SettingsView::of(realm, &settings)))
        }
        SyncCall::Reset => {
            let object = object_param(req)?;
            let mut settings = SyncSettings::load(&app.store, c.portal_id, &c.realm_id).await?;
            let read = settings.version;
            let mut reset = settings.of(object);
            reset.mappings = defaults(object);
            settings.objects.insert(object, reset);
            if !settings
                .save_over(&app.store, c.portal_id, &c.realm_id, read)
                .await?
            {
                return Err(conflict());
            }
            Ok(http::json(200, &SettingsView::of(realm, &settings)))
        }
        SyncCall::Fields => {
            let object = object_param(req)?;
            let hubspot = properties::of(app, c.portal_id, object).await?;
            Ok(http::json(
                200,
                &serde_json::json!({
                    "object": object,
                    "quickbooks": quickbooks_fields(object),
                    "hubspot": hubspot,
                }),
            ))
        }
        SyncCall::Resync => {
            let object = object_param(req)?;
            can_run(&c)?;
            let settings = SyncSettings::load(&app.store, c.portal_id, &c.realm_id).await?;
            if !settings.of(object).enabled {
                return Err(AppError::Conflict(format!(
                    "the {} sync of this company is switched off; switch it on first",
                    object.hubspot_object()
                )));
            }
            Resyncs {
                store: &app.store,
                portal_id: c.portal_id,
                realm_id: &c.realm_id,
            }
            .request(object)
            .await?;
            enqueue(queue, &c, Some(object)).await?;
            Ok(queued())
        }
        SyncCall::Health => health(app, &c).await,
        SyncCall::Failures => failures(app, req, &c).await,
        SyncCall::Retry => {
            let body: RetryBody = http::json_body(req)?;
            can_run(&c)?;
            let object = match (body.object, body.qbo_id) {
                (None, None) => None,
                (Some(object), Some(qbo_id)) => {
                    if failures_of(app, &c).find(object, &qbo_id).await?.is_none() {
                        return Err(AppError::NotFound(format!(
                            "QuickBooks record {qbo_id} has no failure to retry (it may have been applied since)"
                        )));
                    }
                    Some(object)
                }
                _ => return Err(AppError::BadRequest(
                    "send both object and qboId to retry one record, or {} to retry every failure"
                        .into(),
                )),
            };
            enqueue(queue, &c, object).await?;
            Ok(queued())
        }
    }
}

fn conflict() -> AppError {
    AppError::Conflict(
        "someone else saved this company's sync settings meanwhile; reload them and make your change again"
            .into(),
    )
}

/// A run of a company whose grant died would stop at once; the admin must reconnect it first.
fn can_run(c: &Company) -> Result<(), AppError> {
    match c.connection.status {
        Status::ReconnectNeeded => Err(AppError::reconnect_needed()),
        _ => Ok(()),
    }
}

async fn enqueue(
    queue: Option<&dyn JobQueue>,
    c: &Company,
    object: Option<SyncObject>,
) -> Result<(), AppError> {
    let queue = queue
        .ok_or_else(|| AppError::internal("the sync queue", "SYNC_QUEUE_URL is not configured"))?;
    let job = Job {
        portal_id: c.portal_id,
        realm_id: c.realm_id.clone(),
        objects: object.map(|o| vec![o]),
        changed_at: None,
    };
    queue
        .send(&[job], 0)
        .await
        .map_err(|e| AppError::internal("the sync queue", e))
}

/// Validates every object's mappings, then writes the whole document in one conditional write.
async fn save(app: &App, c: &Company, body: SaveBody) -> Result<SyncSettings, AppError> {
    let stored = SyncSettings::load(&app.store, c.portal_id, &c.realm_id).await?;
    if stored.version != body.version {
        return Err(conflict());
    }
    let mut next = SyncSettings {
        objects: BTreeMap::new(),
        version: body.version,
    };
    for object in SyncObject::ALL {
        let sent = body.objects.get(object);
        if sent.mappings.len() > MAX_MAPPINGS {
            return Err(AppError::BadRequest(format!(
                "{} has {} mappings; at most {MAX_MAPPINGS} are kept",
                object.hubspot_object(),
                sent.mappings.len()
            )));
        }
        let mappings: Vec<Mapping> = sent.mappings.iter().map(Mapping::from).collect();
        let properties = properties::of(app, c.portal_id, object).await?;
        let mappings = checked(object, &mappings, &properties)
            .map_err(|r| AppError::refused(ErrorCode::InvalidMapping, r.to_string()))?;
        next.objects.insert(
            object,
            ObjectSettings {
                enabled: sent.enabled,
                on_change: sent.on_change,
                on_delete: sent.on_delete,
                mappings,
            },
        );
    }
    if !next
        .save_over(&app.store, c.portal_id, &c.realm_id, body.version)
        .await?
    {
        return Err(conflict());
    }
    Ok(next)
}

fn failures_of<'a>(app: &'a App, c: &'a Company) -> Failures<'a> {
    Failures {
        store: &app.store,
        portal_id: c.portal_id,
        realm_id: &c.realm_id,
    }
}

async fn health(app: &App, c: &Company) -> Result<Response<Body>, AppError> {
    let settings = SyncSettings::load(&app.store, c.portal_id, &c.realm_id).await?;
    let now = chrono::Utc::now();
    let assessed = assess(
        &app.store,
        &c.connection,
        &settings.enabled(),
        app.config.sync_stale_after,
        now,
    )
    .await?;
    let mut failed: BTreeMap<SyncObject, usize> = BTreeMap::new();
    for f in failures_of(app, c).list().await? {
        *failed.entry(f.object).or_default() += 1;
    }
    Ok(http::json(
        200,
        &HealthView::of(c.realm_id.as_str(), &assessed, &failed),
    ))
}

async fn failures(app: &App, req: &Request, c: &Company) -> Result<Response<Body>, AppError> {
    let object = http::query_param(req, "object")
        .filter(|o| !o.is_empty())
        .map(|o| parse_object(&o))
        .transpose()?;
    let after = http::query_param(req, "after").filter(|a| !a.is_empty());
    let page = failures_of(app, c)
        .page(object, after.as_deref(), PAGE)
        .await
        .map_err(|e| match e {
            PageError::BadToken => AppError::BadRequest(e.to_string()),
            PageError::Store(e) => e.into(),
        })?;
    let ids = IdMap {
        store: &app.store,
        portal_id: c.portal_id,
        realm_id: &c.realm_id,
    };
    let mut hubspot_ids = BTreeMap::new();
    for o in SyncObject::ALL {
        let of_object: Vec<&str> = page
            .items
            .iter()
            .filter(|f| f.object == o)
            .map(|f| f.qbo_id.as_str())
            .collect();
        if !of_object.is_empty() {
            hubspot_ids.insert(o, ids.find(o, &of_object).await?);
        }
    }
    let listed: Vec<FailureView> = page
        .items
        .iter()
        .map(|f| {
            let hubspot = hubspot_ids
                .get(&f.object)
                .and_then(|found| found.get(&f.qbo_id))
                .cloned();
            FailureView::of(f, hubspot)
        })
        .collect();
    Ok(http::json(
        200,
        &serde_json::json!({ "failures": listed, "next": page.next }),
    ))
}
