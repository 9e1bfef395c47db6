//! A generated company of any size, for tests and the bench that need QuickBooks at scale (issue 12): the
//! demo US company's settings, terms and accounts, plus as many customers, items and invoices as asked for,
//! with payments, voids, deletes and inactive records mixed in. The same spec and the same `now` always give
//! the same company, byte for byte, so a failing test or a bench figure can be reproduced.
//!
//! Records are built directly in their stored shape (the shape the write rules produce), not through the
//! write path: 10,000 invoices must seed in well under a second.

use crate::amounts::{line_amount, money, total_amount};
use crate::clock::parse_zone;
use crate::rules::US_SALES_TAX_PERCENT;
use crate::state::{CompanySeed, Tombstone};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The realm a generated company answers as, unless the spec names another.
pub const GENERATED_REALM: &str = "9130357766900099";
/// More than any test or bench needs, and few enough that a mistyped size is refused instead of eating the
/// machine's memory.
const MAX_RECORDS: usize = 200_000;
const MAX_DAYS: u32 = 3650;

/// What to generate. Every field has a default, so `{"invoices": 10000}` is a whole spec.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Generate {
    pub realm_id: String,
    /// The random seed: another seed, another (equally shaped) company.
    pub seed: u64,
    pub customers: usize,
    pub items: usize,
    pub invoices: usize,
    /// Invoices are dated across this many days before now.
    pub days: u32,
}

impl Default for Generate {
    fn default() -> Self {
        Self {
            realm_id: GENERATED_REALM.into(),
            seed: 1,
            customers: 50,
            items: 20,
            invoices: 200,
            days: 730,
        }
    }
}

/// How the records are mixed, in percent. Chosen so that even a small company has a few of each case.
mod mix {
    pub const CUSTOMER_WITHOUT_EMAIL: u64 = 10;
    pub const CUSTOMER_SHARING_EMAIL: u64 = 5;
    pub const CUSTOMER_INACTIVE: u64 = 5;
    pub const CUSTOMER_EDITED: u64 = 10;
    pub const ITEM_INVENTORY: u64 = 25;
    pub const ITEM_NON_INVENTORY: u64 = 15;
    pub const ITEM_INACTIVE: u64 = 5;
    pub const INVOICE_VOIDED: u64 = 3;
    pub const INVOICE_DELETED: u64 = 2;
    pub const INVOICE_PAID: u64 = 40;
    pub const INVOICE_PART_PAID: u64 = 15;
    pub const INVOICE_SENT: u64 = 60;
}

/// What generation adds to the base company: its records by entity, and the invoices it deleted.
pub struct Generated {
    pub seed: CompanySeed,
    pub deleted: Vec<Tombstone>,
    /// The last Id handed out, deleted invoices' and payments' included (Ids are never reused).
    pub last_id: u64,
}

/// SplitMix64: tiny, fast and fixed forever, unlike `rand`'s `StdRng`, whose stream may change between
/// versions (a generated company must stay the same company).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }

    /// An instant in `[from, to]`, whole seconds.
    fn between(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
        let span = (to - from).num_seconds().max(0) as u64;
        from + Duration::seconds(self.below(span + 1) as i64)
    }
}

