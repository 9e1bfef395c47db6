//! Creates, sparse updates, voids and deletes, with QuickBooks' business rules and fault codes
//! (quickbooks-api.md §2, §7, §8, §10). Money is computed with decimals. Whole line amounts are written as
//! integers (`275`) and document totals as floats (`275.0`): real answers mix both, so clients must accept both.

use crate::state::Company;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Map, Value};
use std::str::FromStr;

/// A fault to answer with: HTTP status, Intuit code, message, detail.
#[derive(Debug)]
pub struct Fault {
    pub status: u16,
    pub code: &'static str,
    pub message: &'static str,
    pub detail: String,
}

fn fault(code: &'static str, message: &'static str, detail: impl Into<String>) -> Fault {
    Fault {
        status: 400,
        code,
        message,
        detail: detail.into(),
    }
}

/// The sales-tax rate the simulated US companies' automated sales tax applies to taxable lines.
const US_SALES_TAX_PERCENT: &str = "8.25";

/// What a write needs to know about the moment and the company.
pub struct Ctx {
    pub now: DateTime<Utc>,
    /// `now` in the company's offset, as written in `MetaData` and `time`.
    pub time: String,
    pub today: NaiveDate,
}

pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

fn money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A line amount: an integer when whole.
fn line_number(d: Decimal) -> Value {
    if d.fract().is_zero() {
        json!(d.to_i64().unwrap_or_default())
    } else {
        json!(d.to_f64().unwrap_or_default())
    }
}

/// A document total: always a float.
fn total_number(d: Decimal) -> Value {
    json!(d.to_f64().unwrap_or_default())
}

fn reference(v: &Value, field: &str) -> Option<String> {
    v.get(field)?.get("value")?.as_str().map(str::to_string)
}

fn is_us(company: &Company) -> bool {
    matches!(
        company.seed.company_info["Country"].as_str(),
        Some("US" | "USA")
    )
}

fn custom_numbers(company: &Company) -> bool {
    company.seed.preferences["SalesFormsPrefs"]["CustomTxnNumbers"].as_bool() == Some(true)
}

/// Creates an entity of type `entity` from `body`, returning the stored record.
pub fn create(
    company: &mut Company,
    entity: &str,
    mut body: Map<String, Value>,
    ctx: &Ctx,
) -> Result<Value, Fault> {
    body.remove("Id");
    match entity {
        "Customer" => customer(company, &mut body)?,
        "Item" => item(company, &mut body)?,
        "Invoice" | "Estimate" | "SalesReceipt" => sales_document(company, entity, &mut body, ctx)?,
        "Payment" => payment(company, &mut body, ctx)?,
        _ => {
            return Err(fault(
                "500",
                "Unsupported Operation",
                format!("{entity} cannot be created"),
            ))
        }
    }
    body.insert("Id".into(), json!(company.next_id()));
    body.insert("SyncToken".into(), json!("0"));
    body.insert("domain".into(), json!("QBO"));
    body.insert("sparse".into(), json!(false));
    body.insert(
        "MetaData".into(),
        json!({"CreateTime": ctx.time, "LastUpdatedTime": ctx.time}),
    );
    let record = Value::Object(body);
    company
        .seed
        .entities
        .entry(entity.to_string())
        .or_default()
        .push(record.clone());
    Ok(record)
}

