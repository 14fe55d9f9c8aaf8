//! The operator's side of the app: an action key starts an operation on
//! the selected row, its form or question opens over the dashboard, the
//! request goes to the loop, and the reply (and, for an Originate, the
//! later `OriginateResponse`) becomes what the user reads.
//!
//! Pure like the rest of [`crate::app::App`]: requests leave on a channel;
//! the loop sends them through the session and brings each reply back as
//! [`crate::app::Msg::Acted`], so a slow server never blocks the screen.

use crossterm::event::KeyEvent;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::ami::Message;
use crate::ami::session::{Reply, SendError};
use crate::model::{Channel, ConferenceApp, State};
use crate::ops::parking::{self, ParkingApi};
use crate::ops::supervise::SupervisorSettings;
use crate::ops::{self, Op, OriginateWatch, Outcome, RecordedLeg, Request, Selection, Start};
use crate::ui::form::{Actions, ChoiceView, FormView, Output, Overlay, Reaction, Status};
use crate::ui::panes::ModelTables;
use crate::ui::view::{RowId, TableData, View};

/// CLI commands the console remembers.
const HISTORY: usize = 100;

/// How long an action's status stays in the footer, in seconds.
const STATUS_SECONDS: f64 = 10.0;

/// A request and what came back for it.
#[derive(Debug)]
pub struct ActionReply {
    pub request: Request,
    pub result: Result<Reply, SendError>,
}

/// Operator actions: the channel to the loop, read-only mode, the
/// Originates awaiting their outcome, and what is drawn.
#[derive(Debug, Default)]
pub struct Operator {
    read_only: bool,
    /// Where requests go; `None` until the loop connects it.
    outbox: Option<UnboundedSender<Request>>,
    /// Replies for the loop to pick up (see [`Operator::take_replies`]).
    replies: Option<UnboundedReceiver<ActionReply>>,
    watch: OriginateWatch,
    /// The form or choice whose request waits behind a yes/no question:
    /// "no" goes back to it, and a form comes back after "yes" too, so a
    /// refusal can still be shown on it.
    behind: Option<Overlay>,
    /// CLI commands sent from `:`, oldest first, for its ↑/↓ history.
    console_history: Vec<String>,
    /// The supervisor's phone and how recordings are made (the config).
    supervisor: SupervisorSettings,
    /// The phone typed in the spy form, offered again this session.
    last_phone: Option<String>,
    /// The actions the server listed (`ListCommands`), which the any-action
    /// form completes.
    commands: Vec<String>,
    /// Recordings asked for since the app last took them: channel and
    /// file, for the model to name the recording it is told of.
    asked_recordings: Vec<(String, String)>,
    pub ui: Actions,
}

impl Operator {
    /// Requests will go to `outbox`; with `read_only`, none ever will.
    pub fn new(outbox: UnboundedSender<Request>, read_only: bool) -> Operator {
        Operator {
            read_only,
            outbox: Some(outbox),
            ui: Actions {
                read_only,
                ..Actions::default()
            },
            ..Operator::default()
        }
    }

    /// The supervisor's phone and recordings, from the server's config.
    pub fn set_supervisor(&mut self, settings: SupervisorSettings) {
        self.supervisor = settings;
    }

    /// The actions the server offers, for the any-action form.
    pub fn set_commands(&mut self, commands: Vec<String>) {
        self.commands = commands;
    }

