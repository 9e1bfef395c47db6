//! What HubSpot itself defines: the object types (names and `0-N` ids), their built-in properties, the
//! HUBSPOT_DEFINED association types.

/// Object types the simulator serves, with the type ids the SPEC's paths use (`/crm/v3/objects/0-3` = deals).
pub const OBJECT_TYPES: &[(&str, &str)] = &[
    ("contacts", "0-1"),
    ("companies", "0-2"),
    ("deals", "0-3"),
    ("products", "0-7"),
    ("line_items", "0-8"),
    ("quotes", "0-14"),
    ("notes", "0-46"),
    ("invoices", "0-53"),
    ("commerce_payments", "0-101"),
];

/// The object type a path names, by name or by type id.
pub fn object_type(name: &str) -> Option<&'static str> {
    OBJECT_TYPES
        .iter()
        .find(|(n, id)| *n == name || *id == name)
        .map(|(n, _)| *n)
}

/// The object type's singular name, as HubSpot's messages and v3 association names use it.
pub fn singular(object: &str) -> &str {
    match object {
        "companies" => "company",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

pub fn type_id(object: &str) -> &'static str {
    OBJECT_TYPES
        .iter()
        .find(|(n, _)| *n == object)
        .map_or("", |(_, id)| id)
}

/// HUBSPOT_DEFINED default association type ids (hubspot-api.md §5): (from, to, id). The pairs the reference
/// does not list (contact↔company, notes, line item→quote, company→invoice) are HubSpot's published defaults.
pub const ASSOCIATION_TYPES: &[(&str, &str, u32)] = &[
    ("deals", "contacts", 3),
    ("contacts", "deals", 4),
    ("deals", "companies", 341),
    ("companies", "deals", 342),
    ("deals", "line_items", 19),
    ("line_items", "deals", 20),
    ("deals", "quotes", 63),
    ("quotes", "deals", 64),
    ("quotes", "line_items", 67),
    ("line_items", "quotes", 68),
    ("deals", "invoices", 176),
    ("invoices", "deals", 175),
    ("invoices", "contacts", 177),
    ("contacts", "invoices", 178),
    ("invoices", "companies", 179),
    ("companies", "invoices", 180),
    ("invoices", "line_items", 409),
    ("line_items", "invoices", 410),
    ("invoices", "quotes", 407),
    ("contacts", "companies", 279),
    ("companies", "contacts", 280),
    ("notes", "deals", 214),
    ("deals", "notes", 213),
    // deal→payment 392 is in the reference; the reverse 391 is HubSpot's published default.
    ("deals", "commerce_payments", 392),
    ("commerce_payments", "deals", 391),
];

/// Labelled (non-default) HUBSPOT_DEFINED types: deal→primary company 5 and its reverse.
const LABELLED_TYPES: &[(&str, &str, u32, &str)] = &[
    ("deals", "companies", 5, "Primary"),
    ("companies", "deals", 6, "Primary"),
];

pub fn default_type(from: &str, to: &str) -> Option<u32> {
    ASSOCIATION_TYPES
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map(|(_, _, id)| *id)
}

/// The label of a type id between two object types: `Some(None)` for the unlabelled default, `None` when the
/// id is not a type between them.
pub fn type_label(from: &str, to: &str, id: u32) -> Option<Option<&'static str>> {
    if default_type(from, to) == Some(id) {
        return Some(None);
    }
    LABELLED_TYPES
        .iter()
        .find(|(f, t, i, _)| *f == from && *t == to && *i == id)
        .map(|(_, _, _, label)| Some(*label))
}

/// The object type a type id leads to from `from` (how a create's `associations` name their target).
pub fn target_of(from: &str, id: u32) -> Option<&'static str> {
    ASSOCIATION_TYPES
        .iter()
        .map(|(f, t, i)| (*f, *t, *i))
        .chain(LABELLED_TYPES.iter().map(|(f, t, i, _)| (*f, *t, *i)))
        .find(|(f, _, i)| *f == from && *i == id)
        .map(|(_, t, _)| t)
}

/// The reverse of a labelled type (deal→primary company 5 ↔ company→primary deal 6).
pub fn reverse_type(from: &str, to: &str, id: u32) -> Option<u32> {
    if default_type(from, to) == Some(id) {
        return default_type(to, from);
    }
    let label = type_label(from, to, id)??;
    LABELLED_TYPES
        .iter()
        .find(|(f, t, _, l)| *f == to && *t == from && *l == label)
        .map(|(_, _, i, _)| *i)
}