fn customer(company: &Company, body: &mut Map<String, Value>) -> Result<(), Fault> {
    let part = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let name = Some(part("DisplayName"))
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let joined = [part("GivenName"), part("FamilyName")]
                .join(" ")
                .trim()
                .to_string();
            Some(joined).filter(|n| !n.is_empty())
        })
        .or_else(|| Some(part("CompanyName")).filter(|n| !n.is_empty()))
        .ok_or_else(|| {
            fault(
                "6080",
                "No Name Provided",
                "Please provide a DisplayName or a name",
            )
        })?;
    if name.contains(':') || name.contains('\t') || name.contains('\n') {
        return Err(fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "DisplayName cannot contain a colon, tab or newline",
        ));
    }
    let taken = company.records("Customer").iter().any(|c| {
        c["DisplayName"]
            .as_str()
            .is_some_and(|d| d.eq_ignore_ascii_case(&name))
    });
    if taken {
        return Err(fault(
            "6240",
            "Duplicate Name Exists Error",
            format!("The name supplied already exists. : Another customer, vendor or employee is already using this name ({name}). Please use a different name."),
        ));
    }
    body.insert("DisplayName".into(), json!(name));
    body.entry("Active").or_insert(json!(true));
    body.entry("Balance").or_insert(json!(0));
    let home = company.seed.preferences["CurrencyPrefs"]["HomeCurrency"].clone();
    body.entry("CurrencyRef").or_insert(home);
    Ok(())
}

