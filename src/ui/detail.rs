//! The detail view: every known field of one row, or the raw text of one
//! logged event.
//!
//! Fields come from the model's own `Serialize` shape (the `--json`
//! document), flattened to `key: value` lines, so a field added to the
//! model shows up here without touching the UI; what the document leaves
//! out (variables, driver details, dial state) is added by hand.
//!
//! When the row goes (a channel hangs up, a caller leaves the queue) the
//! view keeps what it last showed, under a line saying when it went and,
//! for channels, the hangup cause from the event log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::model::queues::QueueMember;
use crate::model::{Channel, State};
pub use crate::ui::detail_lines::Item;
use crate::ui::detail_lines::{Seen, fields_of, flatten, to_value};
use crate::ui::panes::{agents, calls, events};
use crate::ui::selection::RowId;
use crate::ui::theme::{Theme, Tone};
use crate::ui::view::Detail;
use crate::ui::{detail_pbx, text};

/// Width of the key column.
const KEY_COLUMN: usize = 22;

/// The title and lines of the detail view: the row as it is now, else as
/// it was last seen, under when and why it went.
fn shown(state: &State, detail: &Detail, now: f64) -> (String, Vec<Item>) {
    let mut kept = detail.kept.borrow_mut();
    if let Some((title, items)) = items(state, &detail.target, now) {
        kept.0 = Some(Seen {
            target: detail.target.clone(),
            title: title.clone(),
            items: items.clone(),
            channels: channels_of(state, &detail.target),
            gone_at: None,
        });
        return (title, items);
    }
    match &mut kept.0 {
        Some(seen) if seen.target == detail.target => {
            let gone_at = *seen.gone_at.get_or_insert(now);
            let mut items = vec![Item::Gone(farewell(state, &seen.channels, gone_at, now))];
            items.extend(seen.items.iter().cloned());
            (format!("{} (gone)", seen.title), items)
        }
        _ => (
            "Gone".into(),
            vec![Item::Gone("this row no longer exists".into())],
        ),
    }
}

/// The channels behind `target`, whose hangups say why it went.
fn channels_of(state: &State, target: &RowId) -> Vec<String> {
    match target {
        RowId::Channel(id) => vec![id.clone()],
        RowId::Caller { uniqueid, .. } | RowId::ConferenceMember { uniqueid, .. } => {
            vec![uniqueid.clone()]
        }
        RowId::Parked { lot, space } => state
            .parking
            .calls
            .get(&(lot.clone(), space.clone()))
            .map_or_else(Vec::new, |call| vec![call.parkee.clone()]),
        RowId::Call(key) => calls::find(state, key).map_or_else(Vec::new, |call| {
            call.members.iter().map(|c| c.uniqueid.clone()).collect()
        }),
        _ => Vec::new(),
    }
}

/// `hung up 12s ago: 16 Normal Clearing · as last seen:`, from the
/// newest logged Hangup of one of `channels`; else when the view saw the
/// row go.
fn farewell(state: &State, channels: &[String], gone_at: f64, now: f64) -> String {
    let hangup = state.log.iter().rev().find(|entry| {
        entry.message.event().as_deref() == Some("Hangup")
            && entry
                .message
                .get("Uniqueid")
                .is_some_and(|id| channels.iter().any(|c| *c == id))
    });
    let Some(hangup) = hangup else {
        let ago = text::duration(now - gone_at);
        return format!("no longer exists (gone {ago} ago) · as last seen:");
    };
    let ago = text::duration(now - hangup.time);
    let message = &hangup.message;
    let cause = [message.get("Cause"), message.get("Cause-txt")]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if cause.is_empty() {
        format!("hung up {ago} ago · as last seen:")
    } else {
        format!("hung up {ago} ago: {cause} · as last seen:")
    }
}

