//! A generated company of any size (issue 12): deterministic, mixed like a real one (customers without or
//! sharing an e-mail, inactive records, paid, part-paid, voided and deleted invoices), fast to seed, and
//! queried in pages as QuickBooks pages (quickbooks-api.md §4).

mod common;

use common::{code, payment, sales_line, Company};
use qbo_sim::{Generate, Seed, Sim};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

fn spec(customers: usize, items: usize, invoices: usize) -> Generate {
    Generate {
        customers,
        items,
        invoices,
        ..Generate::default()
    }
}

fn sim(spec: Generate) -> Sim {
    Sim::new(Seed::generated(spec)).unwrap()
}

fn records(sim: &Sim, entity: &str) -> Vec<Value> {
    sim.companies[qbo_sim::GENERATED_REALM]
        .records(entity)
        .to_vec()
}

fn amount(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not an amount"))
}

fn cents(v: &Value) -> i64 {
    (amount(v) * 100.0).round() as i64
}

#[test]
fn the_same_spec_gives_the_same_company_and_another_seed_another() {
    let state = |spec: Generate| serde_json::to_string(&sim(spec).snapshot().companies).unwrap();
    let a = state(spec(40, 10, 150));
    assert_eq!(a, state(spec(40, 10, 150)));
    assert_ne!(
        a,
        state(Generate {
            seed: 2,
            ..spec(40, 10, 150)
        })
    );
}

