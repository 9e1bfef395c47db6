//! The invoice card's backend: JSON routes under `/card/` for the React app card (API.md beside this
//! crate), every one called through `hubspot.fetch` and verified with `X-HubSpot-Signature-v3`, except the
//! PDF link, which carries its own signature.

use chrono::{NaiveDate, Utc};
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use shared::connections::company_summaries;
use shared::documents::card::{self, CardCreate, DocRef, InvoiceSearch, Source};
use shared::documents::links::{Record, RecordType};
use shared::documents::preview;
use shared::http::{self, Found, Route, Routes, VerifiedCaller};
use shared::ids::QboId;
use shared::quickbooks::entities::DocType;
use shared::{outbound, App, AppError};
use std::time::Duration;

/// How long a card request may spend waiting out the APIs' rate limits: well inside the card's fetch
/// timeout and the function's 29 s, so a rep gets a slow answer rather than a 429 in a busy portal.
const THROTTLE_BUDGET: Duration = Duration::from_secs(20);

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    // Boxed: the routes' futures are large, and a debug build's 2 MiB test threads overflow holding them.
    let routed = Box::pin(route(app, &req));
    http::respond(&req, outbound::within(THROTTLE_BUDGET, routed)).await
}

/// What serves a card path: the PDF link, which carries its own signature (preview.rs), or a route of the
/// card's API, called through `hubspot.fetch` and signed by HubSpot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Card {
    Pdf,
    Api(Api),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    Companies,
    Record,
    Draft,
    Customers,
    Items,
    Create,
    Send,
    SearchInvoices,
    Link,
    Preview,
}

static ROUTES: Routes<Card> = Routes::new(&[
    Route::get("/card/pdf", Card::Pdf),
    Route::get("/card/companies", Card::Api(Api::Companies)),
    Route::get(
        "/card/records/{objectType}/{objectId}",
        Card::Api(Api::Record),
    ),
    Route::get("/card/draft", Card::Api(Api::Draft)),
    Route::get("/card/customers", Card::Api(Api::Customers)),
    Route::get("/card/items", Card::Api(Api::Items)),
    Route::post("/card/documents", Card::Api(Api::Create)),
    Route::post("/card/documents/send", Card::Api(Api::Send)),
    Route::get("/card/invoices/search", Card::Api(Api::SearchInvoices)),
    Route::post("/card/links", Card::Api(Api::Link)),
    Route::get("/card/preview", Card::Api(Api::Preview)),
]);