/// What the view shows for `target`: a title and its lines; `None` once the
/// thing is gone (hung up, swept, scrolled out of the log).
pub fn items(state: &State, target: &RowId, now: f64) -> Option<(String, Vec<Item>)> {
    match target {
        RowId::Channel(id) => {
            let channel = state.channels.get(id)?;
            Some((
                format!("Channel {}", channel.name),
                channel_items(state, channel, now),
            ))
        }
        RowId::Call(key) => {
            let call = calls::find(state, key)?;
            let mut items = vec![
                Item::Field("state".into(), call.state().into_owned()),
                Item::Field(
                    "duration".into(),
                    text::duration(calls::duration(&call, now)),
                ),
            ];
            if let Some(bridge) = call.bridge {
                items.push(Item::Section("bridge".into()));
                flatten("", &to_value(bridge), &mut items);
            }
            for channel in &call.members {
                items.push(Item::Section(format!("channel {}", channel.name)));
                items.extend(channel_items(state, channel, now));
            }
            Some((format!("Call {}", calls::party(call.caller())), items))
        }
        RowId::Queue(name) => {
            let queue = state.queues.get(name)?;
            let mut items = Vec::new();
            flatten("", &to_value(&queue.figures), &mut items);
            flatten("", &to_value(&queue.params), &mut items);
            Some((format!("Queue {name}"), items))
        }
        RowId::Member { queue, interface } => {
            let member = state
                .queues
                .get(queue)?
                .members
                .iter()
                .find(|m| &m.interface == interface)?;
            Some((
                format!("Member {interface} of {queue}"),
                member_items(member, now),
            ))
        }
        RowId::Caller { queue, uniqueid } => {
            let caller = state
                .queues
                .get(queue)?
                .callers
                .iter()
                .find(|c| &c.uniqueid == uniqueid)?;
            Some((
                format!("Caller {} in {queue}", caller.channel),
                fields_of(caller),
            ))
        }
        RowId::Agent(interface) => agent_items(state, interface, now),
        RowId::Registration(a, b) => {
            let registration = state.registry.registrations.get(&(a.clone(), b.clone()))?;
            Some((format!("Registration {a}/{b}"), fields_of(registration)))
        }
        RowId::Peer(a, b) => {
            let peer = state.registry.peers.get(&(a.clone(), b.clone()))?;
            Some((format!("Peer {}", peer.id), detail_pbx::peer(state, peer)))
        }
        RowId::Dahdi(number) => {
            let port = state.dahdi.channels.get(number)?;
            Some((format!("DAHDI channel {number}"), detail_pbx::dahdi(port)))
        }
        RowId::Hint(context, exten) => {
            let key = (context.clone(), exten.clone());
            let hint = state.registry.extensions.get(&key)?;
            Some((
                format!("Hint {exten}@{context}"),
                detail_pbx::hint(state, hint),
            ))
        }
        RowId::Mailbox(key) => {
            let mailbox = state.voicemail.boxes.get(key)?;
            Some((format!("Mailbox {key}"), detail_pbx::mailbox(mailbox)))
        }
        RowId::Parked { lot, space } => {
            let call = state.parking.calls.get(&(lot.clone(), space.clone()))?;
            let mut items = fields_of(call);
            if let Some(lot) = state.parking.lots.get(lot) {
                items.push(Item::Section(format!("lot {}", lot.name)));
                items.extend(fields_of(lot));
            }
            if let Some(channel) = state.channels.get(&call.parkee) {
                items.push(Item::Section(format!("channel {}", channel.name)));
                items.extend(channel_items(state, channel, now));
            }
            Some((format!("Parked call {space} in {lot}"), items))
        }
        RowId::Conference(name) => {
            let room = state.conferences.rooms.get(name)?;
            let mut items = fields_of(room);
            items.push(Item::Field(
                "hidden channels".into(),
                room.hidden_channels().to_string(),
            ));
            Some((format!("Conference {name}"), items))
        }
        RowId::ConferenceMember { room, uniqueid } => {
            let member = state.conferences.rooms.get(room)?.members.get(uniqueid)?;
            let mut items = fields_of(member);
            if let Some(channel) = state.channels.get(uniqueid) {
                items.push(Item::Section(format!("channel {}", channel.name)));
                items.extend(channel_items(state, channel, now));
            }
            Some((format!("Member {} of {room}", member.channel), items))
        }
        RowId::Event(seq) => {
            let entry = events::entry(state, *seq)?;
            let raw = String::from_utf8_lossy(entry.message.raw()).into_owned();
            let lines = raw
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| Item::Raw(l.to_owned()))
                .collect();
            Some((format!("Event #{seq}: {}", entry.name()), lines))
        }
    }
}

