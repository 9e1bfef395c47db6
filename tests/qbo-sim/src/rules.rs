//! QuickBooks' business rules for what a write stores (quickbooks-api.md §2, §3, §7, §10), each refusal with
//! its documented fault code. A rule sees the record as it would be stored (a create's body, or an update
//! applied to the current record) and fills in what QuickBooks computes. `own` is the record's own Id on an
//! update: uniqueness checks skip it.

use crate::amounts::{amount, checked, decimal, line_amount, money, total_amount};
use crate::clock::Moment;
use crate::faults::Fault;
use crate::state::Company;
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// The sales tax the simulated automated sales tax (AST) charges on US taxable lines.
pub(crate) const US_SALES_TAX_PERCENT: Decimal = Decimal::from_parts(825, 0, 0, false, 2);
/// DocNumber is at most 21 characters (Finance.xsd, quickbooks-api.md §2).
const DOC_NUMBER_MAX: usize = 21;
/// Seen with custom transaction numbers on or off: forces the next number (quickbooks-api.md §2).
const AUTO_GENERATE: &str = "AUTO_GENERATE";

/// Query options of a write that change the rules.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `include=allowduplicatedocnum`.
    pub allow_duplicate_doc_numbers: bool,
}

/// Fields QuickBooks computes. An update drops them from the stored record before applying the request,
/// and the rules compute them again, so a changed line is never left with a stale total.
pub fn derived(entity: &str) -> &'static [&'static str] {
    match entity {
        "Customer" => &["Balance", "BalanceWithJobs", "FullyQualifiedName"],
        "Item" => &["FullyQualifiedName"],
        "Invoice" | "Estimate" | "SalesReceipt" => {
            &["TotalAmt", "Balance", "TxnTaxDetail", "HomeTotalAmt"]
        }
        "Payment" => &["UnappliedAmt"],
        _ => &[],
    }
}

/// Checks `record` against the rules of `entity` and completes it.
pub fn check(
    company: &Company,
    entity: &str,
    record: &mut Map<String, Value>,
    own: Option<&str>,
    at: &Moment,
    options: Options,
) -> Result<(), Fault> {
    match entity {
        "Customer" => customer(company, record, own),
        "Item" => item(company, record, own),
        "Invoice" | "Estimate" | "SalesReceipt" => {
            sales_document(company, entity, record, own, at, options)
        }
        "Payment" => payment(company, record, own, at),
        _ => Err(Fault::unsupported(format!(
            "{entity} is read-only in the simulator"
        ))),
    }
}

fn text<'a>(record: &'a Map<String, Value>, field: &str) -> &'a str {
    record
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
}

pub fn reference<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    record.get(field)?.get("value")?.as_str()
}

/// The record a reference points at: absent → 2020, unknown → 2500, inactive → 610.
fn referenced<'a>(
    company: &'a Company,
    entity: &str,
    id: Option<&str>,
    param: &str,
) -> Result<&'a Value, Fault> {
    let id = id.ok_or_else(|| Fault::required(param))?;
    let record = company
        .find(entity, id)
        .ok_or_else(|| Fault::invalid_reference(entity, id))?;
    if record["Active"] == false {
        return Err(Fault::inactive(entity, id));
    }
    Ok(record)
}

/// A reference with the display name QuickBooks adds.
fn named(id: &str, name: &Value) -> Value {
    json!({"value": id, "name": name})
}

fn one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), Fault> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(Fault::invalid_enumeration(field, v)),
        _ => Ok(()),
    }
}