fn item(company: &Company, body: &mut Map<String, Value>) -> Result<(), Fault> {
    let name = body
        .get("Name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    if name.is_empty() {
        return Err(fault(
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter Name is missing in the request",
        ));
    }
    if company.records("Item").iter().any(|i| {
        i["Name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(&name))
    }) {
        return Err(fault(
            "6240",
            "Duplicate Name Exists Error",
            format!("The name supplied already exists. : {name}"),
        ));
    }
    body.entry("Active").or_insert(json!(true));
    body.entry("Type").or_insert(json!("Service"));
    Ok(())
}

/// The customer a transaction refers to: missing → 2500, inactive → 610.
fn active_customer(company: &Company, body: &Map<String, Value>) -> Result<Value, Fault> {
    let id = reference(&Value::Object(body.clone()), "CustomerRef").ok_or_else(|| {
        fault(
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter CustomerRef is missing in the request",
        )
    })?;
    let customer = company.find("Customer", &id).ok_or_else(|| {
        fault(
            "2500",
            "Invalid Reference Id",
            format!("Invalid Reference Id : Names element id {id} not found"),
        )
    })?;
    if customer["Active"].as_bool() == Some(false) {
        return Err(fault("610", "Object Not Found", format!("Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (Customer {id})")));
    }
    Ok(customer.clone())
}

/// The tax rate of a line's tax code, in percent.
fn tax_percent(
    company: &Company,
    us: bool,
    code: Option<&str>,
    item: &Value,
) -> Result<Decimal, Fault> {
    if us {
        let taxable = match code {
            Some("TAX") => true,
            Some("NON") => false,
            Some(other) => {
                return Err(fault(
                    "2500",
                    "Invalid Reference Id",
                    format!("Invalid Reference Id : TaxCode {other} not found"),
                ))
            }
            None => item["Taxable"].as_bool().unwrap_or(false),
        };
        return Ok(if taxable {
            Decimal::from_str(US_SALES_TAX_PERCENT).expect("rate")
        } else {
            Decimal::ZERO
        });
    }
    let code = code.ok_or_else(|| {
        fault("6000", "A business validation error has occurred while processing your request", "Business Validation Error: Make sure all your transactions have a VAT rate before you save.")
    })?;
    let tax_code = company.find("TaxCode", code).ok_or_else(|| {
        fault(
            "2500",
            "Invalid Reference Id",
            format!("Invalid Reference Id : TaxCode {code} not found"),
        )
    })?;
    let rate_id = tax_code["SalesTaxRateList"]["TaxRateDetail"][0]["TaxRateRef"]["value"].as_str();
    Ok(rate_id
        .and_then(|id| company.find("TaxRate", id))
        .and_then(|r| decimal(&r["RateValue"]))
        .unwrap_or(Decimal::ZERO))
}

fn sales_document(
    company: &Company,
    entity: &str,
    body: &mut Map<String, Value>,
    ctx: &Ctx,
) -> Result<(), Fault> {
    let customer = active_customer(company, body)?;
    let us = is_us(company);
    let lines = body
        .get("Line")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out_lines = Vec::new();
    let (mut subtotal, mut tax) = (Decimal::ZERO, Decimal::ZERO);
    for line in lines
        .iter()
        .filter(|l| l["DetailType"] == "SalesItemLineDetail")
    {
        let detail = &line["SalesItemLineDetail"];
        let item_id = reference(detail, "ItemRef").ok_or_else(|| {
            fault(
                "2020",
                "Required param missing, need to supply the required value for the API",
                "Required parameter Line.SalesItemLineDetail.ItemRef is missing",
            )
        })?;
        let item = company.find("Item", &item_id).ok_or_else(|| {
            fault(
                "2500",
                "Invalid Reference Id",
                format!("Invalid Reference Id : Item {item_id} not found"),
            )
        })?;
        let qty = decimal(&detail["Qty"]);
        let price = decimal(&detail["UnitPrice"]);
        let amount = match (decimal(&line["Amount"]), qty, price) {
            (Some(a), Some(q), Some(p)) if money(q * p) != money(a) => {
                return Err(fault(
                    "6070",
                    "Amount is not equal to UnitPrice * Qty",
                    format!("Amount {a} is not equal to UnitPrice {p} * Qty {q}"),
                ));
            }
            (Some(a), _, _) => money(a),
            (None, Some(q), Some(p)) => money(q * p),
            _ => {
                return Err(fault(
                    "2020",
                    "Required param missing, need to supply the required value for the API",
                    "Required parameter Line.Amount is missing",
                ))
            }
        };
        let code = detail["TaxCodeRef"]["value"].as_str();
        let percent = tax_percent(company, us, code, item)?;
        subtotal += amount;
        tax += amount * percent / Decimal::from(100);
        let mut l = line.clone();
        l["Amount"] = line_number(amount);
        l["Id"] = json!((out_lines.len() + 1).to_string());
        l["LineNum"] = json!(out_lines.len() + 1);
        out_lines.push(l);
    }
    if out_lines.is_empty() {
        return Err(fault(
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter Line is missing in the request",
        ));
    }
    out_lines.push(json!({"Amount": total_number(subtotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}));
    let tax = money(tax);
    let total = subtotal + tax;
    document_number(company, entity, body)?;
    let txn_date = body
        .get("TxnDate")
        .and_then(Value::as_str)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(ctx.today);
    body.insert("TxnDate".into(), json!(txn_date.to_string()));
    if entity == "Invoice" && !body.contains_key("DueDate") {
        let term = reference(&Value::Object(body.clone()), "SalesTermRef")
            .or_else(|| reference(&company.seed.preferences["SalesFormsPrefs"], "DefaultTerms"));
        let days = term
            .and_then(|t| company.find("Term", &t))
            .and_then(|t| t["DueDays"].as_i64())
            .unwrap_or(0);
        body.insert(
            "DueDate".into(),
            json!((txn_date + Duration::days(days)).to_string()),
        );
    }
    body.insert("Line".into(), Value::Array(out_lines));
    body.insert(
        "TxnTaxDetail".into(),
        json!({"TotalTax": total_number(tax)}),
    );
    body.insert("TotalAmt".into(), total_number(total));
    body.entry("CurrencyRef")
        .or_insert(customer["CurrencyRef"].clone());
    body.entry("EmailStatus").or_insert(json!("NotSet"));
    body.entry("PrintStatus").or_insert(json!("NotSet"));
    if let Some(email) = customer.get("PrimaryEmailAddr") {
        body.entry("BillEmail").or_insert(email.clone());
    }
    match entity {
        "Invoice" => {
            body.insert("Balance".into(), total_number(total));
        }
        "SalesReceipt" => {
            body.insert("Balance".into(), json!(0));
        }
        _ => {
            body.entry("TxnStatus").or_insert(json!("Pending"));
        }
    }
    Ok(())
}

/// With custom transaction numbers on, the number is the caller's (duplicates refused with 6140; none stays
/// empty); otherwise QuickBooks assigns the next one.
fn document_number(
    company: &Company,
    entity: &str,
    body: &mut Map<String, Value>,
) -> Result<(), Fault> {
    let given = body
        .get("DocNumber")
        .and_then(Value::as_str)
        .map(str::to_string);
    let auto = given.as_deref().is_none_or(|d| d == "AUTO_GENERATE");
    if custom_numbers(company) && !auto {
        let number = given.unwrap_or_default();
        if number.len() > 21 {
            return Err(fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "DocNumber is longer than 21 characters",
            ));
        }
        if company
            .records(entity)
            .iter()
            .any(|d| d["DocNumber"].as_str() == Some(number.as_str()))
        {
            return Err(fault("6140", "Duplicate Document Number Error", format!("Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber={number}")));
        }
        return Ok(());
    }
    if custom_numbers(company) {
        body.remove("DocNumber");
        return Ok(());
    }
    if auto {
        let next = company
            .records(entity)
            .iter()
            .filter_map(|d| d["DocNumber"].as_str()?.parse::<u64>().ok())
            .max()
            .map_or(1001, |n| n + 1);
        body.insert("DocNumber".into(), json!(next.to_string()));
    }
    Ok(())
}

fn payment(company: &mut Company, body: &mut Map<String, Value>, ctx: &Ctx) -> Result<(), Fault> {
    let customer = active_customer(company, body)?;
    let total = decimal(body.get("TotalAmt").unwrap_or(&Value::Null)).ok_or_else(|| {
        fault(
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter TotalAmt is missing",
        )
    })?;
    let lines = body
        .get("Line")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut applied = Decimal::ZERO;
    let mut links = Vec::new();
    for line in &lines {
        let amount = decimal(&line["Amount"]).unwrap_or_default();
        for link in line["LinkedTxn"].as_array().into_iter().flatten() {
            let id = link["TxnId"].as_str().unwrap_or("");
            let invoice = company.find("Invoice", id).ok_or_else(|| {
                fault(
                    "2500",
                    "Invalid Reference Id",
                    format!("Invalid Reference Id : Invoice {id} not found"),
                )
            })?;
            if invoice["CustomerRef"]["value"] != customer["Id"] {
                return Err(fault(
                    "6000",
                    "A business validation error has occurred while processing your request",
                    "The invoice belongs to another customer",
                ));
            }
            if amount > decimal(&invoice["Balance"]).unwrap_or_default() {
                return Err(fault(
                    "6000",
                    "A business validation error has occurred while processing your request",
                    "The payment is more than the invoice's open balance",
                ));
            }
            links.push((id.to_string(), amount));
        }
        applied += amount;
    }
    if applied > total {
        return Err(fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "The applied amounts exceed the payment total",
        ));
    }
    let payment_id = company.next_id();
    for (id, amount) in links {
        let invoice = company.find_mut("Invoice", &id).expect("checked above");
        let balance = decimal(&invoice["Balance"]).unwrap_or_default() - amount;
        invoice["Balance"] = total_number(balance);
        let mut linked = invoice["LinkedTxn"].as_array().cloned().unwrap_or_default();
        linked.push(json!({"TxnId": payment_id, "TxnType": "Payment"}));
        invoice["LinkedTxn"] = Value::Array(linked);
        bump(invoice, ctx);
    }
    body.insert("UnappliedAmt".into(), total_number(total - applied));
    body.entry("TxnDate")
        .or_insert(json!(ctx.today.to_string()));
    Ok(())
}

