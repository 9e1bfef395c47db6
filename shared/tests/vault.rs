//! The token vault against moto's Secrets Manager.

use chrono::{TimeZone, Utc};
use shared::TokenSet;
use test_support::Harness;

fn tokens(access: &str, refresh: &str) -> TokenSet {
    TokenSet {
        access_token: access.into(),
        refresh_token: refresh.into(),
        access_expires_at: Utc.timestamp_opt(1_800_003_600, 0).unwrap(),
        refresh_expires_at: Some(Utc.timestamp_opt(1_808_726_400, 0).unwrap()),
        scopes: vec!["com.intuit.quickbooks.accounting".into()],
    }
}

#[tokio::test]
async fn create_read_update_delete_a_token_set() {
    let h = Harness::new().await;
    let id = "qbo-62515-9130357";
    assert_eq!(h.vault.read(id).await.unwrap(), None);

    h.vault.write(id, &tokens("a1", "r1")).await.unwrap();
    assert_eq!(h.vault.read(id).await.unwrap(), Some(tokens("a1", "r1")));
    // One secret per id, under the configured prefix (what IAM grants).
    let described = h
        .secrets
        .describe_secret()
        .secret_id(format!("{}{id}", h.secret_prefix))
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.name(),
        Some(format!("{}{id}", h.secret_prefix).as_str())
    );

    h.vault.write(id, &tokens("a2", "r2")).await.unwrap();
    assert_eq!(h.vault.read(id).await.unwrap(), Some(tokens("a2", "r2")));
    assert_eq!(
        h.vault.read("qbo-62515-other").await.unwrap(),
        None,
        "ids are separate"
    );

    h.vault.delete(id).await.unwrap();
    assert_eq!(h.vault.read(id).await.unwrap(), None);
    let gone = h
        .secrets
        .describe_secret()
        .secret_id(format!("{}{id}", h.secret_prefix))
        .send()
        .await;
    assert!(gone.is_err(), "deleted without a recovery window");
    // A retried delete is harmless, and the id can be written again (reconnect).
    h.vault.delete(id).await.unwrap();
    h.vault.write(id, &tokens("a3", "r3")).await.unwrap();
    assert_eq!(h.vault.read(id).await.unwrap(), Some(tokens("a3", "r3")));
}

#[tokio::test]
async fn a_secret_that_is_not_a_token_set_is_a_clear_error() {
    let h = Harness::new().await;
    h.secrets
        .create_secret()
        .name(format!("{}broken", h.secret_prefix))
        .secret_string("not json")
        .send()
        .await
        .unwrap();
    let err = h.vault.read("broken").await.unwrap_err();
    assert!(
        err.to_string().contains("does not hold a token set"),
        "{err}"
    );
}

#[test]
fn debug_output_never_shows_tokens() {
    let shown = format!("{:?}", tokens("secret-access", "secret-refresh"));
    assert!(
        !shown.contains("secret-access") && !shown.contains("secret-refresh"),
        "{shown}"
    );
}
