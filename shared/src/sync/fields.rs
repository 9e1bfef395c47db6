//! What a mapping may read and must keep: the QuickBooks fields the settings page offers per object (with
//! the shape each one has and, for a field with a fixed set of values, those values), and the mappings the
//! sync itself needs, which an admin sees but cannot change (its `qbo_*` key and `qbo_*` properties).

use super::SyncObject;
use crate::domain::mapping::{defaults, Mapping, Shape};
use serde::Serialize;

/// A QuickBooks field a mapping can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QboField {
    pub path: &'static str,
    pub label: &'static str,
    pub shape: Shape,
    /// Every value QuickBooks writes there, when that set is fixed (a choice list can then take it).
    #[serde(skip)]
    pub values: &'static [&'static str],
}

const fn f(path: &'static str, label: &'static str, shape: Shape) -> QboField {
    QboField {
        path,
        label,
        shape,
        values: &[],
    }
}

const fn choice(
    path: &'static str,
    label: &'static str,
    values: &'static [&'static str],
) -> QboField {
    QboField {
        path,
        label,
        shape: Shape::Text,
        values,
    }
}

use Shape::{Bool, Date, Number, Text};

/// A customer's and an invoice's addresses share their parts.
macro_rules! address {
    ($prefix:literal, $label:literal) => {
        [
            f(
                concat!($prefix, ".Line1"),
                concat!($label, ": street"),
                Text,
            ),
            f(
                concat!($prefix, ".Line2"),
                concat!($label, ": street, second line"),
                Text,
            ),
            f(concat!($prefix, ".City"), concat!($label, ": city"), Text),
            f(
                concat!($prefix, ".CountrySubDivisionCode"),
                concat!($label, ": state or region"),
                Text,
            ),
            f(
                concat!($prefix, ".PostalCode"),
                concat!($label, ": postal code"),
                Text,
            ),
            f(
                concat!($prefix, ".Country"),
                concat!($label, ": country"),
                Text,
            ),
        ]
    };
}

const CUSTOMER: &[QboField] = &[
    f("Id", "QuickBooks id", Text),
    f("DisplayName", "Display name", Text),
    f("Title", "Title", Text),
    f("GivenName", "First name", Text),
    f("MiddleName", "Middle name", Text),
    f("FamilyName", "Last name", Text),
    f("Suffix", "Suffix", Text),
    f("CompanyName", "Company name", Text),
    f("PrintOnCheckName", "Name on cheques", Text),
    f("PrimaryEmailAddr.Address", "E-mail", Text),
    f("PrimaryPhone.FreeFormNumber", "Phone", Text),
    f("Mobile.FreeFormNumber", "Mobile", Text),
    f("Fax.FreeFormNumber", "Fax", Text),
    f("WebAddr.URI", "Website", Text),
    f("Notes", "Notes", Text),
    f("Balance", "Open balance", Number),
    f("BalanceWithJobs", "Open balance with sub-customers", Number),
    f("CurrencyRef.value", "Currency", Text),
    f("Active", "Active", Bool),
    f("Taxable", "Taxable", Bool),
    f("Job", "Is a sub-customer", Bool),
    f("ResaleNum", "Resale number", Text),
    f("SalesTermRef.name", "Terms", Text),
    f("PaymentMethodRef.name", "Payment method", Text),
    choice(
        "PreferredDeliveryMethod",
        "Preferred delivery",
        &["Print", "Email", "None"],
    ),
];

const CUSTOMER_BILL: [QboField; 6] = address!("BillAddr", "Billing address");
const CUSTOMER_SHIP: [QboField; 6] = address!("ShipAddr", "Shipping address");

const ITEM: &[QboField] = &[
    f("Id", "QuickBooks id", Text),
    f("Name", "Name", Text),
    f("FullyQualifiedName", "Full name (with parents)", Text),
    f("Sku", "SKU", Text),
    f("Description", "Sales description", Text),
    f("PurchaseDesc", "Purchase description", Text),
    f("UnitPrice", "Sales price", Number),
    f("PurchaseCost", "Cost", Number),
    f("QtyOnHand", "Quantity on hand", Number),
    f("InvStartDate", "Inventory start date", Date),
    choice(
        "Type",
        "Type",
        &["Inventory", "NonInventory", "Service", "Group", "Category"],
    ),
    f("Active", "Active", Bool),
    f("Taxable", "Taxable", Bool),
    f("TrackQtyOnHand", "Tracks quantity", Bool),
    f("IncomeAccountRef.name", "Income account", Text),
    f("ExpenseAccountRef.name", "Expense account", Text),
];