    /// The recordings asked for since the last call: channel and file.
    pub fn take_asked_recordings(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.asked_recordings)
    }

    /// Hands the loop the receiving end of the replies, once.
    pub fn set_replies(&mut self, replies: UnboundedReceiver<ActionReply>) {
        self.replies = Some(replies);
    }

    pub fn take_replies(&mut self) -> Option<UnboundedReceiver<ActionReply>> {
        self.replies.take()
    }

    /// An overlay is open and takes every key.
    pub fn is_open(&self) -> bool {
        self.ui.overlay.is_some()
    }

    /// An action key: opens the form, asks the question, or sends at
    /// once; in read-only mode (or without a selection) says why not.
    pub fn start(&mut self, op: Op, selection: &Selection, now: f64) {
        let selection = Selection {
            supervisor: self.supervisor.phone.clone(),
            last_phone: self.last_phone.clone(),
            recording: self.supervisor.recording.clone(),
            now,
            ..selection.clone()
        };
        match ops::start(op, &selection, self.read_only) {
            Err(refusal) => self.say(Some(false), refusal.to_string(), now),
            Ok(Start::Form(form)) => {
                let mut view = FormView::new(form);
                match op {
                    Op::Console => view = view.with_history(self.console_history.clone()),
                    Op::AnyAction => view = view.with_completion(0, self.commands.clone()),
                    _ => {}
                }
                self.ui.overlay = Some(Overlay::Form(view));
            }
            Ok(Start::Choose(choice)) => {
                self.ui.overlay = Some(Overlay::Choose(ChoiceView::new(choice)));
            }
            Ok(Start::Ready(request)) => self.submit(request, now),
        }
    }

    /// A key while an overlay is open.
    pub fn key(&mut self, key: &KeyEvent, now: f64) {
        let Some(overlay) = &mut self.ui.overlay else {
            return;
        };
        let confirming = matches!(overlay, Overlay::Confirm(_));
        match overlay.key(key) {
            Reaction::Stay => {}
            // "No" goes back to the form or choice that asked, if one did.
            Reaction::Close => self.ui.overlay = self.behind.take(),
            Reaction::Send(request) if confirming => {
                self.ui.overlay = self.behind.take().filter(|o| matches!(o, Overlay::Form(_)));
                self.dispatch(request, now);
            }
            Reaction::Send(request) => self.submit(request, now),
        }
    }

    /// Asks first when the request is destructive, else sends it. A form
    /// that submitted it stays open until the reply says how it went.
    fn submit(&mut self, request: Request, now: f64) {
        if request.confirmation().is_some() {
            let open = self.ui.overlay.replace(Overlay::Confirm(request));
            self.behind = open.filter(|o| matches!(o, Overlay::Form(_) | Overlay::Choose(_)));
            return;
        }
        // A picked option needs no more of its choice.
        if matches!(self.ui.overlay, Some(Overlay::Choose(_))) {
            self.ui.overlay = None;
        }
        self.dispatch(request, now);
    }

    /// Sends `request` if read-only mode permits it; an open form waits
    /// for the reply, or shows why nothing was sent.
    fn dispatch(&mut self, request: Request, now: f64) {
        if let Err(refusal) = ops::permit(&request.action, self.read_only) {
            if let Some(Overlay::Form(form)) = &mut self.ui.overlay {
                form.refused = Some(refusal.clone());
            }
            return self.say(Some(false), refusal, now);
        }
        if let Some(Overlay::Form(form)) = &mut self.ui.overlay {
            form.sending = true;
        }
        match (request.op, request.action.get("Command")) {
            (Op::Console, Some(command)) => self.remember_command(command.to_owned()),
            // A spy form's phone is offered again next time.
            (Op::Listen | Op::Whisper | Op::Barge, _) if self.supervisor.phone.is_none() => {
                self.last_phone = request.action.get("Channel").map(str::to_owned);
            }
            _ => {}
        }
        for one in request.split() {
            self.send(one, now);
        }
    }

    fn send(&mut self, request: Request, now: f64) {
        let action = &request.action;
        if action.name().eq_ignore_ascii_case("MixMonitor")
            && let (Some(channel), Some(file)) = (action.get("Channel"), action.get("File"))
        {
            self.asked_recordings
                .push((channel.to_owned(), file.to_owned()));
        }
        let title = request.op.title();
        let sent = self
            .outbox
            .as_ref()
            .is_some_and(|outbox| outbox.send(request).is_ok());
        if sent {
            self.say(None, format!("{title}: sending…"), now);
        } else {
            self.say(Some(false), format!("{title}: not sent, no session"), now);
        }
    }

    /// The reply to a request: the form closes on success or shows the
    /// refusal; output opens in its own box; the footer tells the rest.
    pub fn replied(&mut self, reply: ActionReply, now: f64) {
        let ActionReply { request, result } = reply;
        let outcome = ops::describe(&request, &result);
        let settled = match &result {
            Ok(reply) => self.watch.accepted(&request, reply),
            Err(_) => None,
        };
        let from_open_form = matches!(
            &self.ui.overlay,
            Some(Overlay::Form(form)) if form.op() == request.op && form.sending
        );
        if from_open_form {
            if outcome.ok {
                self.ui.overlay = None;
            } else if let Some(Overlay::Form(form)) = &mut self.ui.overlay {
                form.sending = false;
                form.refused = Some(outcome.summary.clone());
            }
        }
        // Any action's reply is shown whole, whatever it says.
        let whole = match (&result, request.op) {
            (Ok(reply), Op::AnyAction) => Some(reply.text_lines()),
            _ => None,
        };
        if let Some(lines) = whole {
            if from_open_form {
                self.ui.overlay = None;
            }
            self.ui.overlay.get_or_insert(Overlay::Output(Output {
                title: outcome.summary.clone(),
                lines,
                scroll: 0,
                copyable: true,
            }));
        } else if outcome.ok && !outcome.details.is_empty() && self.ui.overlay.is_none() {
            self.ui.overlay = Some(Overlay::Output(Output {
                title: outcome.summary.clone(),
                lines: outcome.details.clone(),
                scroll: 0,
                copyable: false,
            }));
        }
        self.show(&settled.unwrap_or(outcome), now);
    }

    /// Every event from the session: the outcome of one of our
    /// Originates shows in the footer.
    pub fn event(&mut self, event: &Message, now: f64) {
        if let Some(outcome) = self.watch.event(event) {
            self.show(&outcome, now);
        }
    }

    /// Lets an old status fade from the footer.
    pub fn tick(&mut self, now: f64) {
        if self
            .ui
            .status
            .as_ref()
            .is_some_and(|s| now - s.since > STATUS_SECONDS)
        {
            self.ui.status = None;
        }
    }

    fn show(&mut self, outcome: &Outcome, now: f64) {
        self.ui.status = Some(Status::new(outcome, now));
    }

    /// Keeps `command` as the newest entry of the console's history (once,
    /// and at most [`HISTORY`] of them).
    fn remember_command(&mut self, command: String) {
        self.console_history.retain(|old| *old != command);
        self.console_history.push(command);
        let excess = self.console_history.len().saturating_sub(HISTORY);
        self.console_history.drain(..excess);
    }

    /// Sends a re-read the user did not ask for (see
    /// [`Request::follow_up`]): nothing is said about it.
    pub fn refresh(&mut self, request: Request) {
        if ops::permit(&request.action, self.read_only).is_ok()
            && let Some(outbox) = &self.outbox
        {
            // A session gone means no reply: nothing to tell.
            let _ = outbox.send(request);
        }
    }

    /// Says in the footer why a key did nothing.
    pub fn explain(&mut self, text: String, now: f64) {
        self.say(Some(false), text, now);
    }

    /// A bracketed paste goes to the open form, if any.
    pub fn paste(&mut self, text: &str) {
        if let Some(overlay) = &mut self.ui.overlay {
            overlay.paste(text);
        }
    }

    fn say(&mut self, ok: Option<bool>, text: String, now: f64) {
        self.ui.status = Some(Status {
            text,
            ok,
            since: now,
        });
    }
}

