//! The workflow actions' drafting rules (W5, W6, I6, B4): with nobody to choose, which QuickBooks item and
//! tax code each HubSpot line gets (a line no item matches as `unmatched.rs` says), and which lines a paid
//! invoice cannot have. Pure: actions/ reads what these need and writes what they decide.

use super::draft::{DraftLine, SourceLine};
use super::matching::match_item;
use super::pricing::{price, OutOfRange};
use super::unmatched::Unmatched;
use crate::quickbooks::entities::{Item, TaxCode};
use crate::{AppError, ErrorCode};
use thiserror::Error;

/// What one company's lines are drafted with.
pub struct Rules<'a> {
    /// The company's name, for messages.
    pub company: &'a str,
    /// The company's active items.
    pub items: &'a [Item],
    pub unmatched: Unmatched<'a>,
    /// Every line names a tax code (outside the US); in the US QuickBooks' sales tax decides (I6).
    pub tax_codes_required: bool,
    /// The action's tax code, for lines whose item has no default one.
    pub fallback_tax_code: Option<&'a str>,
}

/// The QuickBooks item a line is drafted with.
#[derive(Clone, Copy, Debug)]
pub enum LineItem<'a> {
    Existing(&'a Item),
    /// Created just before the document (B4); the draft line's `item_id` is empty until then.
    New {
        income_account: &'a str,
    },
}

/// The drafted lines, in the HubSpot lines' order, each with its source line and item.
#[derive(Debug)]
pub struct Drafted<'a> {
    pub lines: Vec<DraftLine>,
    pub items: Vec<(&'a SourceLine, LineItem<'a>)>,
}

#[derive(Debug, Error, PartialEq)]
pub enum DraftingError {
    #[error("{item} has no default tax code in QuickBooks; choose a tax code in the action")]
    TaxCodeRequired { item: String },
    #[error(
        "no QuickBooks product matches {}; nothing was created{}",
        .lines.join(", "),
        .needs_income_account_in.as_deref().map(income_account_hint).unwrap_or_default()
    )]
    NotMatched {
        /// Each unmatched line: its name, and SKU in parentheses.
        lines: Vec<String>,
        /// The company whose income account for new items the settings lack, when they create items.
        needs_income_account_in: Option<String>,
    },
    #[error(transparent)]
    Amount(#[from] OutOfRange),
    #[error("a paid invoice can only have non-taxable lines; taxable: {}", .0.join(", "))]
    PaidInvoiceTaxable(Vec<String>),
}

fn income_account_hint(company: &str) -> String {
    format!("; creating products needs an income account for {company} in the app settings")
}

impl From<DraftingError> for AppError {
    fn from(e: DraftingError) -> Self {
        let code = match &e {
            DraftingError::TaxCodeRequired { .. } => ErrorCode::TaxCodeRequired,
            DraftingError::NotMatched { .. } => ErrorCode::ItemNotMatched,
            DraftingError::PaidInvoiceTaxable(_) => ErrorCode::PaidInvoiceTaxable,
            DraftingError::Amount(_) => ErrorCode::AmountOutOfRange,
        };
        AppError::refused(code, e.to_string())
    }
}

/// The lines as QuickBooks lines (W5): each line's item by SKU, then name, else as `rules.unmatched` says;
/// its tax code the item's default, else the action's; its price net of the line's discount
/// (domain/pricing.rs). A line that needs a tax code and gets none, or a price out of range, fails at once;
/// unmatched lines are collected and fail together, so the message names them all.
pub fn draft_lines<'a>(
    lines: &'a [SourceLine],
    rules: &Rules<'a>,
) -> Result<Drafted<'a>, DraftingError> {
    let default_item = match rules.unmatched {
        Unmatched::DefaultItem(item) => Some(item),
        _ => None,
    };
    let mut unmatched = Vec::new();
    let mut drafted = Drafted {
        lines: Vec::with_capacity(lines.len()),
        items: Vec::with_capacity(lines.len()),
    };
    for line in lines {
        let item = match (
            match_item(line, rules.items).or(default_item),
            rules.unmatched,
        ) {
            (Some(item), _) => LineItem::Existing(item),
            (None, Unmatched::CreateItem { income_account }) => LineItem::New { income_account },
            (None, _) => {
                unmatched.push(match &line.sku {
                    Some(sku) => format!("{} ({sku})", line.name),
                    None => line.name.clone(),
                });
                continue;
            }
        };
        let tax_code_id = match (rules.tax_codes_required, item) {
            (false, _) => None,
            (true, LineItem::Existing(found)) => Some(
                found
                    .sales_tax_code
                    .as_ref()
                    .map(|r| r.value.as_str())
                    .or(rules.fallback_tax_code)
                    .ok_or_else(|| DraftingError::TaxCodeRequired {
                        item: found.name.clone(),
                    })?,
            ),
            (true, LineItem::New { .. }) => {
                Some(
                    rules
                        .fallback_tax_code
                        .ok_or_else(|| DraftingError::TaxCodeRequired {
                            item: line.name.clone(),
                        })?,
                )
            }
        };
        let priced = price(line)?;
        drafted.lines.push(DraftLine {
            item_id: match item {
                LineItem::Existing(found) => found.id.clone(),
                LineItem::New { .. } => String::new(),
            },
            description: Some(priced.description),
            quantity: priced.quantity,
            unit_price: priced.unit_price,
            service_date: None,
            tax_code_id: tax_code_id.map(str::to_string),
        });
        drafted.items.push((line, item));
    }
    if !unmatched.is_empty() {
        return Err(DraftingError::NotMatched {
            lines: unmatched,
            needs_income_account_in: matches!(rules.unmatched, Unmatched::NoIncomeAccount)
                .then(|| rules.company.to_string()),
        });
    }
    Ok(drafted)
}