/// An agent: its state and counts over all its queues, then its
/// membership in each queue.
fn agent_items(state: &State, interface: &str, now: f64) -> Option<(String, Vec<Item>)> {
    let agents = state.queues.agents();
    let agent = agents.iter().find(|a| a.interface == interface)?;
    let (member_state, queue) = agent.state(state.queues.clock());
    let when = |time: Option<f64>| time.map_or("-".into(), |t| crate::ui::clock::when(t, now));
    let mut items = vec![
        Item::Field(
            "state".into(),
            format!("{} (in {queue})", agents::state_text(&member_state, now)),
        ),
        Item::Field("name".into(), agent.name().to_owned()),
        Item::Field("interface".into(), interface.to_owned()),
        Item::Field("calls taken".into(), agent.calls_taken().to_string()),
        Item::Field("last call".into(), when(agent.last_call())),
        Item::Field(
            "rings unanswered".into(),
            agent.ring_no_answer().to_string(),
        ),
        Item::Field("logged in".into(), when(agent.login_time())),
    ];
    for membership in &agent.queues {
        let member = membership.member;
        items.push(Item::Section(format!("queue {}", membership.queue)));
        items.push(Item::Field(
            "state".into(),
            agents::state_text(&member.state(state.queues.clock()), now),
        ));
        items.extend(member_items(member, now));
    }
    Some((format!("Agent {} ({interface})", agent.name()), items))
}

/// A member's fields, its times (epoch seconds on the wire) in words.
fn member_items(member: &QueueMember, now: f64) -> Vec<Item> {
    const TIMES: [&str; 4] = ["last call", "last pause", "login time", "call since"];
    let mut items = fields_of(member);
    for item in &mut items {
        if let Item::Field(key, value) = item
            && TIMES.contains(&key.as_str())
            && let Ok(epoch) = value.parse::<f64>()
        {
            *value = crate::ui::clock::when(epoch, now);
        }
    }
    items
}