/// A built-in property: name, HubSpot `type`, its options when it is an enumeration, and whether HubSpot
/// computes it (`modificationMetadata.readOnlyValue`: a write is refused with `READ_ONLY_VALUE`).
pub struct Builtin {
    pub name: &'static str,
    pub kind: &'static str,
    pub options: &'static [&'static str],
    pub read_only: bool,
}

const fn prop(name: &'static str, kind: &'static str) -> Builtin {
    Builtin {
        name,
        kind,
        options: &[],
        read_only: false,
    }
}

const fn pick(name: &'static str, options: &'static [&'static str]) -> Builtin {
    Builtin {
        name,
        kind: "enumeration",
        options,
        read_only: false,
    }
}

/// A value HubSpot computes and an app cannot write.
const fn computed(name: &'static str, kind: &'static str) -> Builtin {
    Builtin {
        name,
        kind,
        options: &[],
        read_only: true,
    }
}

/// Every record's own bookkeeping properties, computed by HubSpot (`createdate` may be written, e.g. by an
/// import; the id and the modification date may not).
const COMMON: &[Builtin] = &[
    computed("hs_object_id", "number"),
    prop("createdate", "datetime"),
    prop("hs_createdate", "datetime"),
    computed("hs_lastmodifieddate", "datetime"),
];

const CONTACT: &[Builtin] = &[
    prop("email", "string"),
    prop("firstname", "string"),
    prop("lastname", "string"),
    prop("phone", "string"),
    prop("mobilephone", "string"),
    prop("company", "string"),
    prop("website", "string"),
    prop("address", "string"),
    prop("city", "string"),
    prop("state", "string"),
    prop("zip", "string"),
    prop("country", "string"),
    prop("jobtitle", "string"),
    computed("lastmodifieddate", "datetime"),
    pick(
        "lifecyclestage",
        &[
            "subscriber",
            "lead",
            "marketingqualifiedlead",
            "salesqualifiedlead",
            "opportunity",
            "customer",
            "evangelist",
            "other",
        ],
    ),
];

const COMPANY: &[Builtin] = &[
    prop("name", "string"),
    prop("domain", "string"),
    prop("phone", "string"),
    prop("address", "string"),
    prop("city", "string"),
    prop("state", "string"),
    prop("zip", "string"),
    prop("country", "string"),
    prop("industry", "string"),
];

const DEAL: &[Builtin] = &[
    prop("dealname", "string"),
    prop("amount", "number"),
    prop("closedate", "datetime"),
    prop("description", "string"),
    prop("deal_currency_code", "string"),
    pick("pipeline", &["default"]),
    pick(
        "dealstage",
        &[
            "appointmentscheduled",
            "qualifiedtobuy",
            "presentationscheduled",
            "decisionmakerboughtin",
            "contractsent",
            "closedwon",
            "closedlost",
        ],
    ),
];

/// Products (HubSpot's products guide): `hs_product_type` is one of HubSpot's three product types;
/// `hs_recurring_billing_period` is an ISO-8601 period such as `P12M`.
const PRODUCT: &[Builtin] = &[
    prop("name", "string"),
    prop("description", "string"),
    prop("price", "number"),
    prop("hs_sku", "string"),
    prop("hs_cost_of_goods_sold", "number"),
    prop("hs_url", "string"),
    prop("hs_recurring_billing_period", "string"),
    pick(
        "hs_product_type",
        &["inventory", "non_inventory", "service"],
    ),
];

const LINE_ITEM: &[Builtin] = &[
    prop("name", "string"),
    prop("description", "string"),
    prop("quantity", "number"),
    prop("price", "number"),
    prop("amount", "number"),
    prop("discount", "number"),
    prop("hs_discount_percentage", "number"),
    prop("hs_sku", "string"),
    prop("hs_product_id", "string"),
    prop("hs_line_item_currency_code", "string"),
    prop("hs_tax_rate_group_id", "string"),
    prop("hs_recurring_billing_period", "string"),
    // Where the line shows on its deal or quote (0-based); the order HubSpot displays lines in.
    prop("hs_position_on_quote", "number"),
];

/// Quote statuses from HubSpot's quotes guide: `APPROVAL_NOT_NEEDED` publishes without approval.
const QUOTE: &[Builtin] = &[
    prop("hs_title", "string"),
    prop("hs_expiration_date", "date"),
    pick(
        "hs_status",
        &[
            "DRAFT",
            "APPROVAL_NOT_NEEDED",
            "PENDING_APPROVAL",
            "APPROVED",
            "REJECTED",
        ],
    ),
    prop("hs_quote_amount", "number"),
    prop("hs_currency", "string"),
    prop("hs_quote_number", "string"),
    prop("hs_public_url_key", "string"),
    prop("hs_language", "string"),
];

/// Native invoices (hubspot-api.md §5 and HubSpot's invoices guide): status draft|open|paid|voided,
/// `hs_invoice_billable`, the dates as datetimes (ISO 8601 or epoch ms). The amounts are HubSpot's own
/// arithmetic, never written: the amount billed is the sum of the associated line items, and the balance
/// and the amount paid follow from payments, which the API cannot record ("Recording payments manually is
/// not possible via the API"); `crate::invoices` computes them.
const INVOICE: &[Builtin] = &[
    prop("hs_currency", "string"),
    pick("hs_invoice_status", &["draft", "open", "paid", "voided"]),
    pick("hs_invoice_billable", &["true", "false"]),
    prop("hs_invoice_date", "datetime"),
    prop("hs_due_date", "datetime"),
    prop("hs_purchase_order_number", "string"),
    prop("hs_comments", "string"),
    prop("hs_tax_id", "string"),
    prop("hs_language", "string"),
    prop("hs_locale", "string"),
    pick("hs_invoice_payment_collection_method", &["manual", "none"]),
    pick("hs_allow_partial_payments", &["true", "false"]),
    prop("hs_recipient_shipping_address", "string"),
    prop("hs_recipient_shipping_city", "string"),
    prop("hs_recipient_shipping_state", "string"),
    prop("hs_recipient_shipping_zip", "string"),
    prop("hs_recipient_shipping_country", "string"),
    prop("hs_invoice_link", "string"),
    prop("hs_pdf_download_link", "string"),
    prop("hs_number", "string"),
    computed("hs_amount_billed", "number"),
    computed("hs_amount_paid", "number"),
    computed("hs_balance_due", "number"),
];

/// HubSpot payments (commerce_payments), as a payment link leaves them on a deal.
const PAYMENT: &[Builtin] = &[
    prop("hs_initial_amount", "number"),
    prop("hs_currency_code", "string"),
    prop("hs_payment_method_type", "string"),
    prop("hs_processed_date", "datetime"),
    pick(
        "hs_latest_status",
        &[
            "processing",
            "succeeded",
            "failed",
            "refunded",
            "partially_refunded",
            "disputed",
        ],
    ),
];

const NOTE: &[Builtin] = &[
    prop("hs_timestamp", "datetime"),
    prop("hs_note_body", "string"),
];

/// The built-in properties of an object type, its own first, then the common ones.
pub fn builtins(object: &str) -> impl Iterator<Item = &'static Builtin> {
    let own: &[Builtin] = match object {
        "contacts" => CONTACT,
        "companies" => COMPANY,
        "deals" => DEAL,
        "products" => PRODUCT,
        "line_items" => LINE_ITEM,
        "quotes" => QUOTE,
        "invoices" => INVOICE,
        "notes" => NOTE,
        "commerce_payments" => PAYMENT,
        _ => &[],
    };
    own.iter().chain(COMMON)
}

/// Properties a create must carry (HubSpot's guides: quotes need a title and an expiration date; a draft
/// invoice needs only `hs_currency`, hubspot-api.md §5; notes need a timestamp).
pub fn required_on_create(object: &str) -> &'static [&'static str] {
    match object {
        "quotes" => &["hs_title", "hs_expiration_date"],
        "invoices" => &["hs_currency"],
        "notes" => &["hs_timestamp"],
        _ => &[],
    }
}

/// What HubSpot returns when a read names no `properties`.
pub fn default_properties(object: &str) -> &'static [&'static str] {
    match object {
        "contacts" => &["email", "firstname", "lastname", "lastmodifieddate"],
        "companies" => &["name", "domain"],
        "deals" => &["dealname", "amount", "dealstage", "pipeline", "closedate"],
        "line_items" => &["name", "quantity", "price", "amount", "hs_product_id"],
        "products" => &["name", "price", "description"],
        "quotes" => &["hs_title", "hs_status", "hs_expiration_date"],
        "invoices" => &["hs_currency", "hs_invoice_status"],
        "commerce_payments" => &["hs_initial_amount", "hs_latest_status"],
        _ => &[],
    }
}