impl Drafted<'_> {
    /// Refuses a paid invoice with taxable lines (W6, as HubSpot's own integration). With tax codes on lines
    /// (`codes`: the company's, outside the US) a line is taxable unless its code says it is not; in the US
    /// when its item is. A new item is created without `Taxable`, which QuickBooks reads as not taxable.
    pub fn check_paid_untaxed(&self, codes: Option<&[TaxCode]>) -> Result<(), DraftingError> {
        let taxed: Vec<String> = self
            .lines
            .iter()
            .zip(&self.items)
            .filter(|(line, (_, item))| match codes {
                Some(codes) => codes
                    .iter()
                    .find(|c| Some(&c.id) == line.tax_code_id.as_ref())
                    .is_none_or(|c| c.taxable != Some(false)),
                None => matches!(item, LineItem::Existing(found) if found.taxable),
            })
            .map(|(_, (source, item))| match item {
                LineItem::Existing(found) => found.name.clone(),
                LineItem::New { .. } => source.name.clone(),
            })
            .collect();
        if taxed.is_empty() {
            Ok(())
        } else {
            Err(DraftingError::PaidInvoiceTaxable(taxed))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{item, line};
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn taxed_item(id: &str, name: &str, code: Option<&str>, taxable: bool) -> Item {
        serde_json::from_value(json!({
            "Id": id, "Name": name, "Taxable": taxable,
            "SalesTaxCodeRef": code.map(|c| json!({ "value": c })),
        }))
        .unwrap()
    }

    fn code(id: &str, taxable: Option<bool>) -> TaxCode {
        serde_json::from_value(json!({ "Id": id, "Name": id, "Taxable": taxable })).unwrap()
    }

    fn us<'a>(items: &'a [Item], unmatched: Unmatched<'a>) -> Rules<'a> {
        Rules {
            company: "Acme US",
            items,
            unmatched,
            tax_codes_required: false,
            fallback_tax_code: None,
        }
    }

    /// A line's item, comparable.
    fn chosen(item: LineItem) -> String {
        match item {
            LineItem::Existing(item) => format!("item {}", item.id),
            LineItem::New { income_account } => format!("new, posting to {income_account}"),
        }
    }

    #[test]
    fn lines_take_their_matched_item_at_the_net_price() {
        let items = [
            item("1", "Consulting hours", Some("SVC-CONSULT")),
            item("2", "Widget", None),
        ];
        let mut discounted = line("widget", None);
        discounted.quantity = dec!(3);
        discounted.amount = Some(dec!(27));
        let source = [line("Anything", Some("svc-consult")), discounted];
        let drafted = draft_lines(&source, &us(&items, Unmatched::Refuse)).unwrap();
        let ids: Vec<&str> = drafted.lines.iter().map(|l| l.item_id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(drafted.lines[1].unit_price, dec!(9));
        assert!(drafted.lines.iter().all(|l| l.tax_code_id.is_none()));
        assert_eq!(drafted.items[0].0, &source[0]);
        assert_eq!(chosen(drafted.items[0].1), "item 1");
    }

    #[test]
    fn unmatched_lines_fail_together_or_take_the_default_or_a_new_item() {
        let items = [
            item("1", "Consulting hours", None),
            item("7", "Services", None),
        ];
        let source = [
            line("Mystery box", Some("NO-MATCH-1")),
            line("Consulting hours", None),
            line("Gift wrap", None),
        ];
        let refused = draft_lines(&source, &us(&items, Unmatched::Refuse)).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "no QuickBooks product matches Mystery box (NO-MATCH-1), Gift wrap; nothing was created"
        );
        let hinted = draft_lines(&source, &us(&items, Unmatched::NoIncomeAccount)).unwrap_err();
        assert!(
            hinted.to_string().ends_with(
                "; creating products needs an income account for Acme US in the app settings"
            ),
            "{hinted}"
        );
        let defaulted =
            draft_lines(&source, &us(&items, Unmatched::DefaultItem(&items[1]))).unwrap();
        let ids: Vec<&str> = defaulted.lines.iter().map(|l| l.item_id.as_str()).collect();
        assert_eq!(ids, ["7", "1", "7"]);
        let created = us(
            &items,
            Unmatched::CreateItem {
                income_account: "79",
            },
        );
        let created = draft_lines(&source, &created).unwrap();
        assert_eq!(
            created.lines[0].item_id, "",
            "filled in when the item is created"
        );
        assert_eq!(chosen(created.items[0].1), "new, posting to 79");
        assert_eq!(chosen(created.items[1].1), "item 1");
    }

    #[test]
    fn outside_the_us_a_line_takes_its_items_code_else_the_actions_else_fails() {
        let items = [
            taxed_item("1", "Consulting hours", Some("20"), true),
            taxed_item("2", "Widget", None, true),
        ];
        let source = [line("Consulting hours", None), line("Widget", None)];
        let mut rules = Rules {
            company: "Acme UK",
            items: &items,
            unmatched: Unmatched::Refuse,
            tax_codes_required: true,
            fallback_tax_code: Some("5"),
        };
        let drafted = draft_lines(&source, &rules).unwrap();
        let codes: Vec<Option<&str>> = drafted
            .lines
            .iter()
            .map(|l| l.tax_code_id.as_deref())
            .collect();
        assert_eq!(codes, [Some("20"), Some("5")]);
        rules.fallback_tax_code = None;
        assert_eq!(
            draft_lines(&source, &rules).unwrap_err(),
            DraftingError::TaxCodeRequired {
                item: "Widget".into()
            }
        );
        rules.unmatched = Unmatched::CreateItem {
            income_account: "79",
        };
        let new = [line("Gift wrap", None)];
        assert_eq!(
            draft_lines(&new, &rules).unwrap_err(),
            DraftingError::TaxCodeRequired {
                item: "Gift wrap".into()
            },
            "a new item has no default code"
        );
    }

    #[test]
    fn a_line_out_of_range_fails_before_the_unmatched_ones_are_named() {
        let items = [item("1", "Consulting hours", None)];
        let mut huge = line("Consulting hours", None);
        huge.quantity = rust_decimal::Decimal::MAX;
        let source = [line("Mystery box", None), huge];
        assert!(matches!(
            draft_lines(&source, &us(&items, Unmatched::Refuse)),
            Err(DraftingError::Amount(_))
        ));
    }

    #[test]
    fn a_paid_invoice_takes_untaxed_lines_only() {
        let items = [
            taxed_item("1", "Consulting hours", Some("20"), true),
            taxed_item("2", "Gift card", Some("0"), false),
        ];
        let source = [line("Gift card", None), line("Consulting hours", None)];
        let us_rules = us(&items, Unmatched::Refuse);
        let drafted = draft_lines(&source, &us_rules).unwrap();
        assert_eq!(
            drafted.check_paid_untaxed(None),
            Err(DraftingError::PaidInvoiceTaxable(vec![
                "Consulting hours".into()
            ]))
        );
        let untaxed = draft_lines(&source[..1], &us_rules).unwrap();
        assert_eq!(untaxed.check_paid_untaxed(None), Ok(()));
        let uk_rules = Rules {
            tax_codes_required: true,
            ..us(&items, Unmatched::Refuse)
        };
        let uk = draft_lines(&source, &uk_rules).unwrap();
        let codes = [code("20", Some(true)), code("0", Some(false))];
        assert_eq!(
            uk.check_paid_untaxed(Some(&codes)),
            Err(DraftingError::PaidInvoiceTaxable(vec![
                "Consulting hours".into()
            ]))
        );
        assert_eq!(
            uk.check_paid_untaxed(Some(&codes[1..])),
            Err(DraftingError::PaidInvoiceTaxable(vec![
                "Consulting hours".into()
            ])),
            "a code the company does not list counts as taxable"
        );
        let new = us(
            &items,
            Unmatched::CreateItem {
                income_account: "79",
            },
        );
        let new_lines = [line("Gift wrap", None)];
        assert_eq!(
            draft_lines(&new_lines, &new)
                .unwrap()
                .check_paid_untaxed(None),
            Ok(()),
            "a new item is not taxable"
        );
    }
}