fn channel_items(state: &State, channel: &Channel, now: f64) -> Vec<Item> {
    let mut items = fields_of(channel);
    // Raw values the wire gives as codes or epoch seconds, in words.
    for item in &mut items {
        match item {
            Item::Field(key, value) if key == "created" => {
                if let Some(created) = channel.created {
                    *value = crate::ui::clock::when(created, now);
                }
            }
            Item::Field(key, value) if key == "application" => {
                if let Some(role) = queue_role(state, channel) {
                    *value = format!("{value} ({role})");
                }
            }
            _ => {}
        }
    }
    let name = |id: &String| {
        state
            .channels
            .get(id)
            .map_or(id.clone(), |c| c.name.clone())
    };
    let extra = [
        (
            "duration",
            text::duration(crate::ui::panes::channels::age(channel, now)),
        ),
        (
            "peer names",
            channel
                .peers
                .iter()
                .map(name)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "dialling",
            channel
                .dialing
                .iter()
                .map(name)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("last dial status", channel.dial_status.clone()),
        ("music class", channel.music_class.clone()),
        (
            "local peer",
            channel.local_peer.as_ref().map(name).unwrap_or_default(),
        ),
    ];
    items.extend(extra.into_iter().map(|(k, v)| Item::Field(k.into(), v)));
    items.extend(crate::ui::detail_pbx::supervision(state, channel));
    if !channel.variables.is_empty() {
        items.push(Item::Section("variables".into()));
        items.extend(
            channel
                .variables
                .iter()
                .map(|(k, v)| Item::Field(k.to_owned(), v.to_owned())),
        );
    }
    if !channel.driver.is_empty() {
        items.push(Item::Section("channel driver".into()));
        items.extend(
            channel
                .driver
                .iter()
                .map(|(k, v)| Item::Field(k.to_owned(), v.to_owned())),
        );
    }
    items
}

/// What `AppQueue` on a channel means: app_queue made it to ring an agent
/// for a caller waiting in a queue (`AppQueue((Outgoing Line))`). The
/// queue is the one the caller's `Queue(...)` application runs.
fn queue_role(state: &State, channel: &Channel) -> Option<String> {
    if !channel.application.eq_ignore_ascii_case("AppQueue") {
        return None;
    }
    let id = &channel.uniqueid;
    let queue = state
        .channels
        .iter()
        .filter(|c| c.dialing.contains(id) || c.peers.contains(id))
        .find(|c| c.application.eq_ignore_ascii_case("Queue"))
        .and_then(|caller| caller.app_data.split([',', '|']).next())
        .filter(|queue| !queue.is_empty());
    Some(match queue {
        Some(queue) => format!("the agent leg of queue {queue}"),
        None => "the agent leg of a queue call".to_owned(),
    })
}

/// Lines in the view for `target` (the limit of its scroll).
pub fn line_count(state: &State, target: &RowId, now: f64) -> usize {
    items(state, target, now).map_or(1, |(_, items)| items.len())
}

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &State,
    detail: &Detail,
    now: f64,
    theme: Theme,
) {
    let (title, items) = shown(state, detail, now);
    let value_width = usize::from(area.width.saturating_sub(2)).saturating_sub(KEY_COLUMN + 1);
    let lines: Vec<Line<'_>> = items
        .into_iter()
        .skip(detail.scroll)
        .take(usize::from(area.height))
        .map(|item| match item {
            Item::Field(key, value) => Line::from(vec![
                Span::styled(text::fit(&key, KEY_COLUMN), theme.dim()),
                Span::raw(" "),
                Span::raw(text::truncate(&value, value_width).into_owned()),
            ]),
            Item::Section(title) => Line::styled(title, theme.heading()),
            Item::Raw(line) => Line::raw(line),
            Item::Gone(line) => Line::styled(line, theme.tone(Tone::Bad)),
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(format!(
            " {} · Esc closes ",
            text::truncate(&title, usize::from(area.width).saturating_sub(16))
        ));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::Message;

    /// A new channel, then the dialplan application it runs.
    fn channel(name: &str, uniqueid: &str, application: &str, data: &str) -> [Message; 2] {
        [
            Message::from_pairs([
                ("Event", "Newchannel"),
                ("Channel", name),
                ("Uniqueid", uniqueid),
                ("Linkedid", "1.1"),
                ("ChannelState", "4"),
                ("ChannelStateDesc", "Ring"),
            ]),
            Message::from_pairs([
                ("Event", "Newexten"),
                ("Channel", name),
                ("Uniqueid", uniqueid),
                ("Application", application),
                ("AppData", data),
            ]),
        ]
    }

    #[test]
    fn an_app_queue_leg_names_its_queue() {
        let mut state = State::new();
        let events = [
            channel("SIP/caller-1", "1.1", "Queue", "support,tT"),
            channel("Local/101@agents-1;1", "1.2", "AppQueue", "(Outgoing Line)"),
        ];
        for message in events.iter().flatten() {
            state.apply(message, 10.0);
        }
        let dial = Message::from_pairs([
            ("Event", "DialBegin"),
            ("Channel", "SIP/caller-1"),
            ("Uniqueid", "1.1"),
            ("DestChannel", "Local/101@agents-1;1"),
            ("DestUniqueid", "1.2"),
        ]);
        state.apply(&dial, 11.0);
        let agent = state.channels.get("1.2").expect("the agent leg");
        assert_eq!(
            queue_role(&state, agent).as_deref(),
            Some("the agent leg of queue support")
        );
        let caller = state.channels.get("1.1").expect("the caller");
        assert_eq!(queue_role(&state, caller), None);
    }
}
