//! The HubSpot app's configuration (infra/hubspot) and the code agree on what the install asks for.

#[test]
fn app_config_requires_exactly_the_scopes_the_install_requests() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/hubspot/src/app/app-hsmeta.json"
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut configured: Vec<&str> = config["config"]["auth"]["requiredScopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let mut requested = shared::hubspot::SCOPES.to_vec();
    configured.sort_unstable();
    requested.sort_unstable();
    assert_eq!(configured, requested);
    let redirect = config["config"]["auth"]["redirectUrls"][0]
        .as_str()
        .unwrap();
    assert!(
        redirect.ends_with(shared::connect::HUBSPOT_CALLBACK),
        "{redirect}"
    );
}

/// HubSpot refuses an install whose scope names it does not define (the simulator's table is the SPEC's).
#[test]
fn every_scope_the_install_requests_is_a_hubspot_scope() {
    let unknown: Vec<&str> = shared::hubspot::SCOPES
        .iter()
        .copied()
        .filter(|s| !hubspot_sim::scopes::is_known(s))
        .collect();
    assert!(unknown.is_empty(), "not HubSpot scopes: {unknown:?}");
}
