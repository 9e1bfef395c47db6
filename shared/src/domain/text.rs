//! Text we pass on to QuickBooks (memos, line descriptions, names, document numbers): control characters are
//! never meant (a NUL byte pasted from another system, an escape sequence) and QuickBooks refuses or mangles
//! them, so they are refused before anything is written. Line breaks and tabs are ordinary text in a memo or
//! a description; names have their own rule (matching.rs, `clean_name`).

/// The first control character in `text` other than a line break or a tab.
pub fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The first control character in a one-line value (a document number, a SKU), line breaks included.
pub fn line_control_character(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control())
}

/// How a refused character is named in a message: `U+0000`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_text_other_controls_are_not() {
        assert_eq!(control_character("Two\nlines\r\n\tindented"), None);
        assert_eq!(control_character("nul\0byte"), Some('\0'));
        assert_eq!(control_character("esc\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(control_character("c1\u{85}"), Some('\u{85}'));
        assert_eq!(code_point('\0'), "U+0000");
        assert_eq!(line_control_character("MC-\n7"), Some('\n'));
        assert_eq!(line_control_character("MC-7"), None);
    }
}
