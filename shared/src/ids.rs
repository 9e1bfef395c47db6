//! Ids that arrive as text from HubSpot, QuickBooks or the card, parsed once where they come in (parse,
//! don't validate): a value of one of these types has passed its check, so nothing behind the edge checks
//! again, and a realm id cannot be passed where a document id belongs.
//!
//! Text ids are kept exactly as written (no trimming, no dropping of leading zeros): they are opaque names,
//! and the table's keys are built from them byte for byte. Every check is on ASCII bytes, so a Unicode digit
//! such as `٣` is refused like any other letter.
//!
//! The file is long for its unit tests (about 150 lines): each id's limits are tested beside it.

use crate::AppError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Why a text is not an id of the kind asked for.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{what} must be {rule}, not {shown:?}")]
pub struct IdError {
    what: &'static str,
    rule: &'static str,
    /// The start of the refused text: enough to recognise it, never a whole oversized input.
    shown: String,
}

impl IdError {
    fn new(what: &'static str, rule: &'static str, raw: &str) -> Self {
        const SHOWN_CHARS: usize = 40;
        Self {
            what,
            rule,
            shown: raw.chars().take(SHOWN_CHARS).collect(),
        }
    }
}

impl From<IdError> for AppError {
    fn from(e: IdError) -> Self {
        AppError::BadRequest(e.to_string())
    }
}

fn ascii_digits(raw: &str, max_len: usize) -> bool {
    !raw.is_empty() && raw.len() <= max_len && raw.bytes().all(|b| b.is_ascii_digit())
}

/// A text id: its check, its name in errors, and the string, serde and formatting impls every such id shares.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $rule:literal, $valid:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                let valid: fn(&str) -> bool = $valid;
                if valid(raw) {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(IdError::new($what, $rule, raw))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(raw: &str) -> Result<Self, IdError> {
                Self::parse(raw)
            }
        }

        // Read where a `&str` is wanted; only `parse` makes one.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Maps keyed by the id can still be looked up with a plain `&str`.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

text_id!(
    /// A QuickBooks company (its `realmId`): digits.
    RealmId,
    "a QuickBooks company id (realmId)",
    "1 to 32 digits",
    |raw| ascii_digits(raw, 32)
);

text_id!(
    /// A QuickBooks entity's `Id` (document, customer, item, account, payment): digits.
    QboId,
    "a QuickBooks id",
    "1 to 32 digits",
    |raw| ascii_digits(raw, 32)
);

text_id!(
    /// A HubSpot CRM record's id (deal, contact, company, quote): digits that fit HubSpot's 64-bit ids, a
    /// longer run names no record and would only reach HubSpot as a request it cannot answer.
    RecordId,
    "a HubSpot record id",
    "digits (a 64-bit number)",
    |raw| ascii_digits(raw, 20) && raw.parse::<u64>().is_ok()
);

text_id!(
    /// The card's idempotency key for a create or a send: the same key is the same request (I8).
    IdempotencyKey,
    "an idempotency key",
    "1 to 64 letters, digits, - or _",
    |raw| {
        !raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
);

text_id!(
    /// A workflow action execution's `callbackId`: HubSpot's id for one run of an action, its idempotency key.
    CallbackId,
    "a callbackId",
    "1 to 128 printable ASCII characters",
    |raw| !raw.is_empty() && raw.len() <= 128 && raw.bytes().all(|b| b.is_ascii_graphic())
);

text_id!(
    /// The nonce of an OAuth `state` parameter (ours: 64 hex characters).
    StateNonce,
    "an OAuth state",
    "1 to 128 letters or digits",
    |raw| !raw.is_empty() && raw.len() <= 128 && raw.bytes().all(|b| b.is_ascii_alphanumeric())
);

impl StateNonce {
    /// A fresh nonce: 256 random bits as 64 hex characters.
    pub fn random() -> Self {
        Self(format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        ))
    }
}

/// The HubSpot records a document can be linked to (I1, I10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Deals,
    Contacts,
    Companies,
    Quotes,
}

impl RecordType {
    /// The CRM object type name in HubSpot's paths.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Deals => "deals",
            RecordType::Contacts => "contacts",
            RecordType::Companies => "companies",
            RecordType::Quotes => "quotes",
        }
    }

    /// The card's record types, by CRM name; quotes are sources, not card records.
    pub fn parse_card(name: &str) -> Result<Self, AppError> {
        match name {
            "deals" => Ok(RecordType::Deals),
            "contacts" => Ok(RecordType::Contacts),
            "companies" => Ok(RecordType::Companies),
            other => Err(AppError::BadRequest(format!(
                "objectType must be deals, contacts or companies, not {other:?}"
            ))),
        }
    }
}

/// A HubSpot record: its type and id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Record {
    pub object_type: RecordType,
    pub object_id: RecordId,
}

impl Record {
    /// A record from a request's `objectId` (white space around it ignored).
    pub fn new(object_type: RecordType, object_id: &str) -> Result<Self, AppError> {
        Ok(Self {
            object_type,
            object_id: RecordId::parse(object_id.trim())?,
        })
    }
}

/// A HubSpot account (portal, "hub") id. A number on the wire and in the table; text only in a query string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PortalId(u64);

impl PortalId {
    /// A portal id from text: digits only (no sign, no spaces), at most a 64-bit number.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        const WHAT: &str = "portalId";
        const RULE: &str = "a HubSpot account id (digits)";
        if !ascii_digits(raw, 20) {
            return Err(IdError::new(WHAT, RULE, raw));
        }
        raw.parse()
            .map(Self)
            .map_err(|_| IdError::new(WHAT, RULE, raw))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

/// Any number is some account's id; the numbers that reach us come from HubSpot's signed JSON.
impl From<u64> for PortalId {
    fn from(id: u64) -> Self {
        Self(id)
    }
}

impl FromStr for PortalId {
    type Err = IdError;
    fn from_str(raw: &str) -> Result<Self, IdError> {
        Self::parse(raw)
    }
}

impl fmt::Display for PortalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUGE: usize = 100_000;

