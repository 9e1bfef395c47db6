//! Every key of the table, and the names of leases and idempotency records, in one place (DESIGN.md,
//! "State"). Each is built from typed ids, so a key cannot be spelled from an unchecked string. The strings
//! are byte for byte what earlier versions wrote: stored items must keep reading, so a shape here never
//! changes, only new ones are added.
//!
//! | item                   | pk                       | sk                                               |
//! |------------------------|--------------------------|--------------------------------------------------|
//! | install                | `PORTAL#{portal}`        | `INSTALL`                                        |
//! | settings               | `PORTAL#{portal}`        | `SETTINGS`                                       |
//! | connection             | `PORTAL#{portal}`        | `QBO#{realm}` (gsi1: `REALM#{realm}` / `PORTAL#{portal}`) |
//! | catalogue              | `PORTAL#{portal}`        | `CATALOG#{realm}`                                |
//! | link                   | `PORTAL#{portal}`        | `LINK#{objectType}#{objectId}#{realm}#{docType}#{docId}` |
//! | payment note marker    | `PORTAL#{portal}`        | `NOTE#{dealId}#{realm}#{paymentId}#{invoiceId}`  |
//! | OAuth state            | `STATE#{nonce}`          | `STATE`                                          |
//! | idempotency record     | `IDEMP#{portal}#{scope}` | `IDEMP`                                          |
//! | lease                  | `LOCK#{name}`            | `LOCK`                                           |
//! | sync settings          | `PORTAL#{portal}`        | `SYNC#{realm}`                                   |
//! | sync properties marker | `PORTAL#{portal}`        | `SYNC_PROPERTIES`                                |
//! | sync cursor            | `PORTAL#{portal}`        | `CURSOR#{realm}#{entity}`                        |
//! | sync id map            | `PORTAL#{portal}`        | `MAP#{realm}#{entity}#{qboId}`                   |
//! | sync failure (TTL)     | `PORTAL#{portal}`        | `FAIL#{realm}#{entity}#{qboId}`                  |
//! | sync health            | `PORTAL#{portal}`        | `HEALTH#{realm}`                                 |
//! | sync resync request    | `PORTAL#{portal}`        | `RESYNC#{realm}#{entity}`                        |
//! | HubSpot properties (TTL) | `PORTAL#{portal}`      | `PROPS#{objectType}`                             |

use super::Key;
use crate::ids::{CallbackId, IdempotencyKey, PortalId, RealmId, Record, RecordId, StateNonce};
use crate::quickbooks::entities::DocType;

/// The items of one partition whose sort key starts with a prefix (a `Store::query_prefix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPrefix {
    pub pk: String,
    pub sk_prefix: String,
}

/// Every `gsi1pk` of a connection starts with this: the sync scans them for its work list.
pub const REALM_INDEX_PREFIX: &str = "REALM#";

fn portal(portal: PortalId) -> String {
    format!("PORTAL#{portal}")
}

/// A HubSpot account's install record.
pub fn install(portal_id: PortalId) -> Key {
    Key::new(portal(portal_id), "INSTALL")
}

/// A HubSpot account's settings.
pub fn settings(portal_id: PortalId) -> Key {
    Key::new(portal(portal_id), "SETTINGS")
}

/// A QuickBooks company connected to a HubSpot account.
pub fn connection(portal_id: PortalId, realm_id: &RealmId) -> Key {
    Key::new(portal(portal_id), format!("QBO#{realm_id}"))
}

/// The companies connected to a HubSpot account.
pub fn connections_of(portal_id: PortalId) -> KeyPrefix {
    KeyPrefix {
        pk: portal(portal_id),
        sk_prefix: "QBO#".into(),
    }
}

/// A connection's entry in `gsi1`: from a company to the accounts it is connected to.
pub fn realm_index(realm_id: &RealmId, portal_id: PortalId) -> Key {
    Key::new(realm_connections(realm_id), portal(portal_id))
}

/// The `gsi1pk` of every connection of a company: a webhook names the company, not the accounts.
pub fn realm_connections(realm_id: &RealmId) -> String {
    format!("{REALM_INDEX_PREFIX}{realm_id}")
}

/// A company's kept catalogue for the card.
pub fn catalog(portal_id: PortalId, realm_id: &RealmId) -> Key {
    Key::new(portal(portal_id), format!("CATALOG#{realm_id}"))
}

