//! The account's behaviour settings (W4, W5, B4): `GET /settings` reads them, `PUT` replaces them, and
//! `GET /settings/income-accounts?realmId=` lists a company's income accounts to choose from.

use lambda_http::{Body, Request, Response};
use shared::documents::company::Company;
use shared::documents::items::income_accounts;
use shared::http::{self, VerifiedCaller};
use shared::installs::Install;
use shared::settings::Settings;
use shared::{App, AppError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsCall {
    Read,
    Replace,
    IncomeAccounts,
}

/// Settings belong to an installed account; one that never installed the app has none to read or write.
pub async fn serve(
    app: &App,
    req: &Request,
    caller: VerifiedCaller,
    call: SettingsCall,
) -> Result<Response<Body>, AppError> {
    let portal_id = caller.portal_id;
    Install::require(&app.store, portal_id, caller.now.timestamp()).await?;
    match call {
        SettingsCall::Read => Ok(http::json(
            200,
            &Settings::load(&app.store, portal_id).await?,
        )),
        SettingsCall::Replace => {
            let settings = Settings::from_request(http::body_bytes(req)?)?;
            settings.save_checked(app, portal_id).await?;
            Ok(http::json(200, &settings))
        }
        SettingsCall::IncomeAccounts => {
            let realm_id = http::required_param(req, "realmId")?;
            let company = Company::open(app, portal_id, &realm_id).await?;
            let accounts: Vec<_> = income_accounts(app, &company)
                .await?
                .into_iter()
                .map(|a| serde_json::json!({ "id": a.id, "name": a.name }))
                .collect();
            Ok(http::json(
                200,
                &serde_json::json!({ "accounts": accounts }),
            ))
        }
    }
}
