//! The queue actions: QueueStatus, QueueSummary, QueueRule (lists) and
//! QueuePenalty, QueuePause, QueueAdd, QueueRemove (changes), with the
//! replies and error texts of `tests/fixtures/ami/b3_queues.ami`.

use bytes::Bytes;

use super::{Reply, Request, is_true};
use crate::sim::queues::{self, Member};

pub(super) fn queue_status(r: &mut Request) -> Reply {
    let id = r.id();
    let (queue, member) = (r.header("Queue"), r.header("Member"));
    let dialect = r.dialect();
    let items = r.shared.read(|pbx| {
        let mut items = Vec::new();
        let selected = pbx.queues().queues.iter().filter(|q| {
            queue
                .as_ref()
                .is_none_or(|name| q.name.eq_ignore_ascii_case(name))
        });
        for q in selected {
            items.push(queues::params_item(dialect, q, id));
            let members = q.members.iter().filter(|m| {
                member
                    .as_ref()
                    .is_none_or(|i| m.interface.eq_ignore_ascii_case(i))
            });
            items.extend(members.map(|m| queues::member_item(dialect, &q.name, m, id)));
            items.extend((0..q.callers.len()).map(|p| queues::entry_item(q, p, pbx.uptime(), id)));
        }
        items
    });
    Reply::list_in(
        dialect,
        id,
        "Queue status will follow",
        items,
        "QueueStatusComplete",
        |f, _| f,
    )
}

pub(super) fn queue_summary(r: &mut Request) -> Reply {
    let id = r.id();
    let dialect = r.dialect();
    let queue = r.header("Queue");
    let items = r.shared.read(|pbx| {
        pbx.queues()
            .queues
            .iter()
            .filter(|q| {
                queue
                    .as_ref()
                    .is_none_or(|name| q.name.eq_ignore_ascii_case(name))
            })
            .map(|q| queues::summary_item(q, pbx.uptime(), id))
            .collect()
    });
    Reply::list_in(
        dialect,
        id,
        "Queue summary will follow",
        items,
        "QueueSummaryComplete",
        |f, _| f,
    )
}

/// `QueueRule`: one message, a `RuleList` block per rule, ended by two
/// empty lines (as Asterisk writes it: one more than a message needs).
pub(super) fn queue_rule(r: &mut Request) -> Reply {
    let wanted = r.header("Rule");
    let rules = r.shared.read(|pbx| pbx.queues().rules.clone());
    let mut text = String::from("Response: Success\r\n");
    if let Some(id) = r.id() {
        text.push_str(&format!("ActionID: {}\r\n", id.replace(['\r', '\n'], " ")));
    }
    let selected = rules.iter().filter(|rule| {
        wanted
            .as_ref()
            .is_none_or(|w| rule.name.eq_ignore_ascii_case(w))
    });
    for rule in selected {
        text.push_str(&format!("RuleList: {}\r\n", rule.name));
        for line in rule.rules {
            text.push_str(&format!("Rule: {line}\r\n"));
        }
    }
    text.push_str("\r\n\r\n");
    Reply::new(vec![Bytes::from(text)])
}

pub(super) fn queue_penalty(r: &mut Request) -> Reply {
    let (Some(interface), Some(penalty)) = (r.header("Interface"), r.header("Penalty")) else {
        return r.error("Need 'Interface' and 'Penalty' parameters.");
    };
    let queue = r.header("Queue");
    let result = r
        .shared
        .change(|pbx| pbx.queue_penalty(&interface, &penalty, queue.as_deref()));
    r.outcome(result.map(|()| "Interface penalty set successfully"))
}

pub(super) fn queue_pause(r: &mut Request) -> Reply {
    let (Some(interface), Some(paused)) = (r.header("Interface"), r.header("Paused")) else {
        return r.error("Need 'Interface' and 'Paused' parameters.");
    };
    let paused = is_true(&paused);
    let (queue, reason) = (r.header("Queue"), r.header("Reason").unwrap_or_default());
    let result = r
        .shared
        .change(|pbx| pbx.queue_pause(&interface, paused, queue.as_deref(), &reason));
    let done = if paused {
        "Interface paused successfully"
    } else {
        "Interface unpaused successfully"
    };
    r.outcome(result.map(|()| done))
}

pub(super) fn queue_add(r: &mut Request) -> Reply {
    let (Some(queue), Some(interface)) = (r.header("Queue"), r.header("Interface")) else {
        return r.error("'Queue' and 'Interface' must be specified.");
    };
    let penalty = r
        .header("Penalty")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let login_time = r.shared.read(|pbx| pbx.epoch_secs());
    let name = r.header("MemberName").unwrap_or_else(|| interface.clone());
    let mut member = Member::new(&name, &interface, penalty, login_time);
    member.dynamic = true;
    member.state_interface = r
        .header("StateInterface")
        .unwrap_or_else(|| interface.clone());
    member.paused = r.header("Paused").is_some_and(|p| is_true(&p));
    let result = r.shared.change(|pbx| pbx.queue_add(&queue, member));
    r.outcome(result.map(|()| "Added interface to queue"))
}

pub(super) fn queue_remove(r: &mut Request) -> Reply {
    let (Some(queue), Some(interface)) = (r.header("Queue"), r.header("Interface")) else {
        return r.error("Need 'Queue' and 'Interface' parameters.");
    };
    let result = r.shared.change(|pbx| pbx.queue_remove(&queue, &interface));
    r.outcome(result.map(|()| "Removed interface from queue"))
}