/// The selected row as `ops` sees it: a channel (with its context), a
/// call's legs, a waiting caller's channel, a queue, or a member with its
/// queue, pause state and penalty.
pub fn selection(view: &View, state: &State, now: f64) -> Selection {
    let lens = ModelTables { state, now };
    let table = view.focused_table();
    let rows = lens.rows(view, table);
    let (selected, _) = view.table(table).window(rows, view.page(table));
    let target = match &view.table(table).anchor {
        Some(anchor) => Some(anchor.clone()),
        None => lens.target(view, table, selected),
    };
    let server = &state.server;
    let mut selection = Selection {
        queue: view.drill.as_ref().map(|drill| drill.queue.clone()),
        parking_api: ParkingApi::for_server(&server.asterisk_version, &server.ami_version),
        ..Selection::default()
    };
    let pick_channel = |selection: &mut Selection, uniqueid: &str| {
        if let Some(channel) = state.channels.get(uniqueid) {
            selection.spy_target = state.voice_channel(uniqueid).map(|c| c.name.clone());
            selection.to_record = vec![(channel.name.clone(), channel.uniqueid.clone())];
            selection.recorded = recorded(state, uniqueid).into_iter().collect();
            selection.channel = Some(channel.name.clone());
            selection.context = Some(channel.context.to_string()).filter(|c| !c.is_empty());
            // The first party it talks to; a parking lot's callers talk to
            // no one.
            selection.peer = (channel.peers.iter())
                .find_map(|peer| state.channels.get(peer))
                .map(|peer| peer.name.clone());
        }
    };
    match target {
        Some(RowId::Channel(uniqueid)) => pick_channel(&mut selection, &uniqueid),
        Some(RowId::Call(key)) => {
            let calls = state.calls();
            let legs: Vec<&Channel> = (calls.members(&key).unwrap_or_default().iter())
                .filter_map(|uniqueid| state.channels.get(uniqueid))
                .collect();
            selection.legs = legs.iter().map(|leg| leg.name.clone()).collect();
            // The caller's side: it hears the whole call.
            selection.spy_target = (legs.first())
                .and_then(|leg| state.voice_channel(&leg.uniqueid))
                .map(|c| c.name.clone());
            selection.to_record = (legs.iter())
                .map(|leg| (leg.name.clone(), leg.uniqueid.clone()))
                .collect();
            selection.recorded = (legs.iter())
                .filter_map(|leg| recorded(state, &leg.uniqueid))
                .collect();
        }
        Some(RowId::Caller { queue, uniqueid }) => {
            pick_channel(&mut selection, &uniqueid);
            if selection.channel.is_none() {
                // A caller the channel list has not seen yet: its own name.
                selection.channel = state
                    .queues
                    .get(&queue)
                    .and_then(|q| q.callers.iter().find(|c| c.uniqueid == uniqueid))
                    .map(|c| c.channel.clone());
            }
        }
        Some(RowId::Queue(name)) => selection.queue = Some(name),
        Some(RowId::Peer(id, _)) => selection.object = Some(id),
        Some(RowId::Dahdi(number)) => selection.object = Some(format!("DAHDI/{number}")),
        Some(RowId::Mailbox(mailbox)) => selection.object = Some(mailbox),
        Some(RowId::Member { queue, interface }) => {
            pick_member(&mut selection, state, queue, interface)
        }
        Some(RowId::Agent(interface)) => {
            // The queue its shown state is in: where a pause or a ring is.
            let queue = (state.queues.agents().iter())
                .find(|agent| agent.interface == interface)
                .map(|agent| agent.state(state.queues.clock()).1.to_owned());
            if let Some(queue) = queue {
                pick_member(&mut selection, state, queue, interface);
            }
        }
        Some(RowId::Parked { lot, space }) => {
            if let Some(call) = state.parking.calls.get(&(lot, space.clone())) {
                pick_channel(&mut selection, &call.parkee);
                let devices = state.registry.devices.keys().map(String::as_str);
                selection.parking_context = Some(parking::lot_context(devices, &space));
                selection.parked_space = Some(space);
            }
        }
        Some(RowId::Conference(name)) => pick_room(&mut selection, state, &name),
        Some(RowId::ConferenceMember { room, uniqueid }) => {
            pick_room(&mut selection, state, &room);
            let member = state
                .conferences
                .rooms
                .get(&room)
                .and_then(|r| r.members.get(&uniqueid));
            if let Some(member) = member {
                selection.channel = Some(member.channel.clone()).filter(|c| !c.is_empty());
                selection.muted = Some(member.muted);
                selection.user_number = member.user_number;
            }
        }
        _ => {}
    }
    selection
}