/// A new version: SyncToken + 1 and a new LastUpdatedTime.
fn bump(record: &mut Value, ctx: &Ctx) {
    let token = record["SyncToken"]
        .as_str()
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(0);
    record["SyncToken"] = json!((token + 1).to_string());
    record["MetaData"]["LastUpdatedTime"] = json!(ctx.time);
}

/// The record an update, void or delete addresses, checked against its SyncToken (5010 when stale).
fn current<'a>(
    company: &'a mut Company,
    entity: &str,
    body: &Map<String, Value>,
) -> Result<&'a mut Value, Fault> {
    let id = body
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let token = body
        .get("SyncToken")
        .and_then(Value::as_str)
        .map(str::to_string);
    let record = company.find_mut(entity, &id).ok_or_else(|| {
        fault(
            "610",
            "Object Not Found",
            format!("Object Not Found : {entity} {id}"),
        )
    })?;
    if token.as_deref() != record["SyncToken"].as_str() {
        return Err(fault(
            "5010",
            "Stale Object Error",
            format!("Stale Object Error : You and another user were working on the same thing. Please try again. SyncToken {token:?} is not the current one"),
        ));
    }
    Ok(record)
}

/// A sparse update: the given fields replace the stored ones (a sent `Line` replaces all lines).
pub fn update(
    company: &mut Company,
    entity: &str,
    body: Map<String, Value>,
    ctx: &Ctx,
) -> Result<Value, Fault> {
    let record = current(company, entity, &body)?;
    for (k, v) in body {
        if !matches!(k.as_str(), "Id" | "SyncToken" | "sparse" | "MetaData") {
            record[k.as_str()] = v;
        }
    }
    bump(record, ctx);
    Ok(record.clone())
}

