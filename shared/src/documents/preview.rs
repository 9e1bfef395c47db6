//! Short-lived links to a document's PDF (I9). The browser opens them outside `hubspot.fetch`, so no
//! HubSpot signature comes along: the link carries its own HMAC over portal, company, document and expiry.

use super::company::Company;
use crate::quickbooks::entities::DocType;
use crate::{App, AppError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a preview link works.
pub const LINK_TTL_S: i64 = 300;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Claims {
    p: u64,
    r: String,
    t: DocType,
    i: String,
    exp: i64,
}

fn mac(secret: &str, payload: &str) -> Hmac<Sha256> {
    // A key of its own, derived from the app secret, so a link signature is never a valid request signature.
    let mut m = Hmac::<Sha256>::new_from_slice(format!("pdf-link:{secret}").as_bytes())
        .expect("HMAC takes any key length");
    m.update(payload.as_bytes());
    m
}

/// A token for `/card/pdf?t=…`, valid until `now + LINK_TTL_S`.
pub fn sign(
    secret: &str,
    portal_id: u64,
    realm_id: &str,
    doc_type: DocType,
    id: &str,
    now: i64,
) -> String {
    let claims = Claims {
        p: portal_id,
        r: realm_id.into(),
        t: doc_type,
        i: id.into(),
        exp: now + LINK_TTL_S,
    };
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("claims serialize"));
    let signature = URL_SAFE_NO_PAD.encode(mac(secret, &payload).finalize().into_bytes());
    format!("{payload}.{signature}")
}

fn verify(secret: &str, token: &str, now: i64) -> Result<Claims, AppError> {
    let forged = || {
        AppError::Unauthorized(
            "this preview link is not valid; open the preview from the card again".into(),
        )
    };
    let (payload, signature) = token.split_once('.').ok_or_else(forged)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| forged())?;
    mac(secret, payload)
        .verify_slice(&signature)
        .map_err(|_| forged())?;
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(forged)?;
    if claims.exp < now {
        return Err(AppError::Unauthorized(
            "this preview link has expired; open the preview from the card again".into(),
        ));
    }
    Ok(claims)
}

/// The PDF a valid link points to.
pub async fn pdf(app: &App, token: &str, now: i64) -> Result<Vec<u8>, AppError> {
    let claims = verify(&app.credentials.hubspot_client_secret, token, now)?;
    crate::http::record_portal(claims.p);
    let company = Company::open(app, claims.p, &claims.r).await?;
    Ok(company.api(app).pdf(claims.t.path(), &claims.i).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_verify_until_they_expire_and_never_when_altered() {
        let token = sign("s3cret", 62515, "9130", DocType::Invoice, "130", 1_000);
        let claims = verify("s3cret", &token, 1_000 + LINK_TTL_S).unwrap();
        assert_eq!((claims.p, claims.i.as_str()), (62515, "130"));
        assert!(verify("s3cret", &token, 1_001 + LINK_TTL_S).is_err());
        assert!(verify("other", &token, 1_000).is_err());
        let (payload, sig) = token.split_once('.').unwrap();
        let other = sign("s3cret", 1, "9130", DocType::Invoice, "131", 1_000);
        let (other_payload, _) = other.split_once('.').unwrap();
        assert!(verify("s3cret", &format!("{other_payload}.{sig}"), 1_000).is_err());
        assert!(verify("s3cret", payload, 1_000).is_err());
        assert!(verify("s3cret", "garbage", 1_000).is_err());
    }
}
