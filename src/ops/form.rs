//! A form: the fields of one operation, their current text, and submitting
//! them (validation, then the action to send).

use std::fmt;

use super::forms;
use super::op::{Op, Request, Selection};

/// Where a field's first value comes from when the form opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefill {
    /// The spec's default.
    Default,
    /// The selected channel's name.
    Channel,
    /// The selected member's interface.
    Interface,
    /// The selected queue (or the selected member's queue).
    Queue,
    /// The opposite of the selected member's pause state (`yes` to pause).
    PauseToggle,
}

/// One field of a form, as the user sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub label: &'static str,
    /// One line saying what to type.
    pub help: &'static str,
    /// The text the field starts with when nothing is pre-filled.
    pub default: &'static str,
    pub(super) prefill: Prefill,
}

impl FieldSpec {
    pub(super) const fn new(label: &'static str, help: &'static str) -> FieldSpec {
        FieldSpec {
            label,
            help,
            default: "",
            prefill: Prefill::Default,
        }
    }

    pub(super) const fn default(mut self, default: &'static str) -> FieldSpec {
        self.default = default;
        self
    }

    pub(super) const fn prefill(mut self, prefill: Prefill) -> FieldSpec {
        self.prefill = prefill;
        self
    }

    fn initial(&self, selection: &Selection) -> String {
        let picked = match self.prefill {
            Prefill::Default => None,
            Prefill::Channel => selection.channel.clone(),
            Prefill::Interface => selection.interface.clone(),
            Prefill::Queue => selection.queue.clone(),
            Prefill::PauseToggle => {
                let pause = !selection.paused.unwrap_or(false);
                Some(if pause { "yes" } else { "no" }.to_owned())
            }
        };
        picked.unwrap_or_else(|| self.default.to_owned())
    }
}

/// What is wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's index in [`Form::fields`].
    pub field: usize,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The fields of one operation with the text typed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    op: Op,
    values: Vec<String>,
}

impl Form {
    /// A form for `op`, pre-filled from the selection. Every operation
    /// reached through [`super::start`] has one unless it needs no input.
    pub(super) fn new(op: Op, selection: &Selection) -> Form {
        let values = forms::fields(op)
            .iter()
            .map(|spec| spec.initial(selection))
            .collect();
        Form { op, values }
    }

    pub fn op(&self) -> Op {
        self.op
    }

    pub fn fields(&self) -> &'static [FieldSpec] {
        forms::fields(self.op)
    }

    /// The text of field `index` (empty past the end).
    pub fn value(&self, index: usize) -> &str {
        self.values.get(index).map_or("", String::as_str)
    }

    /// Every field's text, in field order.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Replaces the text of field `index` (ignored past the end).
    pub fn set_value(&mut self, index: usize, text: impl Into<String>) {
        if let Some(value) = self.values.get_mut(index) {
            *value = text.into();
        }
    }

    /// The index of the field labelled `label`.
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.fields().iter().position(|spec| spec.label == label)
    }

    /// Checks every field and builds the request, or says what is wrong
    /// with each bad field (at most one error per field, in field order).
    /// Nothing with a line break in it ever gets through.
    pub fn submit(&self) -> Result<Request, Vec<FieldError>> {
        forms::build(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_prefilled_from_the_selection_or_their_default() {
        let selection = Selection {
            channel: Some("PJSIP/100-00000001".into()),
            queue: Some("support".into()),
            interface: Some("PJSIP/2001".into()),
            paused: Some(true),
        };
        let form = Form::new(Op::Atxfer, &selection);
        assert_eq!(form.value(form.index_of("Channel").unwrap()), "PJSIP/100-00000001");

        let pause = Form::new(Op::QueuePause, &selection);
        assert_eq!(pause.value(pause.index_of("Interface").unwrap()), "PJSIP/2001");
        assert_eq!(pause.value(pause.index_of("Queue").unwrap()), "support");
        // Paused now: the form offers to unpause.
        assert_eq!(pause.value(pause.index_of("Paused").unwrap()), "no");
        let unpaused = Selection {
            paused: Some(false),
            ..selection.clone()
        };
        let pause = Form::new(Op::QueuePause, &unpaused);
        assert_eq!(pause.value(pause.index_of("Paused").unwrap()), "yes");

        let originate = Form::new(Op::Originate, &Selection::default());
        assert_eq!(originate.value(originate.index_of("Timeout").unwrap()), "30");
        assert_eq!(originate.value(originate.index_of("Async").unwrap()), "yes");
        assert_eq!(originate.value(originate.index_of("Channel").unwrap()), "");
    }

    #[test]
    fn every_form_field_has_a_unique_label_and_one_line_of_help() {
        for op in super::super::op::Op::ALL {
            let fields = forms::fields(op);
            for (i, spec) in fields.iter().enumerate() {
                assert!(!spec.help.is_empty() && !spec.help.contains('\n'), "{op:?} {}", spec.label);
                assert!(
                    fields[..i].iter().all(|other| other.label != spec.label),
                    "{op:?} repeats {}",
                    spec.label
                );
            }
        }
    }

    #[test]
    fn set_value_ignores_fields_that_do_not_exist() {
        let mut form = Form::new(Op::Console, &Selection::default());
        form.set_value(0, "core show uptime");
        form.set_value(9, "nowhere");
        assert_eq!(form.values(), ["core show uptime"]);
        assert_eq!(form.value(9), "");
    }
}
