//! `hubspot-call`: send a request to our endpoints exactly as HubSpot would, e.g. against the local stack:
//!
//! ```text
//! hubspot-call fetch GET http://127.0.0.1:3000/card/companies --portal 62515 --secret test-hubspot-client-secret
//! hubspot-call action http://127.0.0.1:3000/actions/invoice --portal 62515 --object DEAL:401 \
//!     --inputs '{"realmId":"9130357766900011"}' --secret test-hubspot-client-secret
//! ```

use hubspot_sim::{ActionExecution, HubSpotCaller};

fn usage() -> Box<dyn std::error::Error> {
    "usage: hubspot-call fetch METHOD URL [--body JSON] | action URL --object TYPE:ID [--inputs JSON]; \
     both take --portal N --secret CLIENT_SECRET"
        .into()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let secret = flag("--secret").ok_or_else(usage)?;
    let portal: u64 = flag("--portal").ok_or_else(usage)?.parse()?;
    let caller = HubSpotCaller::new(&secret, portal);
    let sent = match args.first().map(String::as_str) {
        Some("fetch") => {
            let (method, url) = (
                args.get(1).ok_or_else(usage)?,
                args.get(2).ok_or_else(usage)?,
            );
            let body = flag("--body")
                .map(|b| serde_json::from_str(&b))
                .transpose()?;
            caller.fetch(method, url, body.as_ref()).await?
        }
        Some("action") => {
            let url = args.get(1).ok_or_else(usage)?;
            let object = flag("--object").ok_or_else(usage)?;
            let (kind, id) = object.split_once(':').ok_or_else(usage)?;
            let inputs = serde_json::from_str(&flag("--inputs").unwrap_or_else(|| "{}".into()))?;
            caller
                .execute(
                    url,
                    &ActionExecution::new(portal, kind, id.parse()?, inputs),
                )
                .await?
        }
        _ => return Err(usage()),
    };
    println!(
        "HTTP {} after {} attempt(s)\n{}",
        sent.status, sent.attempts, sent.body
    );
    Ok(())
}
