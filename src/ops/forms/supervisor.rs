//! The spy form, for when the config names no supervisor phone: the phone
//! to ring (the one typed last this session is offered) and the channel
//! to hear. One form serves listen, whisper and barge: its operation says
//! which.

use crate::ops::check::Check;
use crate::ops::form::{FieldError, FieldSpec, Form, FormDef, Prefill};
use crate::ops::op::Request;
use crate::ops::supervisor::spy_request;

pub(in crate::ops) static SPY: FormDef = FormDef {
    fields: &[
        FieldSpec::new(
            "Phone",
            "Your phone, rung first: TECH/RESOURCE, e.g. PJSIP/200 (supervisor = in the config skips this)",
        )
        .prefill(Prefill::LastPhone)
        .focused(),
        FieldSpec::new(
            "Spy on",
            "The channel heard: the selected one, past Local pairs, or the agent's phone",
        )
        .prefill(Prefill::SpyTarget),
    ],
    build: spy,
};

fn spy(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let phone = check.tech_resource("Phone").unwrap_or_default();
    let target = check.required("Spy on").unwrap_or_default();
    check.finish(spy_request(form.op(), phone, target))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{errors, form};
    use crate::ops::Op;

    #[test]
    fn the_phone_is_rung_to_spy_on_the_channel_typed() {
        let filled = form(
            Op::Listen,
            &[("Phone", "PJSIP/200"), ("Spy on", "SIP/3001-0000000a")],
        );
        let request = filled.submit().unwrap();
        assert_eq!(request.action.get("Channel"), Some("PJSIP/200"));
        assert_eq!(request.action.get("Data"), Some("SIP/3001-0000000a,qE"));
        let empty = form(Op::Barge, &[("Phone", ""), ("Spy on", "")]);
        let labels: Vec<&str> = errors(&empty).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["Phone", "Spy on"]);
    }
}