const INVOICE: &[QboField] = &[
    f("Id", "QuickBooks id", Text),
    f("DocNumber", "Invoice number", Text),
    f("TxnDate", "Invoice date", Date),
    f("DueDate", "Due date", Date),
    f("ShipDate", "Ship date", Date),
    f("TotalAmt", "Total", Number),
    f("Balance", "Balance due", Number),
    f("HomeTotalAmt", "Total in home currency", Number),
    f("ExchangeRate", "Exchange rate", Number),
    f("TxnTaxDetail.TotalTax", "Tax", Number),
    f("Deposit", "Deposit", Number),
    f("CurrencyRef.value", "Currency", Text),
    f("CustomerRef.name", "Customer", Text),
    f("CustomerMemo.value", "Message on invoice", Text),
    f("PrivateNote", "Private note", Text),
    f("BillEmail.Address", "Billing e-mail", Text),
    f("SalesTermRef.name", "Terms", Text),
    f("TrackingNum", "Tracking number", Text),
    choice(
        "EmailStatus",
        "E-mail status",
        &["NotSet", "NeedToSend", "EmailSent"],
    ),
    choice(
        "PrintStatus",
        "Print status",
        &["NotSet", "NeedToPrint", "PrintComplete"],
    ),
    f("AllowOnlineCreditCardPayment", "Card payments online", Bool),
    f("AllowOnlineACHPayment", "Bank payments online", Bool),
];

const INVOICE_SHIP: [QboField; 6] = address!("ShipAddr", "Shipping address");

/// The fields the mapping table offers for `object`, in the order it shows them.
pub fn quickbooks_fields(object: SyncObject) -> Vec<QboField> {
    match object {
        SyncObject::Contacts => [CUSTOMER, &CUSTOMER_BILL, &CUSTOMER_SHIP].concat(),
        SyncObject::Products => ITEM.to_vec(),
        SyncObject::Invoices => [INVOICE, &INVOICE_SHIP].concat(),
    }
}

pub fn quickbooks_field(object: SyncObject, path: &str) -> Option<QboField> {
    quickbooks_fields(object)
        .into_iter()
        .find(|f| f.path == path)
}

/// The mapping that writes a record's key (`{realm}:{id}`): shown as locked, written by the sync itself.
pub fn key_mapping(object: SyncObject) -> Mapping {
    Mapping {
        sources: vec!["Id".into()],
        target: object.key_property().into(),
        shape: Shape::Text,
    }
}

/// The mappings the sync needs, key first: the key and the default mappings onto its own `qbo_*`
/// properties (an invoice's total and balance, a record's active flag, …), which the card, the deal and
/// the delete behaviours read back.
pub fn locked(object: SyncObject) -> Vec<Mapping> {
    std::iter::once(key_mapping(object))
        .chain(
            defaults(object)
                .into_iter()
                .filter(|m| is_sync_property(&m.target)),
        )
        .collect()
}

/// One of the sync's own properties (created in our group, named `qbo_*`).
pub fn is_sync_property(name: &str) -> bool {
    name.starts_with("qbo_")
}

/// Properties the sync derives itself on every write: a mapping onto one would be overwritten.
pub fn derived(object: SyncObject) -> &'static [&'static str] {
    match object {
        SyncObject::Invoices => &[
            "qbo_realm_id",
            "hs_currency",
            "hs_invoice_billable",
            "qbo_invoice_status",
            "qbo_invoice_link",
        ],
        _ => &["qbo_realm_id"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_and_locked_mapping_reads_offered_fields_of_their_shape() {
        for object in SyncObject::ALL {
            for m in defaults(object).iter().chain(&locked(object)) {
                for s in &m.sources {
                    let field = quickbooks_field(object, s)
                        .unwrap_or_else(|| panic!("{object:?} default reads {s}, not offered"));
                    assert_eq!(field.shape, m.shape, "{s}");
                }
            }
            let paths: Vec<&str> = quickbooks_fields(object).iter().map(|f| f.path).collect();
            let mut unique = paths.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), paths.len(), "{object:?} offers a field twice");
            assert_eq!(locked(object)[0].target, object.key_property());
        }
    }
}