const GIVEN: &[&str] = &[
    "Ada", "Alan", "Barbara", "Claude", "Dorothy", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
    "Joan", "Ken", "Leslie", "Margaret", "Niklaus", "Radia", "Shafi", "Tim", "Unity", "Vint",
];
const FAMILY: &[&str] = &[
    "Lovelace",
    "Turing",
    "Liskov",
    "Shannon",
    "Hodgkin",
    "Dijkstra",
    "Allen",
    "Hopper",
    "Lamarr",
    "Sutherland",
    "Clarke",
    "Thompson",
    "Lamport",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Goldwasser",
    "Berners",
    "Okafor",
    "Cerf",
];
const COMPANY: &[&str] = &[
    "Ltd", "Inc.", "LLC", "& Co", "Group", "Partners", "Studio", "Works",
];
const STATES: &[(&str, &str)] = &[
    ("Middlefield", "CA"),
    ("Bayshore", "CA"),
    ("Portland", "OR"),
    ("Austin", "TX"),
    ("Brooklyn", "NY"),
    ("Denver", "CO"),
];
const ADJECTIVE: &[&str] = &[
    "Basic", "Premium", "Compact", "Heavy", "Smart", "Classic", "Rapid", "Eco",
];
const NOUN: &[&str] = &[
    "Widget", "Gadget", "Bracket", "Sensor", "Cable", "Panel", "Valve", "Audit", "Training",
    "Support",
];

/// Why a spec is refused (the control API answers 400 with it).
pub fn check(spec: &Generate) -> Result<(), String> {
    for (what, n) in [
        ("customers", spec.customers),
        ("items", spec.items),
        ("invoices", spec.invoices),
    ] {
        if n > MAX_RECORDS {
            return Err(format!("generate: {what} {n} is more than {MAX_RECORDS}"));
        }
    }
    if spec.invoices > 0 && (spec.customers == 0 || spec.items == 0) {
        return Err("generate: invoices need at least one customer and one item".into());
    }
    if !(1..=MAX_DAYS).contains(&spec.days) {
        return Err(format!("generate: days must be 1 to {MAX_DAYS}"));
    }
    Ok(())
}

