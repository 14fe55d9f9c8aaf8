//! Field checks shared by the forms. A [`Check`] reads a form's fields by
//! label and records at most one clear error per field, so the user sees
//! every problem at once instead of fixing them one submit at a time.

use super::form::{FieldError, Form};
use super::op::Request;

pub(super) struct Check<'a> {
    form: &'a Form,
    errors: Vec<FieldError>,
}

impl<'a> Check<'a> {
    /// Starts checking `form`; any field holding a CR or LF is an error
    /// from the outset (it would start a new header on the wire).
    pub(super) fn new(form: &'a Form) -> Check<'a> {
        let mut check = Check {
            form,
            errors: Vec::new(),
        };
        for (field, value) in form.values().iter().enumerate() {
            if value.contains(['\r', '\n']) {
                check.record(
                    field,
                    "contains a line break (CR or LF), which would start a new header".into(),
                );
            }
        }
        check
    }

    fn index(&self, label: &str) -> usize {
        self.form
            .index_of(label)
            .unwrap_or_else(|| panic!("{:?} has no field {label:?}", self.form.op()))
    }

    fn record(&mut self, field: usize, message: String) {
        if self.errors.iter().all(|e| e.field != field) {
            self.errors.push(FieldError { field, message });
        }
    }

    /// Records `message` against the field labelled `label`, unless that
    /// field already has an error.
    pub(super) fn fail(&mut self, label: &str, message: impl Into<String>) {
        let field = self.index(label);
        self.record(field, message.into());
    }

    /// The field's text without surrounding spaces; `None` when empty.
    pub(super) fn optional(&self, label: &str) -> Option<&'a str> {
        let text = self.form.value(self.index(label)).trim();
        (!text.is_empty()).then_some(text)
    }

    /// The field's text, or an error when it is empty.
    pub(super) fn required(&mut self, label: &str) -> Option<&'a str> {
        let text = self.optional(label);
        if text.is_none() {
            self.fail(label, format!("{label} is required"));
        }
        text
    }

    /// A `TECH/RESOURCE` channel or interface (`PJSIP/100`,
    /// `Local/103@test/n`), required.
    pub(super) fn tech_resource(&mut self, label: &str) -> Option<&'a str> {
        let text = self.required(label)?;
        let well_formed = text.split_once('/').is_some_and(|(tech, resource)| {
            !tech.is_empty()
                && tech.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !resource.is_empty()
                && !resource.contains(char::is_whitespace)
        });
        if !well_formed {
            self.fail(
                label,
                format!("{label} must be TECH/RESOURCE, e.g. PJSIP/100 or Local/100@from-internal"),
            );
            return None;
        }
        Some(text)
    }

    /// A non-negative whole number that fits Asterisk's `int`; `None` when
    /// empty or invalid (invalid is recorded as an error).
    pub(super) fn non_negative(&mut self, label: &str) -> Option<u32> {
        const MAX: u32 = i32::MAX as u32;
        let text = self.optional(label)?;
        let digits = text.chars().all(|c| c.is_ascii_digit());
        match text.parse::<u32>().ok().filter(|n| *n <= MAX) {
            Some(number) => return Some(number),
            None if digits => self.fail(label, format!("{label} is too large (at most {MAX})")),
            None => self.fail(
                label,
                format!("{label} must be a whole number, 0 or more (not {text:?})"),
            ),
        }
        None
    }

    /// A dialplan priority: a number from 1, or a label.
    pub(super) fn priority(&mut self, label: &str) -> Option<&'a str> {
        let text = self.optional(label)?;
        let valid = match text.parse::<i64>() {
            Ok(number) => number >= 1,
            Err(_) => !text.contains(char::is_whitespace) && !text.starts_with(['-', '+']),
        };
        if !valid {
            self.fail(
                label,
                format!("{label} must be a number from 1, or a priority label"),
            );
            return None;
        }
        Some(text)
    }

    /// `yes` / `no` (also `y`, `true`, `on`, `1` and their opposites).
    pub(super) fn yes_no(&mut self, label: &str) -> bool {
        let text = self.optional(label).unwrap_or("no").to_ascii_lowercase();
        match text.as_str() {
            "yes" | "y" | "true" | "on" | "1" => true,
            "no" | "n" | "false" | "off" | "0" => false,
            _ => {
                self.fail(label, format!("{label} must be yes or no"));
                false
            }
        }
    }

    /// Turns the action built from the checked fields into a request, or
    /// gives every error found.
    pub(super) fn finish(mut self, request: Request) -> Result<Request, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(request)
        } else {
            self.errors.sort_by_key(|e| e.field);
            Err(self.errors)
        }
    }
}