#[test]
fn a_generated_company_is_mixed_like_a_real_one() {
    let sim = sim(spec(400, 100, 2000));
    let company = &sim.companies[qbo_sim::GENERATED_REALM];
    let customers = records(&sim, "Customer");
    let items = records(&sim, "Item");
    let invoices = records(&sim, "Invoice");
    let payments = records(&sim, "Payment");
    assert_eq!((customers.len(), items.len()), (400, 100));
    assert_eq!(invoices.len() + company.deleted.len(), 2000);
    assert!(!company.deleted.is_empty(), "some invoices were deleted");
    assert!(company
        .deleted
        .iter()
        .all(|t| t.entity == "Invoice" && company.find("Invoice", &t.id).is_none()));

    let emails: Vec<&str> = customers
        .iter()
        .filter_map(|c| c["PrimaryEmailAddr"]["Address"].as_str())
        .collect();
    assert!(emails.len() < customers.len(), "some have no e-mail");
    let distinct: BTreeSet<&str> = emails.iter().copied().collect();
    assert!(distinct.len() < emails.len(), "some share an e-mail");
    let names: BTreeSet<String> = customers
        .iter()
        .map(|c| c["DisplayName"].as_str().unwrap().to_lowercase())
        .collect();
    assert_eq!(names.len(), customers.len(), "display names are unique");
    assert!(customers.iter().any(|c| c["Active"] == false));
    let kinds: BTreeSet<&str> = items.iter().map(|i| i["Type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["Inventory", "NonInventory", "Service"])
    );
    assert!(items.iter().any(|i| i["Active"] == false));

    let voided: Vec<&Value> = invoices
        .iter()
        .filter(|i| i["PrivateNote"] == "Voided")
        .collect();
    assert!(!voided.is_empty());
    assert!(voided.iter().all(|i| cents(&i["TotalAmt"]) == 0
        && cents(&i["Balance"]) == 0
        && i["LinkedTxn"].is_null()));
    let open = |i: &&Value| cents(&i["Balance"]);
    let total = |i: &&Value| cents(&i["TotalAmt"]);
    assert!(invoices.iter().any(|i| total(&i) > 0 && open(&i) == 0));
    assert!(invoices
        .iter()
        .any(|i| open(&i) > 0 && open(&i) < total(&i)));
    assert!(invoices
        .iter()
        .any(|i| open(&i) == total(&i) && total(&i) > 0));

    // Every line adds up, taxable lines carry 8.25 % tax, and what is paid is what the payments say.
    let paid: HashMap<String, i64> = payments
        .iter()
        .map(|p| {
            let linked = &p["Line"][0]["LinkedTxn"][0];
            assert_eq!(linked["TxnType"], "Invoice");
            assert_eq!(cents(&p["TotalAmt"]), cents(&p["Line"][0]["Amount"]));
            (
                linked["TxnId"].as_str().unwrap().to_string(),
                cents(&p["TotalAmt"]),
            )
        })
        .collect();
    for invoice in invoices.iter().filter(|i| i["PrivateNote"].is_null()) {
        let lines = invoice["Line"].as_array().unwrap();
        let (items_sum, subtotal) = lines.split_at(lines.len() - 1);
        let sum: i64 = items_sum.iter().map(|l| cents(&l["Amount"])).sum();
        assert_eq!(sum, cents(&subtotal[0]["Amount"]), "{invoice}");
        for line in items_sum {
            let d = &line["SalesItemLineDetail"];
            assert_eq!(
                cents(&line["Amount"]),
                (amount(&d["Qty"]) * amount(&d["UnitPrice"]) * 100.0).round() as i64
            );
        }
        let tax = cents(&invoice["TxnTaxDetail"]["TotalTax"]);
        assert_eq!(cents(&invoice["TotalAmt"]), sum + tax);
        let id = invoice["Id"].as_str().unwrap();
        let settled = paid.get(id).copied().unwrap_or(0);
        assert_eq!(
            cents(&invoice["Balance"]),
            cents(&invoice["TotalAmt"]) - settled
        );
        assert_eq!(settled > 0, invoice["LinkedTxn"].is_array(), "{invoice}");
    }

    // A customer's balance is its invoices' open balances; an inactive one has none.
    let mut owed: BTreeMap<&str, i64> = BTreeMap::new();
    for i in &invoices {
        *owed
            .entry(i["CustomerRef"]["value"].as_str().unwrap())
            .or_default() += cents(&i["Balance"]);
    }
    for c in &customers {
        let id = c["Id"].as_str().unwrap();
        assert_eq!(
            cents(&c["Balance"]),
            owed.get(id).copied().unwrap_or(0),
            "{c}"
        );
        if c["Active"] == false {
            assert_eq!(cents(&c["Balance"]), 0, "{c}");
        }
    }

    // Ids are unique across the company and rise with time, as do document numbers.
    let ids: Vec<u64> = invoices
        .iter()
        .map(|i| i["Id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let dates: Vec<&str> = invoices
        .iter()
        .map(|i| i["TxnDate"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        dates[0] < "2025-01-01" && dates[dates.len() - 1] > "2026-10-01",
        "two years of invoices"
    );
}

#[test]
fn absurd_or_impossible_specs_are_refused() {
    for bad in [spec(0, 5, 10), spec(5, 0, 10), spec(1_000_000, 1, 1)] {
        assert!(Sim::new(Seed::generated(bad.clone())).is_err(), "{bad:?}");
    }
    let clash = Seed::demo().with_generated(Generate {
        realm_id: "9130357766900011".into(),
        ..Generate::default()
    });
    assert!(Sim::new(clash).is_err(), "a realm already seeded");
    assert!(
        Sim::new(Seed::generated(spec(0, 0, 0))).is_ok(),
        "an empty company"
    );
}

#[test]
fn ten_thousand_invoices_seed_in_seconds() {
    let started = Instant::now();
    let sim = sim(spec(5000, 1000, 10_000));
    let took = started.elapsed();
    println!("generated 5,000 customers, 1,000 items, 10,000 invoices in {took:?}");
    assert_eq!(records(&sim, "Customer").len(), 5000);
    // Generous: debug builds on a shared two-core machine. Release takes a fraction of a second.
    assert!(took.as_secs() < 20, "{took:?}");
}

/// Every page of `statement` (which must end in `ORDERBY …`), 1000 rows at a time, and the calls it took.
async fn all_pages(company: &Company, statement: &str) -> (Vec<Value>, usize) {
    let (mut rows, mut calls, mut start) = (Vec::new(), 0, 1);
    loop {
        let (status, body) = company
            .query(&format!(
                "{statement} STARTPOSITION {start} MAXRESULTS 1000"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        calls += 1;
        let page = body["QueryResponse"]["Invoice"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !page.is_empty() {
            assert_eq!(body["QueryResponse"]["startPosition"], start);
            assert_eq!(body["QueryResponse"]["maxResults"], page.len());
        }
        let done = page.len() < 1000;
        rows.extend(page);
        if done {
            return (rows, calls);
        }
        start += 1000;
    }
}

#[tokio::test]
async fn a_ten_thousand_invoice_company_pages_end_to_end_every_id_once_in_order() {
    let company = Company::generated(spec(500, 100, 10_000)).await;
    let live: BTreeSet<u64> = company.sim.with_state(|s| {
        s.companies[company.realm]
            .records("Invoice")
            .iter()
            .map(|i| i["Id"].as_str().unwrap().parse().unwrap())
            .collect()
    });
    let (status, count) = company.query("SELECT COUNT(*) FROM Invoice").await;
    assert_eq!(status, 200);
    assert_eq!(count["QueryResponse"]["totalCount"], live.len());

    let (rows, calls) = all_pages(&company, "SELECT * FROM Invoice ORDERBY Id").await;
    let ids: Vec<u64> = rows
        .iter()
        .map(|i| i["Id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, none twice");
    assert_eq!(
        ids.iter().copied().collect::<BTreeSet<_>>(),
        live,
        "every live id, no deleted one"
    );
    assert_eq!(
        calls,
        live.len() / 1000 + 1,
        "ceil(N/1000) pages, plus the empty or short last one"
    );
    assert_eq!(company.sim.calls(Some(company.realm)).query, calls + 1);

    let (_, desc) = company
        .query("SELECT * FROM Invoice ORDERBY Id DESC MAXRESULTS 1")
        .await;
    assert_eq!(
        desc["QueryResponse"]["Invoice"][0]["Id"],
        rows.last().unwrap()["Id"]
    );
}

#[tokio::test]
async fn at_most_a_thousand_rows_a_page_and_a_hundred_unless_asked() {
    let company = Company::generated(spec(50, 20, 1500)).await;
    let rows = |body: &Value| {
        body["QueryResponse"]["Invoice"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let (_, body) = company.query("SELECT * FROM Invoice").await;
    assert_eq!(rows(&body), 100, "MAXRESULTS defaults to 100");
    let (_, body) = company.query("SELECT * FROM Invoice MAXRESULTS 1000").await;
    assert_eq!(rows(&body), 1000);
    let (status, body) = company.query("SELECT * FROM Invoice MAXRESULTS 1001").await;
    assert_eq!((status, code(&body)), (400, "4001"), "{body}");
    let (_, body) = company
        .query("SELECT * FROM Invoice STARTPOSITION 100000 MAXRESULTS 10")
        .await;
    assert_eq!(
        body["QueryResponse"],
        serde_json::json!({}),
        "past the end: nothing"
    );
}

#[tokio::test]
async fn last_updated_filters_and_orders_as_instants() {
    let company = Company::generated(spec(200, 50, 3000)).await;
    let since = "2026-10-01T00:00:00-07:00";
    let cutoff = chrono::DateTime::parse_from_rfc3339(since).unwrap();
    let updated = |i: &Value| {
        chrono::DateTime::parse_from_rfc3339(i["MetaData"]["LastUpdatedTime"].as_str().unwrap())
            .unwrap()
    };
    let expected = company.sim.with_state(|s| {
        s.companies[company.realm]
            .records("Invoice")
            .iter()
            .filter(|i| updated(i) > cutoff)
            .count()
    });
    assert!(expected > 100, "the last weeks had changes");
    let (rows, _) = all_pages(
        &company,
        &format!("SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '{since}' ORDERBY MetaData.LastUpdatedTime, Id"),
    )
    .await;
    assert_eq!(rows.len(), expected);
    assert!(rows.iter().all(|i| updated(i) > cutoff));
    assert!(
        rows.windows(2).all(|w| updated(&w[0]) <= updated(&w[1])),
        "oldest first"
    );
    let (_, count) = company
        .query(&format!(
            "SELECT COUNT(*) FROM Invoice WHERE MetaData.LastUpdatedTime > '{since}'"
        ))
        .await;
    assert_eq!(count["QueryResponse"]["totalCount"], expected);
}

#[tokio::test]
async fn inactive_customers_and_items_only_when_asked_for() {
    let company = Company::generated(spec(600, 200, 10)).await;
    let (all, inactive) = company.sim.with_state(|s| {
        let c = &s.companies[company.realm];
        let inactive = |e: &str| c.records(e).iter().filter(|r| r["Active"] == false).count();
        (
            (c.records("Customer").len(), c.records("Item").len()),
            (inactive("Customer"), inactive("Item")),
        )
    });
    let count = |entity: &'static str, filter: &'static str| {
        let company = &company;
        async move {
            let (_, body) = company
                .query(&format!("SELECT COUNT(*) FROM {entity}{filter}"))
                .await;
            body["QueryResponse"]["totalCount"].as_u64().unwrap() as usize
        }
    };
    assert_eq!(count("Customer", "").await, all.0 - inactive.0);
    assert_eq!(
        count("Customer", " WHERE Active IN (true, false)").await,
        all.0
    );
    assert_eq!(count("Customer", " WHERE Active = false").await, inactive.0);
    assert_eq!(count("Item", "").await, all.1 - inactive.1);
    assert_eq!(count("Item", " WHERE Active IN (true, false)").await, all.1);
    assert!(inactive.0 > 0 && inactive.1 > 0);
}

#[test]
fn the_bench_fixture_is_the_company_issue_12_measures() {
    let text = include_str!("../fixtures/sync-bench.json");
    let seed: Seed = serde_json::from_str(text).unwrap();
    assert_eq!(seed.generate, Some(spec(5000, 1000, 10_000)));
    assert_eq!(
        seed.now,
        Seed::demo().now,
        "the same clock as the demo, so the same company"
    );
}

#[tokio::test]
async fn a_generated_company_takes_writes_like_any_other() {
    let company = Company::generated(spec(30, 10, 120)).await;
    let (invoices, customers, items) = company.sim.with_state(|s| {
        let c = &s.companies[company.realm];
        let list = |e: &str| c.records(e).to_vec();
        (list("Invoice"), list("Customer"), list("Item"))
    });
    let active = |r: &&Value| r["Active"] == true;
    let open = invoices
        .iter()
        .find(|i| {
            i["PrivateNote"].is_null() && i["Balance"] == i["TotalAmt"] && cents(&i["Balance"]) > 0
        })
        .unwrap();
    let customer_id = open["CustomerRef"]["value"].as_str().unwrap();
    let balance = |company: &Company| cents(&company.stored("Customer", customer_id)["Balance"]);
    let before = balance(&company);

    // A sparse edit makes QuickBooks' rules recompute: they agree with what was generated.
    let (status, edited) = company
        .post(
            "invoice",
            serde_json::json!({"Id": open["Id"], "SyncToken": open["SyncToken"], "sparse": true, "PrivateNote": "checked"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        cents(&edited["Invoice"]["TotalAmt"]),
        cents(&open["TotalAmt"])
    );
    assert_eq!(balance(&company), before);

    let owed = amount(&open["Balance"]);
    let (status, paid) = company
        .post(
            "payment",
            payment(customer_id, owed, open["Id"].as_str().unwrap(), owed),
        )
        .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(balance(&company), before - cents(&open["Balance"]));

    let customer = customers.iter().find(active).unwrap();
    let item = items.iter().find(active).unwrap();
    let price = amount(&item["UnitPrice"]);
    let (status, created) = company
        .post(
            "invoice",
            serde_json::json!({"CustomerRef": {"value": customer["Id"]}, "Line": [sales_line(item["Id"].as_str().unwrap(), 2.0, price, 2.0 * price, None)]}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let highest = company.sim.with_state(|s| {
        let c = &s.companies[company.realm];
        c.deleted
            .iter()
            .map(|t| t.id.parse::<u64>().unwrap())
            .chain(
                c.records("Payment")
                    .iter()
                    .map(|p| p["Id"].as_str().unwrap().parse().unwrap()),
            )
            .max()
            .unwrap()
    });
    let new_id: u64 = created["Invoice"]["Id"].as_str().unwrap().parse().unwrap();
    assert!(
        new_id > highest,
        "Ids are never reused, not even deleted ones"
    );
    let numbers: Vec<u64> = invoices
        .iter()
        .map(|i| i["DocNumber"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        created["Invoice"]["DocNumber"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap(),
        numbers.iter().max().unwrap() + 1
    );
}
