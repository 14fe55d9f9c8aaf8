//! Forms that change queue members: QueuePenalty, QueuePause, QueueAdd,
//! QueueRemove. Each that acts on a member asks which queue, pre-filled
//! with the one in focus (an agent is often in several).

use crate::ami::Action;

use crate::ops::check::Check;
use crate::ops::form::{FieldError, FieldSpec, Form, FormDef, Prefill};
use crate::ops::op::{Op, Request};

pub(in crate::ops) static QUEUE_PENALTY: FormDef = FormDef {
    fields: &[
        FieldSpec::new("Interface", "The member's interface, e.g. PJSIP/2001")
            .prefill(Prefill::Interface),
        FieldSpec::new("Penalty", "The new penalty: a whole number, 0 or more")
            .prefill(Prefill::Penalty)
            .focused(),
        FieldSpec::new(
            "Queue",
            "Only in this queue (empty: every queue the member is in)",
        )
        .prefill(Prefill::Queue),
    ],
    build: penalty,
};

pub(in crate::ops) static QUEUE_PAUSE: FormDef = FormDef {
    fields: &[
        FieldSpec::new("Interface", "The member's interface, e.g. PJSIP/2001")
            .prefill(Prefill::Interface),
        FieldSpec::new(
            "Queue",
            "Only in this queue (empty: pause or unpause it in every queue it is in)",
        )
        .prefill(Prefill::Queue),
        FieldSpec::new("Paused", "yes to pause, no to take calls again")
            .prefill(Prefill::PauseToggle),
        FieldSpec::new(
            "Reason",
            "Why, for reports and other supervisors (optional)",
        ),
    ],
    build: pause,
};

pub(in crate::ops) static QUEUE_ADD: FormDef = FormDef {
    fields: &[
        FieldSpec::new("Queue", "The queue to add the member to").prefill(Prefill::Queue),
        FieldSpec::new("Interface", "The new member's interface, e.g. PJSIP/2005"),
        FieldSpec::new("MemberName", "A name to show for the member (optional)"),
        FieldSpec::new(
            "Penalty",
            "A whole number, 0 or more; lower is offered calls first",
        )
        .default("0"),
        FieldSpec::new("Paused", "yes to add the member paused").default("no"),
        FieldSpec::new(
            "StateInterface",
            "Device whose state tells if the member is busy (optional), e.g. PJSIP/2005",
        ),
    ],
    build: add,
};

pub(in crate::ops) static QUEUE_REMOVE: FormDef = FormDef {
    fields: &[
        FieldSpec::new("Interface", "The member's interface, e.g. PJSIP/2001")
            .prefill(Prefill::Interface),
        FieldSpec::new(
            "Queue",
            "The queue to remove it from (it stays in its other queues)",
        )
        .prefill(Prefill::Queue)
        .focused(),
    ],
    build: remove,
};

fn penalty(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("QueuePenalty");
    if let Some(interface) = check.tech_resource("Interface") {
        action.push("Interface", interface);
    }
    match check.non_negative("Penalty") {
        Some(penalty) => action.push("Penalty", penalty.to_string()),
        None => check.fail("Penalty", "Penalty is required"),
    }
    if let Some(queue) = check.optional("Queue") {
        action.push("Queue", queue);
    }
    check.finish(Request::new(Op::QueuePenalty, action))
}

fn pause(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("QueuePause");
    if let Some(interface) = check.tech_resource("Interface") {
        action.push("Interface", interface);
    }
    let paused = check.yes_no("Paused");
    action.push("Paused", if paused { "true" } else { "false" });
    if let Some(queue) = check.optional("Queue") {
        action.push("Queue", queue);
    }
    if let Some(reason) = check.optional("Reason") {
        action.push("Reason", reason);
    }
    check.finish(Request::new(Op::QueuePause, action))
}

fn add(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("QueueAdd");
    if let Some(queue) = check.required("Queue") {
        action.push("Queue", queue);
    }
    if let Some(interface) = check.tech_resource("Interface") {
        action.push("Interface", interface);
    }
    if let Some(penalty) = check.non_negative("Penalty") {
        action.push("Penalty", penalty.to_string());
    }
    if check.yes_no("Paused") {
        action.push("Paused", "true");
    }
    if let Some(name) = check.optional("MemberName") {
        action.push("MemberName", name);
    }
    if check.optional("StateInterface").is_some()
        && let Some(state) = check.tech_resource("StateInterface")
    {
        action.push("StateInterface", state);
    }
    check.finish(Request::new(Op::QueueAdd, action))
}