fn record_links(record: &Record) -> String {
    format!("LINK#{}#{}#", record.object_type.as_str(), record.object_id)
}

/// The link of a HubSpot record to a QuickBooks document (`doc_id` as QuickBooks answered it).
pub fn link(
    portal_id: PortalId,
    record: &Record,
    realm_id: &RealmId,
    doc_type: DocType,
    doc_id: &str,
) -> Key {
    Key::new(
        portal(portal_id),
        format!(
            "{}{realm_id}#{}#{doc_id}",
            record_links(record),
            doc_type.path()
        ),
    )
}

/// Every link of a HubSpot record.
pub fn links_of(portal_id: PortalId, record: &Record) -> KeyPrefix {
    KeyPrefix {
        pk: portal(portal_id),
        sk_prefix: record_links(record),
    }
}

fn deal_notes(deal_id: &RecordId) -> String {
    format!("NOTE#{deal_id}#")
}

/// The marker of a payment's note on a deal (ids as QuickBooks answered them).
pub fn payment_note(
    portal_id: PortalId,
    deal_id: &RecordId,
    realm_id: &RealmId,
    payment_id: &str,
    invoice_id: &str,
) -> Key {
    Key::new(
        portal(portal_id),
        format!(
            "{}{realm_id}#{payment_id}#{invoice_id}",
            deal_notes(deal_id)
        ),
    )
}

/// The payment note markers of a deal.
pub fn payment_notes_of(portal_id: PortalId, deal_id: &RecordId) -> KeyPrefix {
    KeyPrefix {
        pk: portal(portal_id),
        sk_prefix: deal_notes(deal_id),
    }
}

/// An OAuth `state` waiting for its callback.
pub fn oauth_state(nonce: &StateNonce) -> Key {
    Key::new(format!("STATE#{nonce}"), "STATE")
}

/// The idempotency record of one request (`scope`: one of the scopes below, or a test's own).
pub fn idempotency(portal_id: PortalId, scope: &str) -> Key {
    Key::new(format!("IDEMP#{portal_id}#{scope}"), "IDEMP")
}

/// The idempotency scope of a workflow action's execution.
pub fn workflow_action_scope(callback_id: &CallbackId) -> String {
    format!("action#{callback_id}")
}

/// The idempotency scope of a create from the card.
pub fn card_create_scope(key: &IdempotencyKey) -> String {
    format!("card#{key}")
}

/// A lease, by its name (one of the names below, or a test's own).
pub fn lease(name: &str) -> Key {
    Key::new(format!("LOCK#{name}"), "LOCK")
}

/// The lease on refreshing one grant's tokens (`secret_id`: the grant's vault entry).
pub fn token_refresh_lease(secret_id: &str) -> String {
    format!("refresh#{secret_id}")
}

/// The lease on reading a company's catalogue from QuickBooks while others wait for the copy.
pub fn catalog_lease(portal_id: PortalId, realm_id: &RealmId) -> String {
    format!("catalog#{portal_id}#{realm_id}")
}

/// The lease on invoicing parts (deposits, balance) of one deal in one company.
pub fn deal_invoicing_lease(portal_id: PortalId, realm_id: &RealmId, deal_id: &RecordId) -> String {
    format!("portion#{portal_id}#{realm_id}#{deal_id}")
}

/// A company's sync settings (switches, behaviours, field mappings).
pub fn sync_settings(portal_id: PortalId, realm_id: &RealmId) -> Key {
    Key::new(portal(portal_id), format!("SYNC#{realm_id}"))
}

/// That the sync's own HubSpot properties exist in an account (and in which version).
pub fn sync_properties(portal_id: PortalId) -> Key {
    Key::new(portal(portal_id), "SYNC_PROPERTIES")
}

/// Where a company's sync of one QuickBooks entity stands.
pub fn sync_cursor(portal_id: PortalId, realm_id: &RealmId, entity: &str) -> Key {
    Key::new(portal(portal_id), format!("CURSOR#{realm_id}#{entity}"))
}

/// Which HubSpot record a QuickBooks record became.
pub fn sync_id_map(portal_id: PortalId, realm_id: &RealmId, entity: &str, qbo_id: &str) -> Key {
    Key::new(
        portal(portal_id),
        format!("MAP#{realm_id}#{entity}#{qbo_id}"),
    )
}

