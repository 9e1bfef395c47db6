//! E-mail addresses a user types (the card's "send to"), checked before anything is sent: one plausible
//! `local@domain` address, within SMTP's limits (RFC 5321 §4.5.3.1: 64-octet local part, 254-octet path),
//! with no spaces, control characters or list separators. Anything else is refused at the edge, so a typo
//! never reaches QuickBooks and an oversized value never becomes an upstream URL.

use thiserror::Error;

pub const MAX_ADDRESS: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_LABEL: usize = 63;

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{shown} is not a valid e-mail address ({why}); enter one address like name@example.com")]
pub struct InvalidAddress {
    /// The start of what was given, quoted (never the whole of an oversized value).
    shown: String,
    why: &'static str,
}

/// The address, trimmed, when it is one plausible e-mail address.
pub fn parse_address(raw: &str) -> Result<&str, InvalidAddress> {
    let address = raw.trim();
    let refuse = |why| InvalidAddress {
        shown: shown(address),
        why,
    };
    if address.len() > MAX_ADDRESS {
        return Err(refuse("longer than 254 characters"));
    }
    if address
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || ",;<>()[]\\\"".contains(c))
    {
        return Err(refuse(
            "it contains spaces, control characters or punctuation an address cannot have",
        ));
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err(refuse("no @"));
    };
    if local.is_empty() || local.len() > MAX_LOCAL || local.contains('@') {
        return Err(refuse(
            "the part before the @ is empty, too long or has another @",
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= MAX_LABEL
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(refuse("the domain after the @ is not a valid domain name"));
    }
    Ok(address)
}

fn shown(address: &str) -> String {
    const SHOWN: usize = 60;
    let mut chars = address.chars();
    let head: String = chars.by_ref().take(SHOWN).collect();
    let head = format!("{head:?}");
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_pass_trimmed() {
        for ok in [
            "ap@nomail.example",
            " jane.doe+invoices@sub.example.co.uk ",
            "o'brien@xn--bcher-kva.example",
            "ü@bücher.example",
        ] {
            assert_eq!(parse_address(ok), Ok(ok.trim()), "{ok}");
        }
        let longest = format!(
            "{}@{}.{}.{}.example",
            "a".repeat(64),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(53)
        );
        assert_eq!(longest.len(), 254);
        assert!(parse_address(&longest).is_ok());
    }

    #[test]
    fn implausible_addresses_are_refused_with_a_short_quote() {
        let huge = format!("{}@example.com", "a".repeat(70_000));
        for bad in [
            "",
            "plainaddress",
            "@example.com",
            "jane@",
            "jane@localhost",
            "jane@@example.com",
            "jane@exa mple.com",
            "jane@example..com",
            "jane@-example.com",
            "a@b.com, c@d.com",
            "jane@example.com;x@y.z",
            "Jane <jane@example.com>",
            "jane\0@example.com",
            "jane@example.com\r\nBcc: x@y.z",
            &format!("{}@example.com", "a".repeat(65)),
            &format!("a@{}.com", "b".repeat(64)),
            &format!("a@{}.com", "b.".repeat(130)),
            &huge,
        ] {
            let err = parse_address(bad).expect_err(bad);
            let text = err.to_string();
            assert!(text.contains("not a valid e-mail address"), "{text}");
            assert!(
                text.len() < 300,
                "the message quotes at most the start: {}",
                text.len()
            );
        }
    }
}