fn customer(company: &Company, c: &mut Map<String, Value>, own: Option<&str>) -> Result<(), Fault> {
    const NAME_PARTS: [&str; 5] = ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"];
    let name = match text(c, "DisplayName") {
        "" => NAME_PARTS
            .iter()
            .map(|p| text(c, p))
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        given => given.to_string(),
    };
    if name.is_empty() {
        return Err(Fault::no_name());
    }
    let parts = NAME_PARTS.iter().map(|p| text(c, p));
    if std::iter::once(name.as_str())
        .chain(parts)
        .any(|v| v.contains([':', '\t', '\n']))
    {
        return Err(Fault::business(
            "Business Validation Error: names cannot contain a colon (:), a tab or a new line",
        ));
    }
    // QuickBooks compares names case-insensitively; "Acme Ltd." is still not "Acme Ltd".
    let taken = company.records("Customer").iter().any(|other| {
        other["Id"].as_str() != own
            && other["DisplayName"]
                .as_str()
                .is_some_and(|d| d.eq_ignore_ascii_case(&name))
    });
    if taken {
        return Err(Fault::duplicate_name("customer, vendor or employee", &name));
    }
    let balance = own.map_or(Decimal::ZERO, |id| open_balance(company, id));
    if c.get("Active") == Some(&json!(false)) && !balance.is_zero() {
        return Err(Fault::business(format!(
            "Delete List Has Balance Error: the customer has an open balance of {balance}; it cannot be made inactive"
        )));
    }
    let home = company.preference("CurrencyPrefs", "HomeCurrency").clone();
    let currency = c.get("CurrencyRef").cloned().unwrap_or(home.clone());
    if company.preference("CurrencyPrefs", "MultiCurrencyEnabled") != true
        && currency["value"] != home["value"]
    {
        return Err(Fault::business(
            "Business Validation Error: multicurrency is off, so a customer can only use the home currency",
        ));
    }
    c.insert("DisplayName".into(), json!(name));
    c.insert("FullyQualifiedName".into(), json!(name));
    c.insert("CurrencyRef".into(), currency);
    c.entry("Active").or_insert(json!(true));
    c.insert("Balance".into(), total_amount(balance));
    c.insert("BalanceWithJobs".into(), total_amount(balance));
    Ok(())
}

