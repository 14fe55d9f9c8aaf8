//! A form: the fields of one operation, their current text, and submitting
//! them (validation, then the action to send).

use std::fmt;

use super::op::{Op, Request, Selection};

/// One operation's form: its fields and how valid fields become a request
/// (each is a static in `forms/`).
#[derive(Debug)]
pub(super) struct FormDef {
    pub(super) fields: &'static [FieldSpec],
    /// Validates the fields and builds the request.
    pub(super) build: fn(&Form) -> Result<Request, Vec<FieldError>>,
}

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
    /// The selected member's penalty now.
    Penalty,
    /// The dialplan context the selected channel is in.
    ChannelContext,
    /// The device of the selected channel (`PJSIP/100` of
    /// `PJSIP/100-00000001`), to call it again.
    ChannelDevice,
    /// The selected parked call's space.
    ParkedSpace,
    /// The context of that call's lot's spaces.
    ParkingContext,
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
    /// The cursor starts on this field (else on the first).
    pub(super) focus: bool,
}

impl FieldSpec {
    pub(super) const fn new(label: &'static str, help: &'static str) -> FieldSpec {
        FieldSpec {
            label,
            help,
            default: "",
            prefill: Prefill::Default,
            focus: false,
        }
    }

    /// Puts the cursor on this field when the form opens.
    pub(super) const fn focused(mut self) -> FieldSpec {
        self.focus = true;
        self
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
            Prefill::Channel => selection
                .channel
                .clone()
                .or_else(|| selection.legs.first().cloned()),
            Prefill::Interface => selection.interface.clone(),
            Prefill::Queue => selection.queue.clone(),
            Prefill::PauseToggle => {
                let pause = !selection.paused.unwrap_or(false);
                Some(if pause { "yes" } else { "no" }.to_owned())
            }
            Prefill::Penalty => selection.penalty.map(|p| p.to_string()),
            Prefill::ChannelContext => selection.context.clone(),
            Prefill::ChannelDevice => selection.channel.as_deref().map(device_of),
            Prefill::ParkedSpace => selection.parked_space.clone(),
            Prefill::ParkingContext => selection.parking_context.clone(),
        };
        picked.unwrap_or_else(|| self.default.to_owned())
    }
}

/// The device a channel was made for: its name without the sequence
/// suffix Asterisk adds (`-00000001`, and `;1` for Local channels).
fn device_of(channel: &str) -> String {
    let name = channel.split(';').next().unwrap_or(channel);
    match name.rsplit_once('-') {
        Some((device, suffix))
            if device.contains('/')
                && !suffix.is_empty()
                && suffix.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            device.to_owned()
        }
        _ => name.to_owned(),
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
#[derive(Clone, Debug)]
pub struct Form {
    op: Op,
    def: &'static FormDef,
    values: Vec<String>,
}

impl PartialEq for Form {
    fn eq(&self, other: &Form) -> bool {
        self.op == other.op && self.values == other.values
    }
}

impl Eq for Form {}

impl Form {
    /// `op`'s form, pre-filled from the selection.
    pub(super) fn new(op: Op, def: &'static FormDef, selection: &Selection) -> Form {
        let values = def
            .fields
            .iter()
            .map(|spec| spec.initial(selection))
            .collect();
        Form { op, def, values }
    }

    pub fn op(&self) -> Op {
        self.op
    }

    /// The field the cursor starts on.
    pub fn initial_focus(&self) -> usize {
        self.fields().iter().position(|f| f.focus).unwrap_or(0)
    }

    pub fn fields(&self) -> &'static [FieldSpec] {
        self.def.fields
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
        (self.def.build)(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::forms::testing::{everything, form};
    use crate::ops::start::{Start, start};

    fn value<'a>(form: &'a Form, label: &str) -> &'a str {
        form.value(form.index_of(label).unwrap())
    }

    #[test]
    fn fields_are_prefilled_from_the_selection_or_their_default() {
        let atxfer = form(Op::Atxfer, &[]);
        assert_eq!(value(&atxfer, "Channel"), "PJSIP/100-00000001");

        let pause = form(Op::QueuePause, &[]);
        assert_eq!(value(&pause, "Interface"), "PJSIP/2001");
        assert_eq!(value(&pause, "Queue"), "support");
        // Not paused now: the form offers to pause.
        assert_eq!(value(&pause, "Paused"), "yes");
        let paused = Selection {
            paused: Some(true),
            ..everything()
        };
        let Ok(Start::Form(unpause)) = start(Op::QueuePause, &paused, false) else {
            panic!("QueuePause has a form");
        };
        assert_eq!(value(&unpause, "Paused"), "no");

        let Ok(Start::Form(originate)) = start(Op::Originate, &Selection::default(), false) else {
            panic!("Originate has a form");
        };
        assert_eq!(value(&originate, "Timeout"), "30");
        assert_eq!(value(&originate, "Async"), "yes");
        assert_eq!(value(&originate, "Channel"), "");
    }

    #[test]
    fn every_field_has_a_unique_label_and_one_line_of_help() {
        let forms = Op::ALL
            .into_iter()
            .filter_map(|op| match start(op, &everything(), false) {
                Ok(Start::Form(form)) => Some(form),
                _ => None,
            });
        let mut count = 0;
        for form in forms {
            count += 1;
            let fields = form.fields();
            assert_eq!(form.values().len(), fields.len());
            for (i, spec) in fields.iter().enumerate() {
                let label = spec.label;
                assert!(
                    !spec.help.is_empty() && !spec.help.contains('\n'),
                    "{label}"
                );
                assert!(
                    fields[..i].iter().all(|other| other.label != label),
                    "{label}"
                );
            }
        }
        assert_eq!(
            count, 10,
            "Originate, Atxfer, Redirect, 4 queue forms, Module, Console, PickUp"
        );
    }

    #[test]
    fn rows_prefill_penalty_context_and_the_device_to_call() {
        let selection = Selection {
            penalty: Some(3),
            context: Some("from-internal".into()),
            ..everything()
        };
        let open = |op| match start(op, &selection, false) {
            Ok(Start::Form(form)) => form,
            other => panic!("{other:?}"),
        };
        let penalty = open(Op::QueuePenalty);
        assert_eq!(value(&penalty, "Penalty"), "3");
        assert_eq!(
            penalty.initial_focus(),
            penalty.index_of("Penalty").unwrap()
        );
        for op in [Op::Atxfer, Op::Redirect] {
            assert_eq!(value(&open(op), "Context"), "from-internal", "{op:?}");
        }
        assert_eq!(value(&open(Op::Originate), "Channel"), "PJSIP/100");
        assert_eq!(device_of("Local/100@test-0000001a;2"), "Local/100@test");
        assert_eq!(device_of("SIP/trunk-out-0000000b"), "SIP/trunk-out");
        assert_eq!(device_of("DAHDI/1-1"), "DAHDI/1");
        assert_eq!(device_of("PJSIP/alice"), "PJSIP/alice");
    }

    #[test]
    fn set_value_ignores_fields_that_do_not_exist() {
        let mut console = form(Op::Console, &[]);
        console.set_value(0, "core show uptime");
        console.set_value(9, "nowhere");
        assert_eq!(console.values(), ["core show uptime"]);
        assert_eq!(console.value(9), "");
    }
}
