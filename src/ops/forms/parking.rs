//! The form that picks a parked call up: the phone to ring, and the
//! space it is connected to once it answers.

use crate::ops::check::Check;
use crate::ops::form::{FieldError, FieldSpec, Form, FormDef, Prefill};
use crate::ops::op::{Op, Request};
use crate::ops::parking;

pub(in crate::ops) static PICK_UP: FormDef = FormDef {
    fields: &[
        FieldSpec::new(
            "Phone",
            "The phone to ring: TECH/RESOURCE, e.g. SIP/2001 or PJSIP/100",
        )
        .focused(),
        FieldSpec::new("Space", "The parking space of the call").prefill(Prefill::ParkedSpace),
        FieldSpec::new(
            "Context",
            "Dialplan context of the lot's spaces (parkedcalls for the default lot)",
        )
        .prefill(Prefill::ParkingContext),
    ],
    build: pick_up,
};

fn pick_up(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let phone = check.tech_resource("Phone");
    let space = check.required("Space");
    let context = check.required("Context");
    let action = parking::pick_up(
        phone.unwrap_or_default(),
        context.unwrap_or_default(),
        space.unwrap_or_default(),
    );
    check.finish(Request::new(Op::PickUp, action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::forms::testing::{errors, form, pairs, sent};

    #[test]
    fn the_phone_is_rung_and_sent_to_the_space() {
        let filled = form(Op::PickUp, &[("Phone", "SIP/2003")]);
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Channel", "SIP/2003"),
                ("Context", "parkedcalls"),
                ("Exten", "701"),
                ("Priority", "1"),
                ("Async", "true"),
            ])
        );
    }

    #[test]
    fn a_phone_must_be_named() {
        let empty = form(Op::PickUp, &[]);
        assert_eq!(errors(&empty), [("Phone", "Phone is required".to_owned())]);
        let bad = form(Op::PickUp, &[("Phone", "2003"), ("Space", "")]);
        let labels: Vec<_> = errors(&bad).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["Phone", "Space"]);
    }
}
