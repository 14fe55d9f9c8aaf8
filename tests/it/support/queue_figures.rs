//! One queue list item (`QueueParams`, `QueueSummary`, `QueueMember`)
//! against the model: every figure the item reports, in the server's own
//! format, that the model has differently. Shared by the capture test
//! (figures built from real events) and the simulator sync test.

use amitop::ami::Message;
use amitop::model::State;
use amitop::model::queues::Queue;

/// `(header, server's value, model's value)` for each header of `item`
/// the model disagrees with, at `now` (epoch seconds); with `now` `None`
/// the headers that depend on the clock (waits, times of day) are skipped,
/// for a server whose clock is not the model's.
pub fn differences(
    state: &State,
    item: &Message,
    now: Option<f64>,
) -> Vec<(String, String, String)> {
    let event = item.event().unwrap_or_default();
    if !["QueueParams", "QueueSummary", "QueueMember", "QueueEntry"].contains(&event.as_ref()) {
        return Vec::new();
    }
    // What the model lacks altogether: the header naming it.
    let absent = |key: &str| {
        vec![(
            key.to_owned(),
            item.get_or_empty(key).into(),
            "absent".to_owned(),
        )]
    };
    let Some(queue) = item.get("Queue").and_then(|q| state.queues.get(&q)) else {
        return absent("Queue");
    };
    let (key, expected) = match event.as_ref() {
        "QueueParams" => ("Queue", Some(params(queue))),
        "QueueSummary" => ("Queue", Some(summary(queue, now))),
        "QueueMember" => ("Location", member(queue, &item.get_or_empty("Location"))),
        _ => (
            "Uniqueid",
            entry(queue, &item.get_or_empty("Uniqueid"), now),
        ),
    };
    let Some(expected) = expected else {
        return absent(key);
    };
    expected
        .into_iter()
        .filter(|(key, _)| now.is_some() || !CLOCKED.contains(key))
        .filter_map(|(key, model)| {
            let mut server = item.get(key)?.trim().to_owned();
            // Asterisk writes an unset Caller ID as `unknown`.
            if key.starts_with("CallerID") && server == "unknown" {
                server.clear();
            }
            (server != model).then(|| (key.to_owned(), server, model))
        })
        .collect()
}

/// Headers whose value depends on the clock.
const CLOCKED: [&str; 4] = ["LongestHoldTime", "Wait", "LastCall", "LastPause"];

fn params(q: &Queue) -> Vec<(&'static str, String)> {
    let f = &q.figures;
    let mut out = vec![
        ("Strategy", q.params.strategy.clone()),
        ("Calls", q.callers.len().to_string()),
        ("Holdtime", f.hold_time.to_string()),
        ("TalkTime", f.talk_time.to_string()),
        ("Completed", f.completed.to_string()),
        ("Abandoned", f.abandoned.to_string()),
        ("ServiceLevel", f.service_level.to_string()),
        ("ServicelevelPerf", format!("{:.1}", f.service_level_perf())),
    ];
    if let Some(perf2) = f.service_level_perf2() {
        out.push(("ServicelevelPerf2", format!("{perf2:.1}")));
    }
    out
}

fn summary(q: &Queue, now: Option<f64>) -> Vec<(&'static str, String)> {
    vec![
        ("LoggedIn", q.logged_in().to_string()),
        ("Available", q.available().to_string()),
        ("Callers", q.callers.len().to_string()),
        ("HoldTime", q.figures.hold_time.to_string()),
        ("TalkTime", q.figures.talk_time.to_string()),
        (
            "LongestHoldTime",
            q.longest_wait(now.unwrap_or(0.0)).to_string(),
        ),
    ]
}

fn epoch(t: Option<f64>) -> String {
    (t.unwrap_or(0.0).floor() as u64).to_string()
}

fn member(q: &Queue, interface: &str) -> Option<Vec<(&'static str, String)>> {
    let m = q.member(interface)?;
    let flag = |on: bool| if on { "1" } else { "0" }.to_owned();
    let mut out = vec![
        ("Name", m.name.clone()),
        ("Penalty", m.penalty.unwrap_or(0).to_string()),
        ("CallsTaken", m.calls_taken.unwrap_or(0).to_string()),
        ("LastCall", epoch(m.last_call)),
        ("InCall", flag(m.in_call)),
        ("Status", m.status.code().to_string()),
        ("Paused", flag(m.paused)),
        ("PausedReason", m.paused_reason.clone()),
    ];
    if !m.membership.is_empty() {
        out.push(("Membership", m.membership.clone()));
    }
    if let Some(t) = m.last_pause {
        out.push(("LastPause", epoch(Some(t))));
    }
    if let Some(w) = m.wrapup_time {
        out.push(("Wrapuptime", w.to_string()));
    }
    Some(out)
}

fn entry(q: &Queue, uniqueid: &str, now: Option<f64>) -> Option<Vec<(&'static str, String)>> {
    let c = q.callers.iter().find(|c| c.uniqueid == uniqueid)?;
    Some(vec![
        ("Position", c.position.unwrap_or(0).to_string()),
        ("Channel", c.channel.clone()),
        ("CallerIDNum", c.caller_id_num.clone()),
        ("CallerIDName", c.caller_id_name.clone()),
        (
            "Wait",
            c.wait_at(now.unwrap_or(0.0)).unwrap_or(0).to_string(),
        ),
    ])
}
