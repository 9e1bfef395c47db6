//! Customers into contacts (S1), the one object whose records HubSpot may already have: a contact with
//! the customer's e-mail is matched, never duplicated.

use super::apply::{qbo_pairs, upsert, Applied, ApplyError, Prepared, Sink};
use super::SyncObject;
use crate::hubspot::batch::Input;
use std::collections::{BTreeMap, HashMap};

/// Customers into contacts. A customer seen before updates its contact; a new one with an e-mail is
/// upserted by e-mail, so a contact HubSpot already has is matched, never duplicated; one without an
/// e-mail is upserted by its key. Two customers with one e-mail share that contact.
pub(super) async fn upsert_contacts(
    sink: &Sink<'_>,
    prepared: &[Prepared<'_>],
    applied: &mut Applied,
) -> Result<(), ApplyError> {
    let object = SyncObject::Contacts;
    let ids: Vec<&str> = prepared.iter().map(|p| p.record.id.as_str()).collect();
    let known = sink.ids.find(object, &ids).await?;

    let mut updates = Vec::new();
    let mut by_email: BTreeMap<String, &Prepared> = BTreeMap::new();
    let mut sharing = Vec::new();
    let mut by_key = Vec::new();
    for p in prepared {
        let email = p.properties.get("email").filter(|e| !e.is_empty());
        match (known.get(&p.record.id), email) {
            (Some(hs_id), _) => updates.push((p, hs_id.clone())),
            (None, Some(email)) if by_email.contains_key(email) => sharing.push((p, email.clone())),
            (None, Some(email)) => {
                by_email.insert(email.clone(), p);
            }
            (None, None) => by_key.push(p),
        }
    }

    let mut pairs: Vec<(String, String)> = Vec::new();
    // Updates by id; a contact deleted in HubSpot since is found again by e-mail or key.
    let update_inputs: Vec<Input> = updates
        .iter()
        .map(|(p, id)| Input {
            key: id.clone(),
            properties: p.properties.clone(),
        })
        .collect();
    let updated = sink
        .hubspot
        .batch_update("contacts", &update_inputs)
        .await?;
    for (p, id) in &updates {
        if updated.written.iter().any(|(w, _)| w == id) {
            applied.written.push(p.record.id.clone());
        } else {
            match p.properties.get("email").filter(|e| !e.is_empty()) {
                Some(email) if !by_email.contains_key(email) => {
                    by_email.insert(email.clone(), p);
                }
                Some(email) => sharing.push((p, email.clone())),
                None => by_key.push(p),
            }
        }
    }

    let email_inputs: Vec<Input> = by_email
        .iter()
        .map(|(email, p)| Input {
            key: email.clone(),
            properties: p.properties.clone(),
        })
        .collect();
    let outcome = sink
        .hubspot
        .batch_upsert("contacts", "email", &email_inputs)
        .await?;
    let contact_of: HashMap<&str, &str> = outcome
        .written
        .iter()
        .map(|(email, id)| (email.as_str(), id.as_str()))
        .collect();
    for (email, p) in &by_email {
        match contact_of.get(email.as_str()) {
            Some(id) => {
                applied.written.push(p.record.id.clone());
                pairs.push((p.record.id.clone(), id.to_string()));
            }
            None => {
                let reason = outcome
                    .failed
                    .iter()
                    .find(|(k, _)| k == email)
                    .map(|(_, why)| why.as_str())
                    .unwrap_or("no answer for it");
                applied.fail(
                    object,
                    &p.record.id,
                    format!("HubSpot refused it: {reason}"),
                );
            }
        }
    }
    // The other customers of a shared e-mail point at the same contact, without overwriting it.
    for (p, email) in &sharing {
        match contact_of.get(email.as_str()) {
            Some(id) => {
                applied.written.push(p.record.id.clone());
                pairs.push((p.record.id.clone(), id.to_string()));
            }
            None => applied.fail(
                object,
                &p.record.id,
                format!("its e-mail {email} is on a contact HubSpot did not write"),
            ),
        }
    }

    let by_key: Vec<Prepared> = by_key
        .into_iter()
        .map(|p| Prepared {
            record: p.record,
            key: p.key.clone(),
            properties: p.properties.clone(),
        })
        .collect();
    let keyed = upsert(sink, object, &by_key).await?;
    applied.settle(object, sink.realm_id, &keyed);
    pairs.extend(qbo_pairs(sink.realm_id, &keyed));
    sink.ids.remember(object, &pairs).await?;
    Ok(())
}
