//! The card's list of a record's documents (I1, I2, I11): stale snapshots refreshed first, the deal brought
//! up to date, and the same answer after a create or a link.

use crate::connections::{installed_portal, CompanySummary, Connection};
use crate::documents::deal::bring_up_to_date;
use crate::documents::links::{Link, Record, RecordType};
use crate::documents::refresh::refresh;
use crate::documents::view::DocumentView;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The card's answer for a record.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordDocuments {
    pub companies: Vec<CompanySummary>,
    pub documents: Vec<DocumentView>,
    pub notices: Vec<String>,
}

fn views(
    links: &[Link],
    connections: &[Connection],
    currency: &str,
    now: DateTime<Utc>,
) -> Vec<DocumentView> {
    let mut views: Vec<DocumentView> = links
        .iter()
        .map(|l| {
            let connection = connections
                .iter()
                .find(|c| c.realm_id == l.snapshot.realm_id);
            DocumentView::of(
                &l.snapshot,
                connection.map_or(l.snapshot.realm_id.as_str(), |c| c.profile.name.as_str()),
                connection.map_or(crate::connections::Environment::Production, |c| {
                    c.environment
                }),
                currency,
                now,
            )
        })
        .collect();
    views.sort_by_key(|v| std::cmp::Reverse(v.updated_at));
    views
}

/// A record's documents, stale snapshots refreshed first (I1, I2); a deal's properties follow changes (I11).
pub async fn record_documents(
    app: &App,
    portal_id: u64,
    record: &Record,
    force: bool,
) -> Result<RecordDocuments, AppError> {
    let now = Utc::now();
    let (install, connections) = installed_portal(&app.store, portal_id, now.timestamp()).await?;
    let links = Link::list(&app.store, portal_id, record).await?;
    let refreshed = refresh(app, portal_id, links, now, force).await?;
    let current = Current {
        install,
        connections,
        links: refreshed.links,
        notices: refreshed.notices,
    };
    Ok(current
        .answer(app, portal_id, record, refreshed.changed, now)
        .await)
}

/// The record's list after a write (a create or a link), with the deal brought up to date.
pub(super) async fn after_write(
    app: &App,
    portal_id: u64,
    record: &Record,
) -> Result<RecordDocuments, AppError> {
    let now = Utc::now();
    let (install, connections) = installed_portal(&app.store, portal_id, now.timestamp()).await?;
    let links = Link::list(&app.store, portal_id, record).await?;
    let current = Current {
        install,
        connections,
        links,
        notices: Vec::new(),
    };
    Ok(current.answer(app, portal_id, record, true, now).await)
}

/// What a record's answer is made of.
struct Current {
    install: crate::installs::Install,
    connections: Vec<Connection>,
    links: Vec<Link>,
    notices: Vec<String>,
}

impl Current {
    /// Syncs a deal (`changed`: its documents' figures moved) and shapes the card's answer.
    async fn answer(
        mut self,
        app: &App,
        portal_id: u64,
        record: &Record,
        changed: bool,
        now: DateTime<Utc>,
    ) -> RecordDocuments {
        if record.object_type == RecordType::Deals {
            let deal_id = &record.object_id;
            // A failure is a notice for the user, not a failed request: the documents exist and the next
            // render tries again.
            if let Err(e) = bring_up_to_date(
                app,
                portal_id,
                deal_id,
                &self.links,
                &self.connections,
                changed,
            )
            .await
            {
                tracing::warn!(error = %e, %deal_id, "deal properties not updated");
                self.notices.push(format!(
                    "The deal was not fully updated from QuickBooks ({}); it will be on the next refresh",
                    e.public_message()
                ));
            }
        }
        // A company whose sync needs a person (reconnect, or stuck) is said on every card of the account.
        self.notices.extend(
            crate::sync::health::notices(
                &app.store,
                &self.connections,
                app.config.sync_stale_after,
                now,
            )
            .await,
        );
        RecordDocuments {
            companies: self.connections.iter().map(CompanySummary::from).collect(),
            documents: views(
                &self.links,
                &self.connections,
                &self.install.company_currency,
                now,
            ),
            notices: self.notices,
        }
    }
}