fn item(company: &Company, i: &mut Map<String, Value>, own: Option<&str>) -> Result<(), Fault> {
    const TYPES: &[&str] = &[
        "Assembly",
        "Category",
        "Fixed Asset",
        "Group",
        "Inventory",
        "NonInventory",
        "Other Charge",
        "Payment",
        "Service",
        "Subtotal",
        "Discount",
        "Tax",
        "Tax Group",
        "Bundle",
    ];
    let name = text(i, "Name").to_string();
    if name.is_empty() {
        return Err(Fault::required("Name"));
    }
    // Item names are unique like customer names: case-insensitively, inactive items included.
    let taken = company.records("Item").iter().any(|other| {
        other["Id"].as_str() != own
            && other["Name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(&name))
    });
    if taken {
        return Err(Fault::duplicate_name("product or service", &name));
    }
    let kind = i.get("Type").and_then(Value::as_str).unwrap_or("Service");
    one_of("Type", Some(kind), TYPES)?;
    if matches!(kind, "Service" | "NonInventory" | "Inventory") {
        let income = reference(&Value::Object(i.clone()), "IncomeAccountRef").map(str::to_string);
        referenced(company, "Account", income.as_deref(), "IncomeAccountRef")?;
    }
    i.insert("Type".into(), json!(kind));
    i.insert("FullyQualifiedName".into(), json!(name));
    i.entry("Active").or_insert(json!(true));
    Ok(())
}

/// Invoices, estimates and sales receipts: lines priced and taxed, totals, number, dates, balance.
fn sales_document(
    company: &Company,
    entity: &str,
    d: &mut Map<String, Value>,
    own: Option<&str>,
    at: &Moment,
    options: Options,
) -> Result<(), Fault> {
    let doc = Value::Object(d.clone());
    let customer_id = reference(&doc, "CustomerRef");
    let customer = referenced(company, "Customer", customer_id, "CustomerRef")?;
    let customer_id = customer["Id"].as_str().unwrap_or_default();
    let currency = transaction_currency(company, customer, &doc)?;
    one_of(
        "GlobalTaxCalculation",
        doc["GlobalTaxCalculation"].as_str(),
        &["TaxExcluded", "TaxInclusive", "NotApplicable"],
    )?;
    if doc["GlobalTaxCalculation"] == "TaxInclusive" {
        return Err(Fault::unsupported(
            "GlobalTaxCalculation TaxInclusive is not simulated; send TaxExcluded",
        ));
    }
    let priced = price_lines(
        company,
        doc["Line"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )?;
    // Under automated sales tax an explicit TotalTax is honoured (quickbooks-api.md §10).
    let tax = match amount(&doc["TxnTaxDetail"]["TotalTax"], "TxnTaxDetail.TotalTax")? {
        Some(given) if company.is_us() => money(given),
        _ => money(priced.tax),
    };
    let total = checked(priced.subtotal.checked_add(tax), "TotalAmt")?;
    doc_number(company, entity, d, own, options)?;
    let txn_date = match d.get("TxnDate").and_then(Value::as_str) {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Fault::invalid_body(format!("TxnDate {s} is not a date (YYYY-MM-DD)")))?,
        None => at.today(),
    };
    d.insert("TxnDate".into(), json!(txn_date.to_string()));
    d.insert(
        "CustomerRef".into(),
        named(customer_id, &customer["DisplayName"]),
    );
    d.insert("CurrencyRef".into(), currency);
    d.insert("Line".into(), Value::Array(priced.lines));
    d.insert(
        "TxnTaxDetail".into(),
        json!({"TotalTax": total_amount(tax)}),
    );
    d.insert("TotalAmt".into(), total_amount(total));
    email_status(d, customer)?;
    d.entry("PrintStatus").or_insert(json!("NotSet"));
    match entity {
        "Invoice" => {
            due_date(company, d, customer, txn_date)?;
            let paid = own.map_or(Decimal::ZERO, |id| paid(company, id, None).0);
            let balance = checked(total.checked_sub(paid), "Balance")?;
            d.insert("Balance".into(), total_amount(balance));
        }
        "SalesReceipt" => {
            d.insert("Balance".into(), total_amount(Decimal::ZERO));
        }
        _ => {
            const ESTIMATE_STATUSES: &[&str] = &["Accepted", "Closed", "Pending", "Rejected"];
            one_of(
                "TxnStatus",
                d.get("TxnStatus").and_then(Value::as_str),
                ESTIMATE_STATUSES,
            )?;
            d.entry("TxnStatus").or_insert(json!("Pending"));
        }
    }
    Ok(())
}

/// The customer's currency fixes the transaction's (quickbooks-api.md §10); a different one is refused.
fn transaction_currency(company: &Company, customer: &Value, doc: &Value) -> Result<Value, Fault> {
    let currency = customer
        .get("CurrencyRef")
        .cloned()
        .unwrap_or_else(|| company.preference("CurrencyPrefs", "HomeCurrency").clone());
    match reference(doc, "CurrencyRef") {
        Some(given) if Some(given) != currency["value"].as_str() => Err(Fault::business(format!(
            "Business Validation Error: the transaction currency {given} must be the customer's ({})",
            currency["value"].as_str().unwrap_or_default()
        ))),
        _ => Ok(currency),
    }
}

/// `EmailStatus` is an enumeration, and `NeedToSend` needs somewhere to send to (quickbooks-api.md §3).
fn email_status(d: &mut Map<String, Value>, customer: &Value) -> Result<(), Fault> {
    let status = d
        .get("EmailStatus")
        .and_then(Value::as_str)
        .map(str::to_string);
    let status = status.as_deref();
    one_of(
        "EmailStatus",
        status,
        &["NotSet", "NeedToSend", "EmailSent"],
    )?;
    if let Some(email) = customer.get("PrimaryEmailAddr") {
        d.entry("BillEmail").or_insert(email.clone());
    }
    if status == Some("NeedToSend") && d["BillEmail"]["Address"].as_str().is_none_or(str::is_empty)
    {
        return Err(Fault::business(
            "Business Validation Error: BillEmail is required when EmailStatus is NeedToSend",
        ));
    }
    d.entry("EmailStatus").or_insert(json!("NotSet"));
    Ok(())
}

/// `DueDate` from the terms: the document's, else the customer's, else the company default; when the
/// caller gives no `DueDate` (quickbooks-api.md §3).
fn due_date(
    company: &Company,
    d: &mut Map<String, Value>,
    customer: &Value,
    txn_date: NaiveDate,
) -> Result<(), Fault> {
    let doc = Value::Object(d.clone());
    let term_id = reference(&doc, "SalesTermRef")
        .or_else(|| reference(customer, "SalesTermRef"))
        .or_else(|| reference(&company.seed.preferences["SalesFormsPrefs"], "DefaultTerms"));
    let Some(term_id) = term_id else {
        d.entry("DueDate").or_insert(json!(txn_date.to_string()));
        return Ok(());
    };
    let term = referenced(company, "Term", Some(term_id), "SalesTermRef")?;
    d.insert("SalesTermRef".into(), named(term_id, &term["Name"]));
    let days = term["DueDays"].as_i64().unwrap_or(0);
    if !d.contains_key("DueDate") {
        let due = Duration::try_days(days)
            .and_then(|days| txn_date.checked_add_signed(days))
            .ok_or_else(|| Fault::out_of_range(format!("DueDate ({txn_date} + {days} days)")))?;
        d.insert("DueDate".into(), json!(due.to_string()));
    }
    Ok(())
}

struct Priced {
    lines: Vec<Value>,
    subtotal: Decimal,
    tax: Decimal,
}

/// Prices every line; QuickBooks writes its own subtotal line, numbers the lines and sums them.
fn price_lines(company: &Company, given: &[Value]) -> Result<Priced, Fault> {
    let mut priced = Priced {
        lines: Vec::new(),
        subtotal: Decimal::ZERO,
        tax: Decimal::ZERO,
    };
    for line in given {
        let mut line = match line["DetailType"].as_str() {
            Some("SalesItemLineDetail") => {
                let (line, amount, tax) = sales_line(company, line)?;
                priced.subtotal = checked(priced.subtotal.checked_add(amount), "the subtotal")?;
                priced.tax = checked(priced.tax.checked_add(tax), "the tax")?;
                line
            }
            Some("DescriptionOnly") => line.clone(),
            Some("SubTotalLineDetail") => continue,
            Some(other) => {
                return Err(Fault::unsupported(format!(
                    "Line DetailType {other} is not simulated"
                )))
            }
            None => return Err(Fault::required("Line.DetailType")),
        };
        let number = priced.lines.len() + 1;
        line["Id"] = json!(number.to_string());
        line["LineNum"] = json!(number);
        priced.lines.push(line);
    }
    if !priced
        .lines
        .iter()
        .any(|l| l["DetailType"] == "SalesItemLineDetail")
    {
        return Err(Fault::required("Line"));
    }
    priced.lines.push(json!({
        "Amount": line_amount(priced.subtotal),
        "DetailType": "SubTotalLineDetail",
        "SubTotalLineDetail": {},
    }));
    Ok(priced)
}

/// One item line: its item, `Amount = Qty × UnitPrice` (6070), its tax. Returns (line, amount, tax).
fn sales_line(company: &Company, line: &Value) -> Result<(Value, Decimal, Decimal), Fault> {
    let detail = &line["SalesItemLineDetail"];
    let item_id = reference(detail, "ItemRef");
    let item = referenced(company, "Item", item_id, "Line.SalesItemLineDetail.ItemRef")?;
    let qty = amount(&detail["Qty"], "Line.SalesItemLineDetail.Qty")?;
    let price = amount(&detail["UnitPrice"], "Line.SalesItemLineDetail.UnitPrice")?;
    let amount = match (amount(&line["Amount"], "Line.Amount")?, qty, price) {
        (Some(a), Some(q), Some(p)) => {
            let product = checked(q.checked_mul(p), "Qty * UnitPrice")?;
            if money(product) != money(a) {
                return Err(Fault::amount_mismatch(
                    &a.to_string(),
                    &p.to_string(),
                    &q.to_string(),
                ));
            }
            money(a)
        }
        (Some(a), _, _) => money(a),
        (None, _, _) => return Err(Fault::required("Line.Amount")),
    };
    let percent = tax_percent(company, detail["TaxCodeRef"]["value"].as_str(), item)?;
    let mut line = line.clone();
    line["Amount"] = line_amount(amount);
    line["SalesItemLineDetail"]["ItemRef"] = named(item_id.unwrap_or_default(), &item["Name"]);
    let tax = checked(amount.checked_mul(percent), "the line's tax")? / Decimal::ONE_HUNDRED;
    Ok((line, amount, tax))
}

/// The tax rate of a line, in percent. US: `TAX`/`NON` (or the item's `Taxable`) under automated sales
/// tax. Elsewhere: a TaxCode Id on every line (6000 without one, worded per country), whose first sales
/// TaxRate applies.
fn tax_percent(company: &Company, code: Option<&str>, item: &Value) -> Result<Decimal, Fault> {
    if company.is_us() {
        let taxable = match code {
            Some("TAX") => true,
            Some("NON") => false,
            Some(other) => return Err(Fault::invalid_reference("TaxCode", other)),
            None => item["Taxable"] == true,
        };
        return Ok(if taxable {
            US_SALES_TAX_PERCENT
        } else {
            Decimal::ZERO
        });
    }
    let code = code.ok_or_else(|| Fault::tax_rate_missing(company.country()))?;
    let tax_code = referenced(company, "TaxCode", Some(code), "TaxCodeRef")?;
    let rate = reference(
        &tax_code["SalesTaxRateList"]["TaxRateDetail"][0],
        "TaxRateRef",
    );
    Ok(rate
        .and_then(|id| company.find("TaxRate", id))
        .and_then(|r| decimal(&r["RateValue"]))
        .unwrap_or(Decimal::ZERO))
}

/// With custom transaction numbers on, the number is the caller's (a duplicate → 6140 unless
/// `include=allowduplicatedocnum`; none stays empty); off, QuickBooks assigns the next one. `AUTO_GENERATE`
/// or `AutoDocNumber: true` assign the next one either way (quickbooks-api.md §2).
fn doc_number(
    company: &Company,
    entity: &str,
    d: &mut Map<String, Value>,
    own: Option<&str>,
    options: Options,
) -> Result<(), Fault> {
    let custom = company.preference("SalesFormsPrefs", "CustomTxnNumbers") == true;
    let given = d
        .get("DocNumber")
        .and_then(Value::as_str)
        .map(str::to_string);
    let auto = d.remove("AutoDocNumber") == Some(json!(true))
        || given.as_deref() == Some(AUTO_GENERATE)
        || (given.is_none() && !custom && own.is_none());
    if auto {
        let next = company
            .records(entity)
            .iter()
            // A number without a successor (u64::MAX) is skipped, never incremented into an overflow.
            .filter_map(|r| r["DocNumber"].as_str()?.parse::<u64>().ok()?.checked_add(1))
            .max()
            .unwrap_or(1001);
        d.insert("DocNumber".into(), json!(next.to_string()));
        return Ok(());
    }
    let Some(number) = given else {
        return Ok(());
    };
    if number.chars().count() > DOC_NUMBER_MAX {
        return Err(Fault::business(format!(
            "Business Validation Error: DocNumber {number} is longer than {DOC_NUMBER_MAX} characters"
        )));
    }
    let duplicate = company
        .records(entity)
        .iter()
        .any(|r| r["Id"].as_str() != own && r["DocNumber"] == number.as_str());
    if custom && duplicate && !options.allow_duplicate_doc_numbers {
        return Err(Fault::duplicate_doc_number(&number));
    }
    Ok(())
}

/// A payment: an active customer, a total, and lines applied to that customer's invoices, none beyond its
/// open balance and all together not beyond the total.
fn payment(
    company: &Company,
    p: &mut Map<String, Value>,
    own: Option<&str>,
    at: &Moment,
) -> Result<(), Fault> {
    let doc = Value::Object(p.clone());
    let customer = referenced(
        company,
        "Customer",
        reference(&doc, "CustomerRef"),
        "CustomerRef",
    )?;
    let total = amount(&doc["TotalAmt"], "TotalAmt")?.ok_or_else(|| Fault::required("TotalAmt"))?;
    let mut applied = Decimal::ZERO;
    for line in doc["Line"].as_array().into_iter().flatten() {
        let amount = amount(&line["Amount"], "Line.Amount")?
            .ok_or_else(|| Fault::required("Line.Amount"))?;
        for link in line["LinkedTxn"].as_array().into_iter().flatten() {
            if link["TxnType"] != "Invoice" {
                return Err(Fault::unsupported(format!(
                    "payments applied to {} are not simulated",
                    link["TxnType"]
                )));
            }
            let id = link["TxnId"].as_str().unwrap_or_default();
            let invoice = company
                .find("Invoice", id)
                .ok_or_else(|| Fault::invalid_reference("Invoice", id))?;
            if invoice["CustomerRef"]["value"] != customer["Id"] {
                return Err(Fault::business(format!(
                    "Business Validation Error: invoice {id} belongs to another customer"
                )));
            }
            let open = checked(
                decimal(&invoice["TotalAmt"])
                    .unwrap_or_default()
                    .checked_sub(paid(company, id, own).0),
                "the invoice's open balance",
            )?;
            if amount > open {
                return Err(Fault::business(format!(
                    "Business Validation Error: the payment of {amount} is more than invoice {id}'s open balance of {open}"
                )));
            }
        }
        applied = checked(applied.checked_add(amount), "the applied amounts")?;
    }
    if applied > total {
        return Err(Fault::business(format!(
            "Business Validation Error: the applied amounts ({applied}) exceed the payment total ({total})"
        )));
    }
    let currency = transaction_currency(company, customer, &doc)?;
    p.insert("CurrencyRef".into(), currency);
    p.insert(
        "CustomerRef".into(),
        named(
            customer["Id"].as_str().unwrap_or_default(),
            &customer["DisplayName"],
        ),
    );
    p.insert("TotalAmt".into(), total_amount(total));
    let unapplied = checked(total.checked_sub(applied), "UnappliedAmt")?;
    p.insert("UnappliedAmt".into(), total_amount(unapplied));
    p.entry("TxnDate").or_insert(json!(at.today().to_string()));
    Ok(())
}

/// What the company's payments (but `except`) apply to an invoice, and which payments they are.
pub fn paid(company: &Company, invoice_id: &str, except: Option<&str>) -> (Decimal, Vec<String>) {
    let mut sum = Decimal::ZERO;
    let mut payments = Vec::new();
    for payment in company.records("Payment") {
        let id = payment["Id"].as_str().unwrap_or_default();
        if Some(id) == except {
            continue;
        }
        for line in payment["Line"].as_array().into_iter().flatten() {
            let applies = line["LinkedTxn"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|l| l["TxnType"] == "Invoice" && l["TxnId"] == invoice_id);
            if applies {
                // Stored amounts passed the checks one by one; a sum beyond every bound saturates.
                sum = sum.saturating_add(decimal(&line["Amount"]).unwrap_or_default());
                if !payments.iter().any(|p| p == id) {
                    payments.push(id.to_string());
                }
            }
        }
    }
    (sum, payments)
}

/// A customer's open balance: what its invoices still owe.
fn open_balance(company: &Company, customer_id: &str) -> Decimal {
    company
        .records("Invoice")
        .iter()
        .filter(|i| i["CustomerRef"]["value"] == customer_id)
        .filter_map(|i| decimal(&i["Balance"]))
        .fold(Decimal::ZERO, Decimal::saturating_add)
}

/// A new version: SyncToken + 1 and a new LastUpdatedTime.
pub fn bump(record: &mut Value, at: &Moment) {
    let token = record["SyncToken"]
        .as_str()
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(0);
    // Only a seed can hold u64::MAX here (clients never write SyncToken): stay there rather than wrap.
    record["SyncToken"] = json!(token.saturating_add(1).to_string());
    record["MetaData"]["LastUpdatedTime"] = json!(at.stamp());
}

/// After payments changed: each invoice's `Balance` is its total less what is applied to it (never below
/// zero), its `LinkedTxn` lists those payments, and its customer's balance follows.
pub fn settle(company: &mut Company, invoice_ids: &[String], at: &Moment) {
    for id in invoice_ids {
        let (paid, payments) = paid(company, id, None);
        let Some(invoice) = company.find_mut("Invoice", id) else {
            continue;
        };
        let total = decimal(&invoice["TotalAmt"]).unwrap_or_default();
        let mut linked: Vec<Value> = invoice["LinkedTxn"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|l| l["TxnType"] != "Payment")
            .cloned()
            .collect();
        linked.extend(
            payments
                .iter()
                .map(|p| json!({"TxnId": p, "TxnType": "Payment"})),
        );
        invoice["Balance"] = total_amount(total.saturating_sub(paid).max(Decimal::ZERO));
        invoice["LinkedTxn"] = Value::Array(linked);
        bump(invoice, at);
        let customer = invoice["CustomerRef"]["value"].as_str().map(str::to_string);
        if let Some(customer) = customer {
            refresh_customer_balance(company, &customer);
        }
    }
}

/// A customer's `Balance` is the sum of its invoices' balances.
pub fn refresh_customer_balance(company: &mut Company, customer_id: &str) {
    let balance = open_balance(company, customer_id);
    if let Some(customer) = company.find_mut("Customer", customer_id) {
        customer["Balance"] = total_amount(balance);
        customer["BalanceWithJobs"] = total_amount(balance);
    }
}
