//! The dashboard's state and its one entry point, [`App::handle`].
//!
//! `handle` is pure apart from posting resync and action requests on
//! channels: the time is passed in, nothing is drawn or read here, so whole
//! sessions of keys and events can be replayed in tests without a terminal.

use crossterm::event::{Event, KeyEvent, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use tokio::sync::mpsc::{self, Receiver, UnboundedSender};

use crate::ami::session::{ConnectionState, SessionEvent};
use crate::app::link::Link;
use crate::app::login_retry::LoginRetry;
use crate::app::msg::Msg;
use crate::app::operator::{self, ActionReply, Operator};
use crate::model::State;
use crate::ops::{self, Op};
use crate::resync::{self, ResyncUpdate};
use crate::ui::dashboard::Dashboard;
use crate::ui::keymap;
use crate::ui::panes::ModelTables;
use crate::ui::status::Meters;
use crate::ui::theme::Theme;
use crate::ui::view::{Flow, RowId, View};

/// Rows the mouse wheel scrolls per notch.
const WHEEL_STEP: isize = 3;

/// The model, the view and the header's status, plus what the loop needs
/// to know (redraw? quit?).
pub struct App {
    pub title: String,
    pub state: State,
    pub view: View,
    pub link: Link,
    pub meters: Meters,
    pub theme: Theme,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The user asked to quit.
    pub quit: bool,
    /// The last thing the resync wants the user to know (a refused list).
    pub note: Option<String>,
    /// Operator actions: forms, questions, replies.
    pub operator: Operator,
    /// The secret typed after a refused login.
    login: LoginRetry,
    /// The picture as it was when the connection went, shown (marked
    /// stale, its clocks stopped) until a resync has rebuilt `state`.
    stale: Option<Stale>,
    resync: UnboundedSender<ResyncOrder>,
    /// The updates of the resync running now; a new resync replaces it, so
    /// what an older one had queued is never applied to the new generation.
    resync_updates: Option<Receiver<ResyncUpdate>>,
    /// Events were dropped since the last resync finished.
    overflowed: bool,
}

/// Where the resync asked for sends its updates: the loop runs
/// [`crate::resync::run`] with it. A receiver gone means the resync was
/// replaced (its next update fails, and it stops).
pub type ResyncOrder = mpsc::Sender<ResyncUpdate>;

/// Resync updates buffered between the resync task and the app.
const RESYNC_BUFFER: usize = 64;

/// A picture no longer live: the model as last seen, and since when.
struct Stale {
    state: State,
    since: f64,
}

impl App {
    /// `resync` receives an order whenever the model must be rebuilt from
    /// the server's lists (after login, after an overflow); the model has
    /// already begun the resync (its generation is marked), so the loop
    /// only has to start [`crate::resync::run`] with the order's sender.
    pub fn new(
        title: String,
        area: Rect,
        theme: Theme,
        resync: UnboundedSender<ResyncOrder>,
    ) -> App {
        App {
            title,
            state: State::new(),
            view: View::new(area),
            link: Link::default(),
            meters: Meters::default(),
            theme,
            dirty: true,
            quit: false,
            note: None,
            operator: Operator::default(),
            login: LoginRetry::default(),
            stale: None,
            resync,
            resync_updates: None,
            overflowed: false,
        }
    }

    /// The model the screen shows: the live one, or while disconnected
    /// (and until the resync after reconnecting is done) the last picture.
    pub fn shown(&self) -> &State {
        self.stale
            .as_ref()
            .map_or(&self.state, |stale| &stale.state)
    }

    /// A resync asked for has not finished yet.
    pub fn resyncing(&self) -> bool {
        self.resync_updates.is_some()
    }

    /// The running resync's updates, for the loop to hand to
    /// [`App::handle`]; `None` when no resync runs.
    pub fn resync_updates(&mut self) -> &mut Option<Receiver<ResyncUpdate>> {
        &mut self.resync_updates
    }

    /// Since when the picture is stale, if it is.
    pub fn stale_since(&self) -> Option<f64> {
        self.stale.as_ref().map(|stale| stale.since)
    }

    /// Lets action keys send: requests go to `outbox` (the loop sends them
    /// and answers with [`Msg::Acted`]); `read_only` refuses every one.
    pub fn set_actions(&mut self, outbox: UnboundedSender<crate::ops::Request>, read_only: bool) {
        self.operator = Operator::new(outbox, read_only);
    }

    /// Lets the user type the secret after a refused login: each one
    /// typed goes to `outbox` (the loop hands it to the session).
    pub fn set_login_retry(&mut self, outbox: UnboundedSender<String>) {
        self.login = LoginRetry::new(outbox);
    }

    /// Brings each table's selection to the row it is on, wherever the
    /// changes since the last frame moved it; the loop calls this before
    /// drawing.
    pub fn follow(&mut self, now: f64) {
        // The picture on screen: the stale one while disconnected.
        let state = self
            .stale
            .as_ref()
            .map_or(&self.state, |stale| &stale.state);
        let lens = ModelTables { state, now };
        self.view.follow(&lens);
    }

    /// What the next frame is drawn from.
    pub fn dashboard(&self, now: f64) -> Dashboard<'_> {
        Dashboard {
            title: &self.title,
            state: self.shown(),
            stale_since: self.stale_since(),
            view: &self.view,
            link: &self.link,
            meters: &self.meters,
            note: self.note.as_deref(),
            now,
            theme: self.theme,
            actions: &self.operator.ui,
            secret_prompt: self.login.prompt(&self.link.state),
        }
    }

    /// Applies one message; `now` is epoch seconds.
    pub fn handle(&mut self, msg: Msg, now: f64) {
        match msg {
            Msg::Input(event) => {
                self.input(event, now);
                // Recordings are asked for only from the keyboard; before
                // its `MixMonitorStart` comes, the model learns each one's
                // file (the event does not name it).
                for (channel, file) in self.operator.take_asked_recordings() {
                    self.state.expect_recording(&channel, &file);
                }
            }
            Msg::Session(event) => self.session(event, now),
            Msg::Resync(step) => self.resync_step(step, now),
            Msg::Acted(reply) => self.acted(reply, now),
            Msg::Tick => {
                self.operator.tick(now);
                self.state.queues.tick(now);
                let calls = self.shown().calls().len();
                self.meters.sample(calls as u64);
            }
        }
        self.dirty = true;
    }

    /// The reply to an operator action. A re-read (the room list after a
    /// lock) only refreshes the model; other replies may teach it too.
    fn acted(&mut self, reply: ActionReply, now: f64) {
        let request = &reply.request;
        if request.is_refresh() {
            if let Ok(answer) = &reply.result {
                for item in &answer.events {
                    self.state.apply(item, now);
                }
            }
            return;
        }
        self.learn_from(&reply, now);
        let succeeded = reply.result.as_ref().is_ok_and(|r| r.is_success());
        if let Some(next) = request.follow_up().filter(|_| succeeded) {
            self.operator.refresh(next);
        }
        self.operator.replied(reply, now);
    }

    /// What an action's reply tells the model: a summary refresh what
    /// the queues pane shows, a detail query what the detail view shows.
    fn learn_from(&mut self, reply: &ActionReply, now: f64) {
        let Ok(answer) = &reply.result else { return };
        let action = &reply.request.action;
        // 1.x sends no MixMonitor events: the replies tell the model.
        let channel = action.get("Channel").unwrap_or_default();
        match action.name().to_ascii_lowercase().as_str() {
            "mixmonitor" => {
                let id = answer.response.get("MixMonitorID");
                (self.state).recording_answered(channel, answer.is_success(), id.as_deref(), now)
            }
            "stopmixmonitor" if answer.is_success() => self.state.recording_stopped(channel),
            _ => {}
        }
        match reply.request.op {
            Op::QueueSummary => {}
            Op::ReadDetail if answer.is_success() => {
                let asked = ops::queried_mailbox(&reply.request.action);
                if let (Some(mailbox), Some(id)) = (asked, answer.response.action_id()) {
                    self.state.expect_mailbox_summary(&id, &mailbox);
                }
                // `SIPshowpeer` answers in the response itself.
                self.state.apply(&answer.response, now);
            }
            _ => return,
        }
        for item in &answer.events {
            self.state.apply(item, now);
        }
    }

    /// Enter opened the detail view of a row the server can tell more
    /// about (a peer, a DAHDI port, a mailbox): ask it.
    fn read_detail_of_opened(&mut self, was_open: bool, now: f64) {
        let opened = self.view.detail.as_ref().map(|d| &d.target);
        let readable = matches!(
            opened,
            Some(RowId::Peer(..) | RowId::Dahdi(_) | RowId::Mailbox(_))
        );
        if was_open || !readable {
            return;
        }
        let selection = operator::selection(&self.view, self.shown(), now);
        if selection
            .object
            .as_deref()
            .and_then(ops::detail_query)
            .is_some()
        {
            self.operator.start(Op::ReadDetail, &selection, now);
        }
    }

    fn input(&mut self, event: Event, now: f64) {
        match event {
            Event::Key(key) => self.key(&key, now),
            Event::Mouse(mouse) => self.mouse(&mouse, now),
            Event::Resize(width, height) => self.view.area = Rect::new(0, 0, width, height),
            Event::Paste(text) => self.paste(&text),
            _ => {}
        }
    }

    fn key(&mut self, key: &KeyEvent, now: f64) {
        if self.login.is_open(&self.link.state) {
            self.quit = self.login.key(key);
            return;
        }
        if self.operator.is_open() {
            return self.operator.key(key, now);
        }
        if self.view.prompt.is_some() {
            return self.view.prompt_key(key);
        }
        let contexts = self.view.contexts();
        // A `v` prefix applies to the one key after it, bound or not.
        self.view.going_to = false;
        let Some(command) = keymap::lookup(&contexts, key) else {
            // An action key that works elsewhere says where.
            if let Some(why) = keymap::elsewhere(&contexts, key) {
                self.operator.explain(why, now);
            }
            return;
        };
        if let keymap::Command::Act(op) = command {
            // The action is for the row the operator picked, wherever the
            // events since the last frame moved it.
            self.follow(now);
            let selection = operator::selection(&self.view, self.shown(), now);
            return self.operator.start(op, &selection, now);
        }
        let lens = ModelTables {
            state: self
                .stale
                .as_ref()
                .map_or(&self.state, |stale| &stale.state),
            now,
        };
        let was_open = self.view.detail.is_some();
        if self.view.update(command, &lens) == Flow::Quit {
            self.quit = true;
        }
        if command == keymap::Command::Open {
            self.read_detail_of_opened(was_open, now);
        }
    }

    /// A bracketed paste: text for the open form or the prompt being
    /// typed; never a key press, so it cannot submit or trigger anything.
    fn paste(&mut self, text: &str) {
        if self.login.is_open(&self.link.state) {
            return self.login.paste(text);
        }
        if self.operator.is_open() {
            return self.operator.paste(text);
        }
        if self.view.prompt.is_some() {
            self.view.prompt_paste(text);
        }
    }

    fn mouse(&mut self, mouse: &MouseEvent, now: f64) {
        let lens = ModelTables {
            state: self
                .stale
                .as_ref()
                .map_or(&self.state, |stale| &stale.state),
            now,
        };
        let (column, row) = (mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::Down(_) => self.view.click(column, row, &lens),
            MouseEventKind::ScrollDown => self.view.wheel(column, row, WHEEL_STEP, &lens),
            MouseEventKind::ScrollUp => self.view.wheel(column, row, -WHEEL_STEP, &lens),
            _ => {}
        }
    }

    fn session(&mut self, event: SessionEvent, now: f64) {
        match event {
            SessionEvent::Event(message) => {
                self.meters.count_event();
                self.operator.event(&message, now);
                self.state.apply(&message, now);
            }
            SessionEvent::State(state) => {
                let was_live = matches!(self.link.state, ConnectionState::LoggedIn { .. });
                match &state {
                    ConnectionState::LoggedIn { banner } => {
                        if self.stale.is_some() {
                            self.mark("Reconnected", "logged in again; resyncing", now);
                        }
                        self.state.apply_banner(banner);
                        self.request_resync();
                    }
                    ConnectionState::Disconnected { reason, .. } if was_live => {
                        self.go_stale(reason, now);
                    }
                    _ if was_live => self.go_stale("the session stopped", now),
                    _ => {}
                }
                self.login.connection(&state);
                self.link.set(state, now);
            }
            SessionEvent::Overflow { dropped } => {
                tracing::warn!(dropped, "the dashboard fell behind; resynchronising");
                // One marker for a run of overflows: under a flood each
                // one restarts the resync, and the log would show only them.
                if !self.overflowed {
                    let detail =
                        format!("{dropped} events dropped (amitop fell behind); resyncing");
                    self.mark("Overflow", &detail, now);
                }
                self.request_resync();
                self.overflowed = true;
            }
            SessionEvent::Malformed(malformed) => {
                tracing::warn!(?malformed, "malformed frame skipped");
                self.state.note_malformed(&malformed, now);
            }
        }
    }

    /// The connection went: keep the picture as it was, marked stale.
    fn go_stale(&mut self, reason: &str, now: f64) {
        self.mark("Disconnected", reason, now);
        if self.stale.is_none() {
            self.stale = Some(Stale {
                state: self.state.clone(),
                since: now,
            });
        }
    }

    /// A connection marker in the event log (of the live model and of the
    /// picture shown), so the log says where the gap is.
    fn mark(&mut self, what: &str, detail: &str, now: f64) {
        let marker = crate::ami::Message::from_pairs([
            ("Event", what),
            ("Message", detail),
            ("Source", "amitop"),
        ]);
        self.state.log.push(now, &marker);
        if let Some(stale) = &mut self.stale {
            stale.state.log.push(now, &marker);
        }
    }

    fn request_resync(&mut self) {
        self.state.begin_resync();
        self.note = None;
        let (order, updates) = mpsc::channel(RESYNC_BUFFER);
        self.resync_updates = Some(updates);
        // The loop may have stopped listening while shutting down.
        let _ = self.resync.send(order);
    }

    fn resync_step(&mut self, update: ResyncUpdate, now: f64) {
        if let ResyncUpdate::Note(note) = &update {
            tracing::info!(%note, "resync");
            self.note = Some(note.clone());
        }
        if let ResyncUpdate::Offered(names) = &update {
            self.operator.set_commands(names.clone());
        }
        resync::apply_update(&mut self.state, &update, now);
        // The new picture is whole: show it instead of the old one.
        if matches!(update, ResyncUpdate::Finished) {
            self.stale = None;
            self.resync_updates = None;
            self.overflowed = false;
        }
    }
}