    /// Whether a text parses, and the longest text that does.
    type Check = (fn(&str) -> bool, usize);

    fn digit_ids() -> [Check; 2] {
        [
            (|s| RealmId::parse(s).is_ok(), 32),
            (|s| QboId::parse(s).is_ok(), 32),
        ]
    }

    #[test]
    fn digit_ids_take_digits_up_to_their_limit_and_nothing_else() {
        for (ok, max) in digit_ids() {
            assert!(ok("9130354577"));
            assert!(ok("1"));
            assert!(ok(&"9".repeat(max)));
            assert!(!ok(&"9".repeat(max + 1)));
            assert!(!ok(&"9".repeat(HUGE)));
            assert!(!ok(""));
            for bad in [
                "12a", "-1", "+1", " 1", "1 ", "1.0", "١٢٣", "１２", "12\u{0}", "0x1",
            ] {
                assert!(!ok(bad), "{bad:?}");
            }
        }
    }

    #[test]
    fn text_ids_keep_leading_zeros_and_their_exact_text() {
        let realm = RealmId::parse("0042").unwrap();
        assert_eq!(realm.as_str(), "0042");
        assert_eq!(realm.to_string(), "0042");
        assert_eq!(QboId::parse("007").unwrap().as_ref(), "007");
        assert_eq!(RecordId::parse("0012").unwrap().as_str(), "0012");
    }

    #[test]
    fn record_ids_fit_in_64_bits() {
        assert!(RecordId::parse(&u64::MAX.to_string()).is_ok());
        assert!(RecordId::parse("18446744073709551616").is_err());
        assert!(RecordId::parse(&"1".repeat(HUGE)).is_err());
        for bad in ["", "12 ", "deal", "-5", "+5", "٣"] {
            assert!(RecordId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn portal_ids_are_numbers_from_digits_only() {
        assert_eq!(PortalId::parse("62515").unwrap().get(), 62515);
        assert_eq!(PortalId::parse("007").unwrap(), PortalId::from(7));
        assert_eq!(
            PortalId::parse(&u64::MAX.to_string()).unwrap().get(),
            u64::MAX
        );
        for bad in [
            "",
            "+5",
            "-5",
            " 5",
            "5 ",
            "18446744073709551616",
            "٥",
            "5e3",
            "abc",
        ] {
            assert!(PortalId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(PortalId::parse(&"5".repeat(HUGE)).is_err());
        assert_eq!(
            serde_json::to_string(&PortalId::from(62515)).unwrap(),
            "62515"
        );
        assert_eq!(
            serde_json::from_str::<PortalId>("62515").unwrap(),
            PortalId::from(62515)
        );
    }

    #[test]
    fn idempotency_keys_are_short_words() {
        for good in ["a", "card-1_2", &"k".repeat(64), "ABCdef0123"] {
            assert!(IdempotencyKey::parse(good).is_ok(), "{good:?}");
        }
        for bad in [
            "",
            " k",
            "k ",
            "a.b",
            "a/b",
            "ключ",
            &"k".repeat(65),
            &"k".repeat(HUGE),
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn callback_ids_are_printable_ascii() {
        for good in ["ap-1-2-3", "a.b/c:d#e", &"c".repeat(128)] {
            assert!(CallbackId::parse(good).is_ok(), "{good:?}");
        }
        for bad in ["", "a b", "a\tb", "é", &"c".repeat(129), &"c".repeat(HUGE)] {
            assert!(CallbackId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn state_nonces_are_letters_and_digits() {
        let fresh = StateNonce::random();
        assert_eq!(StateNonce::parse(fresh.as_str()), Ok(fresh.clone()));
        assert_eq!(fresh.len(), 64);
        assert_ne!(fresh, StateNonce::random());
        assert!(StateNonce::parse(&"ab12".repeat(16)).is_ok());
        assert!(StateNonce::parse(&"a".repeat(128)).is_ok());
        for bad in ["", "a-b", "a b", "ä", &"a".repeat(129), &"a".repeat(HUGE)] {
            assert!(StateNonce::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ids_cross_json_as_strings_and_are_checked_on_the_way_in() {
        let realm: RealmId = serde_json::from_str("\"9130\"").unwrap();
        assert_eq!(serde_json::to_string(&realm).unwrap(), "\"9130\"");
        let err = serde_json::from_str::<RealmId>("\"91x0\"").unwrap_err();
        assert!(err.to_string().contains("1 to 32 digits"), "{err}");
        assert!(
            serde_json::from_str::<QboId>("42").is_err(),
            "a number is not a text id"
        );
    }

    #[test]
    fn errors_name_the_id_and_show_only_the_start_of_a_huge_input() {
        let err = RealmId::parse(&"x".repeat(HUGE)).unwrap_err().to_string();
        assert!(
            err.starts_with("a QuickBooks company id (realmId) must be 1 to 32 digits"),
            "{err}"
        );
        assert!(err.len() < 200, "{err}");
        let app: AppError = QboId::parse("abc").unwrap_err().into();
        assert_eq!(app.code(), crate::ErrorCode::BadRequest);
    }

    #[test]
    fn ids_parse_through_from_str_and_look_up_maps_by_str() {
        let id: QboId = "12".parse().unwrap();
        let map = std::collections::BTreeMap::from([(id.clone(), 1)]);
        assert_eq!(map.get("12"), Some(&1));
        assert!(id == "12");
    }
}