fn sync_failures(realm_id: &RealmId) -> String {
    format!("FAIL#{realm_id}#")
}

/// A record the sync could not apply.
pub fn sync_failure(portal_id: PortalId, realm_id: &RealmId, entity: &str, qbo_id: &str) -> Key {
    Key::new(
        portal(portal_id),
        format!("{}{entity}#{qbo_id}", sync_failures(realm_id)),
    )
}

/// Every record a company's sync could not apply.
pub fn sync_failures_of(portal_id: PortalId, realm_id: &RealmId) -> KeyPrefix {
    KeyPrefix {
        pk: portal(portal_id),
        sk_prefix: sync_failures(realm_id),
    }
}

/// The records of one entity a company's sync could not apply.
pub fn sync_failures_of_entity(portal_id: PortalId, realm_id: &RealmId, entity: &str) -> KeyPrefix {
    KeyPrefix {
        pk: portal(portal_id),
        sk_prefix: format!("{}{entity}#", sync_failures(realm_id)),
    }
}

/// How a company's last sync runs went, per object.
pub fn sync_health(portal_id: PortalId, realm_id: &RealmId) -> Key {
    Key::new(portal(portal_id), format!("HEALTH#{realm_id}"))
}

/// An admin's request to read one entity of a company again in full (the settings page's resync).
pub fn sync_resync(portal_id: PortalId, realm_id: &RealmId, entity: &str) -> Key {
    Key::new(portal(portal_id), format!("RESYNC#{realm_id}#{entity}"))
}

/// An account's property definitions of one HubSpot object type, cached for the settings page.
pub fn hubspot_properties(portal_id: PortalId, object_type: &str) -> Key {
    Key::new(portal(portal_id), format!("PROPS#{object_type}"))
}

/// Every link of an account's records of one type (the sync finds the deals of its invoices).
pub fn links_of_type(portal_id: PortalId, object_type: crate::ids::RecordType) -> KeyPrefix {
    KeyPrefix {
        pk: portal(portal_id),
        sk_prefix: format!("LINK#{}#", object_type.as_str()),
    }
}

/// One sync run at a time in an account (its companies share its HubSpot limit and contacts).
pub fn sync_lease(portal_id: PortalId) -> String {
    format!("sync#{portal_id}")
}

#[cfg(test)]
mod tests {
    //! The shapes as earlier versions wrote them: a failure here means stored items would stop reading.
    use super::*;
    use crate::ids::RecordType;

    fn realm() -> RealmId {
        RealmId::parse("9130357766900011").unwrap()
    }

    fn deal() -> Record {
        Record::new(RecordType::Deals, "123").unwrap()
    }

    const P: u64 = 62515;

    fn pair(k: Key) -> (String, String) {
        (k.pk, k.sk)
    }

    #[test]
    fn portal_items_keep_their_shapes() {
        let p = PortalId::from(P);
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(pair(install(p)), s("PORTAL#62515", "INSTALL"));
        assert_eq!(pair(settings(p)), s("PORTAL#62515", "SETTINGS"));
        assert_eq!(
            pair(connection(p, &realm())),
            s("PORTAL#62515", "QBO#9130357766900011")
        );
        assert_eq!(
            pair(realm_index(&realm(), p)),
            s("REALM#9130357766900011", "PORTAL#62515")
        );
        assert!(realm_index(&realm(), p).pk.starts_with(REALM_INDEX_PREFIX));
        assert_eq!(
            pair(catalog(p, &realm())),
            s("PORTAL#62515", "CATALOG#9130357766900011")
        );
        assert_eq!(
            pair(link(p, &deal(), &realm(), DocType::SalesReceipt, "146")),
            s(
                "PORTAL#62515",
                "LINK#deals#123#9130357766900011#salesreceipt#146"
            )
        );
        let note = payment_note(p, &deal().object_id, &realm(), "201", "146");
        assert_eq!(
            pair(note),
            s("PORTAL#62515", "NOTE#123#9130357766900011#201#146")
        );
    }

