//! The forms of the operations that take input: their fields (label, one
//! line of help, default, pre-fill) and how each turns valid fields into
//! a request. Grouped like the AMI: `calls`, `queues`, `system`.

mod calls;
mod parking;
mod queues;
mod system;

pub(super) use calls::{ATXFER, ORIGINATE, REDIRECT};
pub(super) use parking::PICK_UP;
pub(super) use queues::{QUEUE_ADD, QUEUE_PAUSE, QUEUE_PENALTY, QUEUE_REMOVE};
pub(super) use system::{CONSOLE, MODULE};

#[cfg(test)]
pub(super) mod testing {
    //! Filling forms by label and reading their results, for the tests of
    //! each group.

    use crate::ops::form::Form;
    use crate::ops::op::{Op, Request, Selection};
    use crate::ops::start::{Start, start};

    pub(crate) fn form(op: Op, values: &[(&str, &str)]) -> Form {
        let Ok(Start::Form(mut form)) = start(op, &everything(), false) else {
            panic!("{op:?} has no form");
        };
        for (label, value) in values {
            let index = form
                .index_of(label)
                .unwrap_or_else(|| panic!("{op:?} has no field {label}"));
            form.set_value(index, *value);
        }
        form
    }

    /// A selection with a channel, a queue and a member.
    pub(crate) fn everything() -> Selection {
        Selection {
            channel: Some("PJSIP/100-00000001".into()),
            queue: Some("support".into()),
            interface: Some("PJSIP/2001".into()),
            paused: Some(false),
            penalty: None,
            legs: Vec::new(),
            context: None,
            object: None,
            parked_space: Some("701".into()),
            parking_context: Some("parkedcalls".into()),
            ..Selection::default()
        }
    }

    /// The headers of the request the form gives (it must be valid).
    pub(crate) fn sent(form: &Form) -> Vec<(String, String)> {
        submitted(form).action.headers().to_vec()
    }

    pub(crate) fn submitted(form: &Form) -> Request {
        form.submit()
            .unwrap_or_else(|errors| panic!("{:?} refused: {errors:?}", form.op()))
    }

    /// Each field error as (label, message).
    pub(crate) fn errors(form: &Form) -> Vec<(&'static str, String)> {
        form.submit()
            .expect_err("the form should be refused")
            .into_iter()
            .map(|e| (form.fields()[e.field].label, e.message))
            .collect()
    }

    pub(crate) fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}