/// Asks first: a removed member stops getting calls at once.
fn remove(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let mut action = Action::new("QueueRemove");
    if let Some(queue) = check.required("Queue") {
        action.push("Queue", queue);
    }
    if let Some(interface) = check.tech_resource("Interface") {
        action.push("Interface", interface);
    }
    let question = format!(
        "Remove {} from queue {}?",
        action.get("Interface").unwrap_or_default(),
        action.get("Queue").unwrap_or_default()
    );
    check.finish(Request::new(Op::QueueRemove, action).confirm_with(question))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::forms::testing::{errors, form, pairs, sent, submitted};

    #[test]
    fn penalty_is_a_non_negative_whole_number_and_queue_is_optional() {
        let filled = form(Op::QueuePenalty, &[("Penalty", "3")]);
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Interface", "PJSIP/2001"),
                ("Penalty", "3"),
                ("Queue", "support")
            ])
        );
        let everywhere = form(Op::QueuePenalty, &[("Penalty", "0"), ("Queue", "")]);
        assert_eq!(
            sent(&everywhere),
            pairs(&[("Interface", "PJSIP/2001"), ("Penalty", "0")])
        );
        for bad in ["-5", "1.5", "two", ""] {
            let refused = form(Op::QueuePenalty, &[("Penalty", bad)]);
            assert_eq!(errors(&refused)[0].0, "Penalty", "{bad:?}");
        }
        for huge in ["99999999999", "2147483648"] {
            let refused = form(Op::QueuePenalty, &[("Penalty", huge)]);
            assert_eq!(
                errors(&refused),
                [(
                    "Penalty",
                    "Penalty is too large (at most 2147483647)".to_string()
                )]
            );
        }
        let largest = form(Op::QueuePenalty, &[("Penalty", "2147483647")]);
        assert_eq!(sent(&largest)[1].1, "2147483647");
    }

    #[test]
    fn pause_sends_true_or_false_with_its_reason() {
        let filled = form(Op::QueuePause, &[("Reason", "lunch")]);
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Interface", "PJSIP/2001"),
                ("Paused", "true"),
                ("Queue", "support"),
                ("Reason", "lunch"),
            ])
        );
        let unpause = form(Op::QueuePause, &[("Paused", "no"), ("Queue", "")]);
        assert_eq!(
            sent(&unpause),
            pairs(&[("Interface", "PJSIP/2001"), ("Paused", "false")])
        );
        assert_eq!(
            errors(&form(Op::QueuePause, &[("Paused", "later")]))[0].0,
            "Paused"
        );
    }

    #[test]
    fn remove_asks_which_queue_then_asks_first() {
        let filled = form(Op::QueueRemove, &[]);
        let request = submitted(&filled);
        assert_eq!(
            request.action.headers().to_vec(),
            pairs(&[("Queue", "support"), ("Interface", "PJSIP/2001")])
        );
        assert_eq!(
            request.confirmation(),
            Some("Remove PJSIP/2001 from queue support?")
        );
        let other = form(Op::QueueRemove, &[("Queue", "sales")]);
        assert_eq!(sent(&other)[0], ("Queue".into(), "sales".into()));
        let nowhere = form(Op::QueueRemove, &[("Queue", " ")]);
        assert_eq!(errors(&nowhere)[0].0, "Queue");
    }

    #[test]
    fn add_takes_the_selected_queue_and_checks_interfaces() {
        let filled = form(
            Op::QueueAdd,
            &[
                ("Interface", "Local/105@test/n"),
                ("MemberName", "Eve"),
                ("Penalty", "4"),
                ("StateInterface", "Local/105@test"),
            ],
        );
        assert_eq!(
            sent(&filled),
            pairs(&[
                ("Queue", "support"),
                ("Interface", "Local/105@test/n"),
                ("Penalty", "4"),
                ("MemberName", "Eve"),
                ("StateInterface", "Local/105@test"),
            ])
        );
        let paused = form(
            Op::QueueAdd,
            &[("Interface", "PJSIP/2005"), ("Paused", "yes")],
        );
        assert!(sent(&paused).contains(&("Paused".to_owned(), "true".to_owned())));
        let bad = form(
            Op::QueueAdd,
            &[
                ("Queue", ""),
                ("Interface", "2005"),
                ("StateInterface", "nope"),
            ],
        );
        let labels: Vec<_> = errors(&bad).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["Queue", "Interface", "StateInterface"]);
    }
}