/// The channel `uniqueid`'s recording, if one runs.
fn recorded(state: &State, uniqueid: &str) -> Option<RecordedLeg> {
    let recording = state.supervision.recording(uniqueid)?;
    Some(RecordedLeg {
        channel: state.channels.get(uniqueid)?.name.clone(),
        muted: !recording.muted.is_empty(),
        id: recording.id.clone(),
    })
}

/// The member `interface` of `queue`, with its pause state and penalty,
/// and the channel a spy on it hears.
fn pick_member(selection: &mut Selection, state: &State, queue: String, interface: String) {
    selection.spy_target = state
        .agent_voice_channel(&interface)
        .map(|c| c.name.clone());
    let member = state.queues.get(&queue).and_then(|q| q.member(&interface));
    selection.paused = member.map(|m| m.paused);
    selection.penalty = member.and_then(|m| m.penalty);
    selection.queue = Some(queue);
    selection.interface = Some(interface);
}

/// The selected room: its name, its application and whether it is locked.
fn pick_room(selection: &mut Selection, state: &State, name: &str) {
    if let Some(room) = state.conferences.rooms.get(name) {
        selection.conference = Some(room.name.clone());
        selection.meetme = room.app == ConferenceApp::MeetMe;
        selection.locked = Some(room.locked);
    }
}