/// Void: the invoice stays, with every amount zeroed and a "Voided" note (quickbooks-api.md §2).
pub fn void(
    company: &mut Company,
    entity: &str,
    body: Map<String, Value>,
    ctx: &Ctx,
) -> Result<Value, Fault> {
    let record = current(company, entity, &body)?;
    for line in record["Line"].as_array_mut().into_iter().flatten() {
        line["Amount"] = json!(0);
    }
    record["TotalAmt"] = json!(0);
    record["Balance"] = json!(0);
    record["TxnTaxDetail"] = json!({"TotalTax": 0});
    record["PrivateNote"] = json!("Voided");
    bump(record, ctx);
    Ok(record.clone())
}

/// Delete: gone from reads and queries; CDC reports it as `status: Deleted`.
pub fn delete(
    company: &mut Company,
    entity: &str,
    body: Map<String, Value>,
    ctx: &Ctx,
) -> Result<Value, Fault> {
    let id = current(company, entity, &body)?["Id"].clone();
    if let Some(list) = company.seed.entities.get_mut(entity) {
        list.retain(|e| e["Id"] != id);
    }
    company.deleted.push((
        entity.to_string(),
        id.as_str().unwrap_or("").to_string(),
        ctx.now,
    ));
    Ok(json!({"Id": id, "status": "Deleted", "domain": "QBO"}))
}

/// Send by e-mail: `EmailStatus` becomes `EmailSent`, `DeliveryInfo` is filled, `sendTo` replaces `BillEmail`.
pub fn send(
    company: &mut Company,
    id: &str,
    send_to: Option<String>,
    ctx: &Ctx,
) -> Result<Value, Fault> {
    let invoice = company.find_mut("Invoice", id).ok_or_else(|| {
        fault(
            "610",
            "Object Not Found",
            format!("Object Not Found : Invoice {id}"),
        )
    })?;
    if let Some(to) = send_to {
        invoice["BillEmail"] = json!({"Address": to});
    }
    if invoice["BillEmail"]["Address"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return Err(fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "The invoice has no BillEmail to send to",
        ));
    }
    invoice["EmailStatus"] = json!("EmailSent");
    invoice["DeliveryInfo"] = json!({"DeliveryType": "Email", "DeliveryTime": ctx.time});
    bump(invoice, ctx);
    Ok(invoice.clone())
}