async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let api = match ROUTES.resolve(req) {
        Ok(Found {
            handler: Card::Pdf, ..
        }) => return pdf(app, req, Utc::now().timestamp()).await,
        Err(miss) if miss.path_handler() == Some(Card::Pdf) => return Ok(miss.answer()),
        Ok(Found {
            handler: Card::Api(api),
            params,
        }) => Ok((api, params)),
        Err(miss) => Err(miss),
    };
    // Verified before a 404 or 405: an unsigned caller learns nothing, not even which paths exist.
    let caller = VerifiedCaller::of_fetch(app, req)?;
    let (api, params) = match api {
        Ok(found) => found,
        Err(miss) => return Ok(miss.answer()),
    };
    let (portal_id, now) = (caller.portal_id, caller.now);
    match api {
        Api::Companies => {
            let companies = company_summaries(&app.store, portal_id, now.timestamp()).await?;
            ok(&serde_json::json!({ "companies": companies }))
        }
        Api::Record => {
            let record = Record::new(
                RecordType::parse_card(params.get("objectType")?)?,
                params.get("objectId")?,
            )?;
            let force = http::query_param(req, "refresh").is_some_and(|v| v == "1" || v == "true");
            ok(&card::record_documents(app, portal_id, &record, force).await?)
        }
        Api::Draft => {
            let record = record_from_query(req)?;
            let source = match http::query_param(req, "source").as_deref() {
                None | Some("deal") | Some("record") => Source::Record,
                Some("quote") => Source::Quote(http::required_param(req, "quoteId")?),
                Some(other) => {
                    return Err(AppError::BadRequest(format!(
                        "source must be deal or quote, not {other:?}"
                    )))
                }
            };
            let realm = http::required_param(req, "realmId")?;
            ok(&card::draft_proposal(app, portal_id, &realm, &record, source).await?)
        }
        Api::Customers => {
            let realm = http::required_param(req, "realmId")?;
            let q = http::query_param(req, "q").unwrap_or_default();
            let customers = card::search_customers(app, portal_id, &realm, &q).await?;
            ok(&serde_json::json!({ "customers": customers }))
        }
        Api::Items => {
            let realm = http::required_param(req, "realmId")?;
            let q = http::query_param(req, "q").unwrap_or_default();
            let items = card::search_items(app, portal_id, &realm, &q).await?;
            ok(&serde_json::json!({ "items": items }))
        }
        Api::Create => {
            let create: CardCreate = http::json_body(req)?;
            let (fresh, document) = card::create_from_card(app, portal_id, create).await?;
            Ok(http::json(
                if fresh { 201 } else { 200 },
                &serde_json::json!({ "document": document }),
            ))
        }
        Api::Send => {
            let send: SendRequest = http::json_body(req)?;
            let record = match (&send.object_type, &send.object_id) {
                (Some(t), Some(id)) => Some(Record::new(RecordType::parse_card(t)?, id)?),
                (None, None) => None,
                _ => {
                    return Err(AppError::BadRequest(
                        "send objectType and objectId together".into(),
                    ))
                }
            };
            let document = card::send_invoice(
                app,
                portal_id,
                &send.realm_id,
                &send.id,
                send.send_to.as_deref(),
                record.as_ref(),
                send.idempotency_key.as_deref(),
            )
            .await?;
            ok(&serde_json::json!({ "document": document }))
        }
        Api::SearchInvoices => {
            let realm = http::required_param(req, "realmId")?;
            let search = InvoiceSearch {
                number: http::query_param(req, "number"),
                customer: http::query_param(req, "customer"),
                from: date_param(req, "from")?,
                to: date_param(req, "to")?,
            };
            let invoices = card::search_invoices(app, portal_id, &realm, &search).await?;
            ok(&serde_json::json!({ "invoices": invoices }))
        }
        Api::Link => {
            let link: LinkRequest = http::json_body(req)?;
            let record = Record::new(RecordType::parse_card(&link.object_type)?, &link.object_id)?;
            ok(
                &card::link_existing(app, portal_id, &link.realm_id, &record, &link.documents)
                    .await?,
            )
        }
        Api::Preview => {
            let realm = http::required_param(req, "realmId")?;
            let id = http::required_param(req, "id")?;
            let doc_type: DocType =
                serde_json::from_value(serde_json::json!(http::required_param(req, "type")?))
                    .map_err(|_| {
                        AppError::BadRequest(
                            "type must be invoice, estimate or sales_receipt".into(),
                        )
                    })?;
            let id = QboId::parse(&id)?;
            let token = preview::sign(
                &app.credentials.hubspot_client_secret,
                portal_id,
                &realm,
                doc_type,
                &id,
                now.timestamp(),
            );
            let url = format!(
                "{}/card/pdf?t={token}",
                http::public_base(&app.config, req)?
            );
            ok(&serde_json::json!({ "url": url, "expiresInSeconds": preview::LINK_TTL_S }))
        }
    }
}

fn ok<T: serde::Serialize>(value: &T) -> Result<Response<Body>, AppError> {
    Ok(http::json(200, value))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendRequest {
    realm_id: String,
    id: QboId,
    #[serde(default)]
    send_to: Option<String>,
    /// The record the card shows the invoice on, so its snapshot and the deal follow at once.
    #[serde(default)]
    object_type: Option<String>,
    #[serde(default)]
    object_id: Option<String>,
    /// The card's key for this send, the same on its retries after a lost answer.
    #[serde(default)]
    idempotency_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LinkRequest {
    realm_id: String,
    object_type: String,
    object_id: String,
    documents: Vec<DocRef>,
}

fn record_from_query(req: &Request) -> Result<Record, AppError> {
    Record::new(
        RecordType::parse_card(&http::required_param(req, "objectType")?)?,
        &http::required_param(req, "objectId")?,
    )
}

fn date_param(req: &Request, name: &str) -> Result<Option<NaiveDate>, AppError> {
    http::query_param(req, name)
        .filter(|v| !v.is_empty())
        .map(|v| {
            NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
                AppError::BadRequest(format!("{name} must be a date (YYYY-MM-DD), not {v:?}"))
            })
        })
        .transpose()
}

async fn pdf(app: &App, req: &Request, now: i64) -> Result<Response<Body>, AppError> {
    let token = http::required_param(req, "t")?;
    let bytes = preview::pdf(app, &token, now).await?;
    Response::builder()
        .status(200)
        .header("content-type", "application/pdf")
        .header("content-disposition", "inline; filename=\"document.pdf\"")
        .header("cache-control", "private, no-store")
        .body(Body::Binary(bytes))
        .map_err(|e| AppError::BadRequest(e.to_string()))
}
