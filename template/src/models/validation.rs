use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

/// Field-level problems with a request, answered as a 422 with `details`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(BTreeMap<String, Vec<String>>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Errors with a single problem on `field`.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn fields(&self) -> &BTreeMap<String, Vec<String>> {
        &self.0
    }

    /// `Ok(())` when nothing was added, the errors otherwise.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_NAME_LEN: usize = 100;

// The OpenAPI schemas below state the same rules as `name` and `email`, so that clients (and a
// fuzzer) know exactly what is accepted. A name's leading and trailing whitespace (Unicode
// White_Space, what `str::trim` removes) is ignored, and what remains holds no character of
// `is_forbidden`; its length counts characters as sent, before trimming.
const WHITESPACE: &str =
    r"\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
const FORBIDDEN: &str =
    r"\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff";

/// The pattern of a name: a core with no forbidden character, optionally surrounded by whitespace.
pub fn name_pattern() -> String {
    let (ws, bad) = (WHITESPACE, FORBIDDEN);
    format!("^[{ws}]*[^{bad}{ws}]([^{bad}]*[^{bad}{ws}])?[{ws}]*$")
}

/// The pattern of an email: what `email` accepts (the `email` format says the rest: no two dots
/// in a row).
pub fn email_pattern() -> String {
    let atext = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
    let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    format!(r"^{atext}([A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{0,62}}{atext})?@{label}(\.{label})+$")
}

/// The OpenAPI schema of a name (`schema_with` on the request fields).
pub fn name_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(MAX_NAME_LEN))
        .pattern(Some(name_pattern()))
        .examples(["Ada Lovelace"])
        .build()
}

/// The OpenAPI schema of an email address (`schema_with` on the request fields).
pub fn email_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(MAX_EMAIL_LEN))
        .pattern(Some(email_pattern()))
        .examples(["ada@example.com"])
        .build()
}

/// For optional fields that may be left out but not sent as `null` (a `null` is a 422, just as
/// the schema, which does not allow it, says).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Characters no name or email may contain: controls (C0, DEL, C1), the zero-width characters,
/// the line and paragraph separators and the bidirectional marks, embeddings, overrides and
/// isolates that make text display differently from what it is.
pub fn is_forbidden(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// The characters an unquoted local part may hold (RFC 5322 `atext`).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// A domain label: 1 to 63 letters, digits and hyphens, no hyphen at either end.
fn is_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Checks an email address (`local@domain.tld`, ASCII, as sent: no surrounding whitespace) and
/// returns it lowercase.
pub fn email(value: &str, errors: &mut ValidationErrors) -> String {
    let well_formed = value.len() <= MAX_EMAIL_LEN
        && value.split_once('@').is_some_and(|(local, domain)| {
            (1..=64).contains(&local.len())
                && local
                    .split('.')
                    .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
                && domain.contains('.')
                && domain.split('.').all(is_label)
        });
    if !well_formed {
        errors.add("email", "must be a valid email address");
    }
    value.to_lowercase()
}

/// Checks a display name and returns it trimmed.
pub fn name(value: &str, errors: &mut ValidationErrors) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() || value.chars().count() > MAX_NAME_LEN {
        errors.add("name", format!("must be 1 to {MAX_NAME_LEN} characters"));
    } else if trimmed.chars().any(is_forbidden) {
        errors.add(
            "name",
            "must not contain control, zero-width or bidirectional-override characters",
        );
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_errors(value: &str) -> usize {
        let mut errors = ValidationErrors::new();
        name(value, &mut errors);
        errors.fields().len()
    }

    fn email_errors(value: &str) -> usize {
        let mut errors = ValidationErrors::new();
        email(value, &mut errors);
        errors.fields().len()
    }

    #[test]
    fn names_are_trimmed_and_hidden_characters_refused() {
        assert_eq!(name_errors("  Ada Lovelace\n"), 0);
        assert_eq!(name_errors("Zoë 李"), 0);
        for hostile in [
            "",
            " \t",
            "Ada\0",
            "A\u{7}da",
            "Ad\u{200b}a",
            "Ada\u{202e}ecalevoL",
            "\u{2066}Ada",
            "Ada\u{feff}x",
        ] {
            assert_eq!(name_errors(hostile), 1, "{hostile:?}");
        }
        assert_eq!(name_errors(&"x".repeat(MAX_NAME_LEN)), 0);
        assert_eq!(name_errors(&"x".repeat(MAX_NAME_LEN + 1)), 1);
    }

    #[test]
    fn emails_need_a_dotted_domain_and_no_hidden_characters() {
        assert_eq!(email_errors("Ada.O'Hara+api@Example-1.COM"), 0);
        assert_eq!(email_errors(&format!("{}@example.com", "a".repeat(64))), 0);
        for hostile in [
            "ada",
            "ada@example",
            "ada@example..com",
            "ada..b@example.com",
            ".ada@example.com",
            "ada@-example.com",
            " ada@example.com",
            "a da@example.com",
            "zoë@example.com",
            "ada\0@example.com",
            "ada\u{200d}@example.com",
            "ada@exa\u{202e}mple.com",
        ] {
            assert_eq!(email_errors(hostile), 1, "{hostile:?}");
        }
        assert_eq!(email_errors(&format!("{}@example.com", "a".repeat(65))), 1);
    }
}