    #[test]
    fn prefixes_cover_their_items_and_only_theirs() {
        let p = PortalId::from(P);
        let covers = |prefix: &KeyPrefix, key: &Key| {
            prefix.pk == key.pk && key.sk.starts_with(&prefix.sk_prefix)
        };
        let deal_links = links_of(p, &deal());
        assert_eq!(deal_links.sk_prefix, "LINK#deals#123#");
        assert!(covers(
            &deal_links,
            &link(p, &deal(), &realm(), DocType::Invoice, "1")
        ));
        let other = Record::new(RecordType::Deals, "1234").unwrap();
        assert!(!covers(
            &deal_links,
            &link(p, &other, &realm(), DocType::Invoice, "1")
        ));
        let contact = Record::new(RecordType::Contacts, "123").unwrap();
        assert!(!covers(
            &deal_links,
            &link(p, &contact, &realm(), DocType::Invoice, "1")
        ));
        let notes = payment_notes_of(p, &deal().object_id);
        assert_eq!(notes.sk_prefix, "NOTE#123#");
        assert!(covers(
            &notes,
            &payment_note(p, &deal().object_id, &realm(), "2", "1")
        ));
        let companies = connections_of(p);
        assert_eq!(
            (companies.pk.as_str(), companies.sk_prefix.as_str()),
            ("PORTAL#62515", "QBO#")
        );
        assert!(covers(&companies, &connection(p, &realm())));
        assert!(!covers(&companies, &catalog(p, &realm())));
    }

    #[test]
    fn global_items_and_names_keep_their_shapes() {
        let p = PortalId::from(P);
        let nonce = StateNonce::parse("abc123").unwrap();
        assert_eq!(
            pair(oauth_state(&nonce)),
            ("STATE#abc123".into(), "STATE".into())
        );
        let callback = CallbackId::parse("ap-1-2-3").unwrap();
        let scope = workflow_action_scope(&callback);
        assert_eq!(scope, "action#ap-1-2-3");
        assert_eq!(
            pair(idempotency(p, &scope)),
            ("IDEMP#62515#action#ap-1-2-3".into(), "IDEMP".into())
        );
        let key = IdempotencyKey::parse("k-1").unwrap();
        assert_eq!(card_create_scope(&key), "card#k-1");
        assert_eq!(pair(lease("x")), ("LOCK#x".into(), "LOCK".into()));
        assert_eq!(token_refresh_lease("qbo-1"), "refresh#qbo-1");
        assert_eq!(catalog_lease(p, &realm()), "catalog#62515#9130357766900011");
        assert_eq!(
            deal_invoicing_lease(p, &realm(), &deal().object_id),
            "portion#62515#9130357766900011#123"
        );
    }

    #[test]
    fn sync_keys_are_spelled_as_the_table_says() {
        let realm: RealmId = "9130".parse().unwrap();
        let p = PortalId::from(62515);
        assert_eq!(
            sync_settings(p, &realm),
            Key::new("PORTAL#62515", "SYNC#9130")
        );
        assert_eq!(
            sync_properties(p),
            Key::new("PORTAL#62515", "SYNC_PROPERTIES")
        );
        assert_eq!(
            sync_cursor(p, &realm, "Invoice"),
            Key::new("PORTAL#62515", "CURSOR#9130#Invoice")
        );
        assert_eq!(
            sync_id_map(p, &realm, "Customer", "58"),
            Key::new("PORTAL#62515", "MAP#9130#Customer#58")
        );
        let failure = sync_failure(p, &realm, "Item", "7");
        assert_eq!(failure, Key::new("PORTAL#62515", "FAIL#9130#Item#7"));
        let all = sync_failures_of(p, &realm);
        assert!(failure.pk == all.pk && failure.sk.starts_with(&all.sk_prefix));
        assert_eq!(
            links_of_type(p, crate::ids::RecordType::Deals).sk_prefix,
            "LINK#deals#"
        );
        assert_eq!(sync_lease(p), "sync#62515");
        let items = sync_failures_of_entity(p, &realm, "Item");
        assert!(failure.sk.starts_with(&items.sk_prefix) && items.sk_prefix == "FAIL#9130#Item#");
        assert_eq!(
            sync_health(p, &realm),
            Key::new("PORTAL#62515", "HEALTH#9130")
        );
        assert_eq!(
            sync_resync(p, &realm, "Customer"),
            Key::new("PORTAL#62515", "RESYNC#9130#Customer")
        );
        assert_eq!(
            hubspot_properties(p, "contacts"),
            Key::new("PORTAL#62515", "PROPS#contacts")
        );
    }
}
