//! What becomes of a line no QuickBooks item matches (W5, B4), as the account's settings say for one
//! company: the workflow actions apply it to every such line; the card offers a new item on the same terms.

use crate::quickbooks::entities::Item;
use crate::settings::{Settings, UnmatchedItem};

/// The income account new items of company `realm_id` post to when the settings create unmatched products
/// (B4); `None` when they do not, or name no account for this company.
pub fn new_item_account<'a>(settings: &'a Settings, realm_id: &str) -> Option<&'a str> {
    match settings.unmatched_item {
        UnmatchedItem::CreateItem => settings.income_accounts.get(realm_id).map(|a| a.as_str()),
        UnmatchedItem::Fail | UnmatchedItem::DefaultItem => None,
    }
}

/// What becomes of a line no QuickBooks item matches, in one company (W5, B4).
#[derive(Clone, Copy, Debug)]
pub enum Unmatched<'a> {
    /// The action fails, naming the lines.
    Refuse,
    /// The line takes the company's default item.
    DefaultItem(&'a Item),
    /// An item is created for the line, its sales posting to this income account.
    CreateItem { income_account: &'a str },
    /// The settings create items but name no income account for this company: refused, saying so.
    NoIncomeAccount,
}

impl<'a> Unmatched<'a> {
    /// The settings' rule for company `realm_id`, whose active items are `items`. A default item that is not
    /// among them (deleted or made inactive since it was chosen) is no default.
    pub fn of(settings: &'a Settings, realm_id: &str, items: &'a [Item]) -> Self {
        match settings.unmatched_item {
            UnmatchedItem::Fail => Unmatched::Refuse,
            UnmatchedItem::DefaultItem => settings
                .default_items
                .get(realm_id)
                .and_then(|id| items.iter().find(|i| i.id == id.as_str()))
                .map_or(Unmatched::Refuse, Unmatched::DefaultItem),
            UnmatchedItem::CreateItem => new_item_account(settings, realm_id)
                .map_or(Unmatched::NoIncomeAccount, |income_account| {
                    Unmatched::CreateItem { income_account }
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::item;

    /// A rule, comparable (items have no equality).
    fn rule(unmatched: Unmatched) -> String {
        match unmatched {
            Unmatched::Refuse => "refuse".into(),
            Unmatched::DefaultItem(item) => format!("default item {}", item.id),
            Unmatched::CreateItem { income_account } => {
                format!("create, posting to {income_account}")
            }
            Unmatched::NoIncomeAccount => "no income account".into(),
        }
    }

    fn settings(unmatched_item: UnmatchedItem) -> Settings {
        Settings {
            unmatched_item,
            default_items: [("9130".parse().unwrap(), "7".parse().unwrap())].into(),
            income_accounts: [("9130".parse().unwrap(), "79".parse().unwrap())].into(),
            ..Settings::default()
        }
    }

    #[test]
    fn the_settings_decide_what_an_unmatched_line_becomes_per_company() {
        let items = [item("7", "Services", None)];
        let of = |u, realm| rule(Unmatched::of(&settings(u), realm, &items));
        assert_eq!(of(UnmatchedItem::Fail, "9130"), "refuse");
        assert_eq!(of(UnmatchedItem::DefaultItem, "9130"), "default item 7");
        assert_eq!(of(UnmatchedItem::DefaultItem, "4620"), "refuse");
        assert_eq!(
            rule(Unmatched::of(
                &settings(UnmatchedItem::DefaultItem),
                "9130",
                &[]
            )),
            "refuse",
            "a default item no longer active is no default"
        );
        assert_eq!(
            of(UnmatchedItem::CreateItem, "9130"),
            "create, posting to 79"
        );
        assert_eq!(of(UnmatchedItem::CreateItem, "4620"), "no income account");
        let s = settings(UnmatchedItem::DefaultItem);
        assert_eq!(
            new_item_account(&s, "9130"),
            None,
            "only when creating items"
        );
        let s = settings(UnmatchedItem::CreateItem);
        assert_eq!(new_item_account(&s, "9130"), Some("79"));
    }
}