/// The generated company on top of `base` (whose settings, terms and accounts it keeps and whose
/// customers, items and transactions it drops), as of `now` in the base's time zone.
pub fn company(
    spec: &Generate,
    base: &CompanySeed,
    now: DateTime<Utc>,
) -> Result<Generated, String> {
    check(spec)?;
    let zone = base.company_info["DefaultTimeZone"]
        .as_str()
        .and_then(parse_zone)
        .ok_or("generate: the base company has no IANA time zone")?;
    let now = now - Duration::nanoseconds(now.timestamp_subsec_nanos().into());
    let mut seed = base.clone();
    seed.realm_id = spec.realm_id.clone();
    seed.company_info["CompanyName"] = json!(format!("Generated Company {}", spec.seed));
    seed.company_info["LegalName"] = seed.company_info["CompanyName"].clone();
    seed.entities
        .retain(|entity, _| matches!(entity.as_str(), "Term" | "Account" | "TaxCode" | "TaxRate"));
    let first_id = seed
        .entities
        .values()
        .flatten()
        .filter_map(|r| r["Id"].as_str()?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let mut g = Generator {
        rng: Rng(spec.seed),
        next_id: first_id,
        now,
        zone,
        start: now - Duration::days(spec.days.into()),
    };
    let mut customers = g.customers(spec.customers);
    let items = g.items(spec.items);
    let (invoices, payments, deleted) = g.invoices(spec.invoices, &mut customers, &items);
    let stored = |list: Vec<Stored>| list.into_iter().map(|s| s.record).collect::<Vec<_>>();
    seed.entities.insert("Customer".into(), stored(customers));
    seed.entities.insert("Item".into(), stored(items));
    seed.entities.insert("Invoice".into(), invoices);
    seed.entities.insert("Payment".into(), payments);
    Ok(Generated {
        seed,
        deleted,
        last_id: g.next_id - 1,
    })
}

/// A record and what later records need to know about it.
struct Stored {
    record: Value,
    balance: Decimal,
    price: Decimal,
    taxable: bool,
}

struct Generator {
    rng: Rng,
    next_id: u64,
    now: DateTime<Utc>,
    zone: Tz,
    /// The earliest invoice.
    start: DateTime<Utc>,
}

impl Generator {
    fn id(&mut self) -> String {
        self.next_id += 1;
        (self.next_id - 1).to_string()
    }

    fn stamp(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.zone)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    fn date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    fn meta(&self, created: DateTime<Utc>, updated: DateTime<Utc>) -> Value {
        json!({"CreateTime": self.stamp(created), "LastUpdatedTime": self.stamp(updated)})
    }

    /// Created up to a year before the first invoice; a few edited since.
    fn created_and_updated(&mut self, edited_percent: u64) -> (DateTime<Utc>, DateTime<Utc>) {
        let created = self
            .rng
            .between(self.start - Duration::days(365), self.start);
        let updated = match self.rng.percent(edited_percent) {
            true => self.rng.between(created, self.now),
            false => created,
        };
        (created, updated)
    }

    fn customers(&mut self, n: usize) -> Vec<Stored> {
        let mut out: Vec<Stored> = Vec::with_capacity(n);
        for number in 1..=n {
            let given = self.rng.pick(GIVEN);
            let family = self.rng.pick(FAMILY);
            let company = format!("{family} {}", self.rng.pick(COMPANY));
            let active = !self.rng.percent(mix::CUSTOMER_INACTIVE);
            let display = match active {
                true => format!("{company} {number}"),
                // As the demo seed's "Initech (deleted)" (quickbooks-api.md §2, *unverified* there).
                false => format!("{company} {number} (deleted)"),
            };
            let email = if self.rng.percent(mix::CUSTOMER_WITHOUT_EMAIL) {
                None
            } else if self.rng.percent(mix::CUSTOMER_SHARING_EMAIL) && !out.is_empty() {
                let other = self.rng.below(out.len() as u64) as usize;
                out[other].record["PrimaryEmailAddr"]["Address"]
                    .as_str()
                    .map(str::to_string)
            } else {
                Some(format!(
                    "{}.{}{number}@{}.example",
                    given.to_lowercase(),
                    family.to_lowercase(),
                    family.to_lowercase()
                ))
            };
            let (city, state) = STATES[self.rng.below(STATES.len() as u64) as usize];
            let (created, updated) = self.created_and_updated(mix::CUSTOMER_EDITED);
            let id = self.id();
            let mut record = json!({
                "Id": id.clone(),
                "SyncToken": if created == updated { "0" } else { "1" },
                "DisplayName": display,
                "CompanyName": company,
                "GivenName": given,
                "FamilyName": family,
                "Active": active,
                "PrimaryPhone": {"FreeFormNumber": format!("(555) {:03}-{:04}", self.rng.below(1000), self.rng.below(10000))},
                "BillAddr": {"Id": format!("{id}01"), "Line1": format!("{} Main St.", 1 + self.rng.below(9999)), "City": city, "CountrySubDivisionCode": state, "PostalCode": format!("{:05}", self.rng.below(100_000))},
                "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
                "Taxable": true,
                "domain": "QBO",
                "sparse": false,
            });
            // Nested values are moved in after `json!`, which would copy them through the serializer.
            record["MetaData"] = self.meta(created, updated);
            if let Some(address) = email {
                record["PrimaryEmailAddr"] = json!({ "Address": address });
            }
            out.push(Stored {
                record,
                balance: Decimal::ZERO,
                price: Decimal::ZERO,
                taxable: false,
            });
        }
        out
    }

    fn items(&mut self, n: usize) -> Vec<Stored> {
        (1..=n)
            .map(|number| {
                let roll = self.rng.below(100);
                let kind = if roll < mix::ITEM_INVENTORY {
                    "Inventory"
                } else if roll < mix::ITEM_INVENTORY + mix::ITEM_NON_INVENTORY {
                    "NonInventory"
                } else {
                    "Service"
                };
                // Services are billed by the hour at whole prices; goods in cents.
                let price = match kind {
                    "Service" => Decimal::from(25 * (1 + self.rng.below(12))),
                    _ => Decimal::new(100 + self.rng.below(49_900) as i64, 2),
                };
                let taxable = kind != "Service";
                let name = format!(
                    "{} {} {number}",
                    self.rng.pick(ADJECTIVE),
                    self.rng.pick(NOUN)
                );
                let (created, updated) = self.created_and_updated(mix::CUSTOMER_EDITED);
                let mut record = json!({
                    "Id": self.id(),
                    "SyncToken": if created == updated { "0" } else { "1" },
                    "Name": name,
                    "Sku": format!("SKU-{number:05}"),
                    "Description": format!("{name}, generated"),
                    "Type": kind,
                    "Active": !self.rng.percent(mix::ITEM_INACTIVE),
                    "UnitPrice": line_amount(price),
                    "Taxable": taxable,
                    "domain": "QBO",
                    "sparse": false,
                });
                record["IncomeAccountRef"] = match kind {
                    "Service" => json!({"value": "1", "name": "Services"}),
                    _ => json!({"value": "79", "name": "Sales of Product Income"}),
                };
                record["MetaData"] = self.meta(created, updated);
                if kind == "Inventory" {
                    record["TrackQtyOnHand"] = json!(true);
                    record["QtyOnHand"] = json!(self.rng.below(500));
                    record["AssetAccountRef"] = json!({"value": "81", "name": "Inventory Asset"});
                    record["InvStartDate"] = json!(self.date(created).to_string());
                }
                Stored {
                    record,
                    balance: Decimal::ZERO,
                    price,
                    taxable,
                }
            })
            .collect()
    }

    /// Invoices in the order they were created (so Ids and `DocNumber`s rise with time), their payments,
    /// and the deleted ones' tombstones. Customers' balances are the sum of their invoices' balances; an
    /// inactive customer's invoices are all settled (QuickBooks refuses to deactivate one with a balance).
    fn invoices(
        &mut self,
        n: usize,
        customers: &mut [Stored],
        items: &[Stored],
    ) -> (Vec<Value>, Vec<Value>, Vec<Tombstone>) {
        let mut created: Vec<DateTime<Utc>> = (0..n)
            .map(|_| self.rng.between(self.start, self.now))
            .collect();
        created.sort();
        let mut invoices = Vec::with_capacity(n);
        let mut deleted = Vec::new();
        // (when, invoice index, customer, amount): paid after all invoices have their Ids.
        let mut payments: Vec<(DateTime<Utc>, usize, usize, Decimal)> = Vec::new();
        for (number, at) in created.into_iter().enumerate() {
            let id = self.id();
            let doc_number = (1001 + number).to_string();
            let c = self.rng.below(customers.len() as u64) as usize;
            let customer = &customers[c];
            let (lines, total, tax) = self.lines(items);
            let txn_date = self.date(at);
            let roll = self.rng.below(100);
            let voided = roll < mix::INVOICE_VOIDED;
            let removed = !voided && roll < mix::INVOICE_VOIDED + mix::INVOICE_DELETED;
            let settled = customer.record["Active"] == false;
            let roll = self.rng.below(100);
            let paid = if voided || removed {
                Decimal::ZERO
            } else if settled || roll < mix::INVOICE_PAID {
                total
            } else if roll < mix::INVOICE_PAID + mix::INVOICE_PART_PAID {
                money(total * Decimal::new(10 + self.rng.below(80) as i64, 2))
            } else {
                Decimal::ZERO
            };
            let changed = match voided || removed || !paid.is_zero() {
                true => self.rng.between(at, self.now),
                false => at,
            };
            if removed {
                deleted.push(Tombstone {
                    entity: "Invoice".into(),
                    id,
                    at: changed,
                    stamp: self.stamp(changed),
                });
                continue;
            }
            if !paid.is_zero() {
                payments.push((changed, invoices.len(), c, paid));
            }
            let email = customer.record["PrimaryEmailAddr"].clone();
            let sent = !email.is_null() && self.rng.percent(mix::INVOICE_SENT);
            let mut invoice = json!({
                "Id": id,
                "SyncToken": if changed == at { "0" } else { "1" },
                "DocNumber": doc_number,
                "TxnDate": txn_date.to_string(),
                "DueDate": (txn_date + Duration::days(30)).to_string(),
                "CustomerRef": {"value": customer.record["Id"], "name": customer.record["DisplayName"]},
                "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
                "TxnTaxDetail": {"TotalTax": total_amount(tax)},
                "TotalAmt": total_amount(total),
                "Balance": total_amount(total - paid),
                "EmailStatus": if sent { "EmailSent" } else { "NotSet" },
                "PrintStatus": "NotSet",
                "SalesTermRef": {"value": "3", "name": "Net 30"},
                "domain": "QBO",
                "sparse": false,
            });
            invoice["Line"] = Value::Array(lines);
            invoice["MetaData"] = self.meta(at, changed);
            if !email.is_null() {
                invoice["BillEmail"] = email;
            }
            if voided {
                crate::writes::zero_voided(&mut invoice, "Invoice");
            }
            if !voided {
                customers[c].balance += total - paid;
            }
            invoices.push(invoice);
        }
        for customer in customers.iter_mut() {
            customer.record["Balance"] = total_amount(customer.balance);
            customer.record["BalanceWithJobs"] = total_amount(customer.balance);
        }
        payments.sort_by_key(|(at, ..)| *at);
        let payments = payments
            .into_iter()
            .map(|(at, invoice, c, amount)| {
                let id = self.id();
                invoices[invoice]["LinkedTxn"] = json!([{"TxnId": id, "TxnType": "Payment"}]);
                let invoice_id = invoices[invoice]["Id"].clone();
                let customer = &customers[c].record;
                let mut payment = json!({
                    "Id": id,
                    "SyncToken": "0",
                    "TxnDate": self.date(at).to_string(),
                    "CustomerRef": {"value": customer["Id"], "name": customer["DisplayName"]},
                    "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
                    "TotalAmt": total_amount(amount),
                    "UnappliedAmt": total_amount(Decimal::ZERO),
                    "Line": [{"Amount": line_amount(amount), "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]}],
                    "domain": "QBO",
                    "sparse": false,
                });
                payment["MetaData"] = self.meta(at, at);
                payment
            })
            .collect();
        (invoices, payments, deleted)
    }

    /// One to three item lines and the subtotal line; US automated sales tax on taxable items. Returns the
    /// lines, the total and the tax.
    fn lines(&mut self, items: &[Stored]) -> (Vec<Value>, Decimal, Decimal) {
        let mut lines = Vec::new();
        let (mut subtotal, mut taxable) = (Decimal::ZERO, Decimal::ZERO);
        for n in 1..=1 + self.rng.below(3) {
            let item = &items[self.rng.below(items.len() as u64) as usize];
            let qty = Decimal::from(1 + self.rng.below(20));
            let amount = qty * item.price;
            subtotal += amount;
            if item.taxable {
                taxable += amount;
            }
            lines.push(json!({
                "Id": n.to_string(),
                "LineNum": n,
                "Amount": line_amount(amount),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": item.record["Id"], "name": item.record["Name"]},
                    "Qty": line_amount(qty),
                    "UnitPrice": line_amount(item.price),
                    "TaxCodeRef": {"value": if item.taxable { "TAX" } else { "NON" }},
                },
            }));
        }
        lines.push(json!({"Amount": line_amount(subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}));
        let tax = money(taxable * US_SALES_TAX_PERCENT / Decimal::ONE_HUNDRED);
        (lines, subtotal + tax, tax)
    }
}

/// The demo US company, the base every generated company starts from.
pub fn base() -> CompanySeed {
    crate::state::Seed::demo()
        .companies
        .into_iter()
        .find(|c| c.company_info["Country"] == "US")
        .expect("the demo seed has a US company")
}
