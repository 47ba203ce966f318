use std::collections::BTreeMap;

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

/// Checks an email address and returns it normalised (trimmed, lowercase).
pub fn email(value: &str, errors: &mut ValidationErrors) -> String {
    let normalised = value.trim().to_lowercase();
    let well_formed = normalised.len() <= MAX_EMAIL_LEN
        && !normalised.chars().any(char::is_whitespace)
        && normalised.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !well_formed {
        errors.add("email", "must be a valid email address");
    }
    normalised
}

/// Checks a display name and returns it trimmed.
pub fn name(value: &str, errors: &mut ValidationErrors) -> String {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    if length == 0 || length > MAX_NAME_LEN {
        errors.add("name", format!("must be 1 to {MAX_NAME_LEN} characters"));
    }
    trimmed.to_owned()
}
