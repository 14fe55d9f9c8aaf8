//! Every key binding, in one table.
//!
//! The loop turns a key press into a [`Command`] by looking it up here, in
//! the contexts active at that moment (most specific first); the help overlay
//! and the footer are generated from the same table, so they cannot drift
//! from what the keys really do. Operator actions (originate, transfer,
//! pause, …) join as new commands and contexts without changing the design.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::ops::Op;
use crate::ui::panes::Pane;
use crate::ui::panes::list::pane_list;

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    ToggleHelp,
    NextPane,
    PrevPane,
    ShowPane(Pane),
    /// `v`: the next key picks a pane by its letter.
    GoTo,
    Up,
    Down,
    /// The neighbouring column of a grid (the Hints pane), on the same line.
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    /// Start typing a text filter for the focused table.
    Filter,
    /// Start typing an event-name filter (event log).
    FilterEventType,
    SortNext,
    SortReverse,
    /// Enter: detail view, queue drill-down, raw message.
    Open,
    /// Esc: close what is open, else clear the filter.
    Back,
    /// Right on the queue list: drill down.
    Drill,
    /// Left in a queue drill-down: back to the queue list.
    Leave,
    /// Tab inside a queue drill-down: members ⇄ waiting callers.
    SwitchSection,
    /// Space in the event log: freeze or resume.
    TogglePause,
    /// An operator action on the PBX (run by the app, see `crate::ops`).
    Act(Op),
    /// Enter in a filter prompt or an operator overlay: keep the filter,
    /// send the form, pick the option, say yes.
    Submit,
    /// Esc in a filter prompt or an operator overlay: the filter as it
    /// was, the overlay closed with nothing sent.
    Cancel,
    /// The next field of a form.
    NextField,
    /// The previous field of a form.
    PrevField,
}

/// Where a binding applies. Lookups try the most specific context first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Global,
    /// Any pane showing a table.
    Table,
    /// The queue list (not drilled down).
    Queues,
    /// Inside one queue: members and waiting callers.
    QueueDrill,
    EventLog,
    /// A table drawn as a grid of cells (the Hints pane's BLF panel).
    Grid,
    /// The channel list: actions on the selected channel.
    Channels,
    /// Inside a queue: actions on the selected member.
    Members,
    /// The parked calls: picking the selected one up.
    Parked,
    /// The conference rooms and their members.
    Conferences,
    /// Peers, DAHDI channels and mailboxes: what the server tells of one.
    Objects,
    /// Operator actions that need no particular row.
    Actions,
    /// The detail overlay (every field of one row).
    Detail,
    /// The help overlay.
    Help,
    /// The key after `v`: a pane's letter.
    GoTo,
    /// A filter being typed (`/`, `e`); other keys edit it.
    Prompt,
    /// An operator form being filled in; other keys edit the field.
    Form,
    /// A list of options to pick one of (which leg of a call, …).
    Choose,
    /// The yes/no question before a destructive action.
    Confirm,
    /// The output of a listing or CLI command.
    Output,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Table => "Tables",
            Context::Queues => "Queues",
            Context::QueueDrill => "Inside a queue",
            Context::EventLog => "Event log",
            Context::Grid => "The Hints grid (BLF)",
            Context::Channels => "On the selected channel",
            Context::Members => "On the selected queue member (Agents, a queue's members)",
            Context::Parked => "On the selected parked call (and the channel keys)",
            Context::Conferences => "On the selected conference room or member",
            Context::Objects => "On the selected peer, DAHDI channel or mailbox",
            Context::Actions => "Actions anywhere (--read-only turns every action off)",
            Context::Detail => "Detail view",
            Context::Help => "Help",
            Context::GoTo => "Go to a pane: v, then",
            Context::Prompt => "Typing a filter (/ or e)",
            Context::Form => "In a form",
            Context::Choose => "Picking one of several (which leg, …)",
            Context::Confirm => "Asked first (a destructive action)",
            Context::Output => "An action's output",
        }
    }
}

/// One key: a code and the modifiers that must be held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

impl Key {
    /// True when `event` is this key. Shift is ignored for characters, whose
    /// case already says it (terminals differ in reporting it).
    fn matches(&self, event: &KeyEvent) -> bool {
        if event.code != self.code {
            return false;
        }
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        let mods = match event.code {
            // BackTab is Shift-Tab: crossterm reports it with SHIFT held.
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers & relevant,
            _ => event.modifiers & (relevant | KeyModifiers::SHIFT),
        };
        mods == self.mods
    }

    /// How the key is written in the help overlay and the footer.
    pub fn label(&self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", name.to_uppercase())
        } else {
            name
        }
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub command: Command,
    pub description: &'static str,
    /// Short label for the footer; `None` keeps the binding out of it.
    pub footer: Option<&'static str>,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    command: Command,
    description: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        context,
        keys,
        command,
        description,
        footer,
    }
}

use Command as C;
use Context as X;

/// The keymap besides the pane keys (those come from the pane list, see
/// [`bindings`]). Order matters only for display.
pub const BINDINGS: &[Binding] = &[
    bind(
        X::Global,
        &[ch('q'), ctrl('c')],
        C::Quit,
        "quit",
        Some("quit"),
    ),
    bind(
        X::Global,
        &[ch('?')],
        C::ToggleHelp,
        "show or hide this help",
        Some("help"),
    ),
    bind(
        X::Global,
        &[key(KeyCode::Tab)],
        C::NextPane,
        "next pane",
        Some("pane"),
    ),
    bind(
        X::Global,
        &[key(KeyCode::BackTab)],
        C::PrevPane,
        "previous pane",
        None,
    ),
    bind(
        X::Global,
        &[ch('v')],
        C::GoTo,
        "go to a pane: v, then its letter (below)",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::Up), ch('k')],
        C::Up,
        "move up",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::Down), ch('j')],
        C::Down,
        "move down",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "page up",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "page down",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::Home), ch('g')],
        C::Home,
        "first row",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::End), ch('G')],
        C::End,
        "last row",
        None,
    ),
    bind(
        X::Table,
        &[ch('/')],
        C::Filter,
        "filter rows by text",
        Some("filter"),
    ),
    bind(
        X::Table,
        &[ch('s')],
        C::SortNext,
        "sort by the next column",
        Some("sort"),
    ),
    bind(
        X::Table,
        &[ch('S')],
        C::SortReverse,
        "reverse the sort order",
        None,
    ),
    bind(
        X::Table,
        &[key(KeyCode::Enter)],
        C::Open,
        "show every field of the row",
        Some("detail"),
    ),
    bind(
        X::Table,
        &[key(KeyCode::Esc)],
        C::Back,
        "clear the filter",
        None,
    ),
    bind(
        X::Queues,
        &[key(KeyCode::Enter), key(KeyCode::Right)],
        C::Drill,
        "open the queue: members and callers",
        Some("open"),
    ),
    bind(
        X::QueueDrill,
        &[key(KeyCode::Tab), key(KeyCode::BackTab)],
        C::SwitchSection,
        "members ⇄ waiting callers",
        Some("members/callers"),
    ),
    bind(
        X::QueueDrill,
        &[key(KeyCode::Esc), key(KeyCode::Left)],
        C::Leave,
        "back to the queue list",
        Some("back"),
    ),
    bind(
        X::Queues,
        &[ch('a')],
        C::Act(Op::QueueAdd),
        "add a member to the selected queue",
        None,
    ),
    bind(
        X::Members,
        &[ch('P')],
        C::Act(Op::QueuePause),
        "pause or unpause the member, with a reason",
        Some("pause"),
    ),
    bind(
        X::Members,
        &[ch('p')],
        C::Act(Op::QueuePenalty),
        "set the member's penalty",
        Some("penalty"),
    ),
    bind(
        X::Members,
        &[ch('x')],
        C::Act(Op::QueueRemove),
        "remove the member from a queue (asks which, then asks first)",
        Some("remove"),
    ),
    bind(
        X::Members,
        &[ch('a')],
        C::Act(Op::QueueAdd),
        "add a member to this queue",
        None,
    ),
    bind(
        X::Channels,
        &[ch('H')],
        C::Act(Op::Hangup),
        "hang up the channel (asks first)",
        Some("hangup"),
    ),
    bind(
        X::Channels,
        &[ch('t')],
        C::Act(Op::Atxfer),
        "attended transfer of the channel",
        Some("xfer"),
    ),
    bind(
        X::Channels,
        &[ch('r')],
        C::Act(Op::Redirect),
        "redirect the channel (blind transfer)",
        Some("redirect"),
    ),
    bind(
        X::Channels,
        &[ch('K')],
        C::Act(Op::Park),
        "park the call (the other party gets it back on timeout)",
        Some("park"),
    ),
    bind(
        X::Channels,
        &[ch('l')],
        C::Act(Op::Listen),
        "listen to the call from your phone, unheard (◉ marks a channel listened to)",
        None,
    ),
    bind(
        X::Channels,
        &[ch('w')],
        C::Act(Op::Whisper),
        "whisper: talk to this channel only (ChanSpy w)",
        None,
    ),
    bind(
        X::Channels,
        &[ch('B')],
        C::Act(Op::Barge),
        "barge in: talk to both sides (ChanSpy B, asks first)",
        None,
    ),
    bind(
        X::Channels,
        &[ch('C')],
        C::Act(Op::Record),
        "record the channel, or a leg or every leg of the call (asks first; ● marks it)",
        None,
    ),
    bind(
        X::Channels,
        &[ch('M')],
        C::Act(Op::MuteRecording),
        "mute or unmute the channel's recording",
        None,
    ),
    bind(
        X::Channels,
        &[ch('X')],
        C::Act(Op::StopRecording),
        "stop the channel's recording",
        None,
    ),
    bind(
        X::Members,
        &[ch('l')],
        C::Act(Op::Listen),
        "listen to the agent's call from your phone, unheard",
        None,
    ),
    bind(
        X::Members,
        &[ch('w')],
        C::Act(Op::Whisper),
        "whisper to the agent (the caller does not hear you)",
        None,
    ),
    bind(
        X::Members,
        &[ch('B')],
        C::Act(Op::Barge),
        "barge into the agent's call (asks first)",
        None,
    ),
    bind(
        X::Parked,
        &[ch('p')],
        C::Act(Op::PickUp),
        "pick the call up: ring a phone you name and connect it",
        Some("pick up"),
    ),
    bind(
        X::Conferences,
        &[ch('M')],
        C::Act(Op::ConferenceMute),
        "mute or unmute the member",
        Some("mute"),
    ),
    bind(
        X::Conferences,
        &[ch('x')],
        C::Act(Op::ConferenceKick),
        "kick the member out of the room (asks first)",
        Some("kick"),
    ),
    bind(
        X::Conferences,
        &[ch('L')],
        C::Act(Op::ConferenceLock),
        "lock or unlock the room (then reads the room list again)",
        Some("lock"),
    ),
    bind(
        X::Objects,
        &[ch('i')],
        C::Act(Op::ReadDetail),
        "read its details from the server again (Enter reads them too)",
        Some("read"),
    ),
    bind(
        X::Actions,
        &[ch('o')],
        C::Act(Op::Originate),
        "originate a call",
        Some("originate"),
    ),
    bind(
        X::Actions,
        &[ch(':')],
        C::Act(Op::Console),
        "run a CLI command and show its output",
        Some("command"),
    ),
    bind(
        X::Actions,
        &[ch('A')],
        C::Act(Op::AnyAction),
        "any action: its name (Tab completes) and header lines; the whole reply",
        None,
    ),
    bind(
        X::Actions,
        &[ch('m')],
        C::Act(Op::Module),
        "module: check, load, unload or reload",
        None,
    ),
    bind(
        X::Actions,
        &[ch('R')],
        C::Act(Op::QueueRules),
        "list the queue rules",
        None,
    ),
    bind(
        X::Actions,
        &[ch('u')],
        C::Act(Op::QueueSummary),
        "refresh the queue summary",
        None,
    ),
    bind(
        X::Grid,
        &[key(KeyCode::Left)],
        C::Left,
        "the lamp in the column to the left",
        None,
    ),
    bind(
        X::Grid,
        &[key(KeyCode::Right)],
        C::Right,
        "the lamp in the column to the right (a short column: its last)",
        None,
    ),
    bind(
        X::Grid,
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "a screenful of columns back",
        None,
    ),
    bind(
        X::Grid,
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "a screenful of columns on (↑ ↓ step through the lamps in order)",
        None,
    ),
    bind(
        X::EventLog,
        &[ch('e')],
        C::FilterEventType,
        "filter by event name: globs, commas (Queue*,Hangup)",
        Some("event"),
    ),
    bind(
        X::EventLog,
        &[ch(' ')],
        C::TogglePause,
        "pause or resume scrolling",
        Some("pause"),
    ),
    bind(
        X::EventLog,
        &[key(KeyCode::Enter)],
        C::Open,
        "show the raw message",
        Some("raw"),
    ),
    bind(
        X::Detail,
        &[key(KeyCode::Esc), key(KeyCode::Enter)],
        C::Back,
        "close",
        Some("close"),
    ),
    bind(
        X::Detail,
        &[key(KeyCode::Up), ch('k')],
        C::Up,
        "scroll up",
        None,
    ),
    bind(
        X::Detail,
        &[key(KeyCode::Down), ch('j')],
        C::Down,
        "scroll down",
        None,
    ),
    bind(
        X::Detail,
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "page up",
        None,
    ),
    bind(
        X::Detail,
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "page down",
        None,
    ),
    bind(X::Detail, &[key(KeyCode::Home)], C::Home, "top", None),
    bind(X::Detail, &[key(KeyCode::End)], C::End, "bottom", None),
    bind(
        X::Help,
        &[key(KeyCode::Esc), ch('?')],
        C::ToggleHelp,
        "close",
        Some("close"),
    ),
    bind(
        X::Help,
        &[key(KeyCode::Up), ch('k')],
        C::Up,
        "scroll up",
        None,
    ),
    bind(
        X::Help,
        &[key(KeyCode::Down), ch('j')],
        C::Down,
        "scroll down",
        None,
    ),
    bind(X::Help, &[key(KeyCode::PageUp)], C::PageUp, "page up", None),
    bind(
        X::Help,
        &[key(KeyCode::PageDown), ch(' ')],
        C::PageDown,
        "page down",
        None,
    ),
    bind(
        X::Help,
        &[key(KeyCode::Home), ch('g')],
        C::Home,
        "top",
        None,
    ),
    bind(
        X::Help,
        &[key(KeyCode::End), ch('G')],
        C::End,
        "bottom",
        None,
    ),
    bind(
        X::Prompt,
        &[key(KeyCode::Enter)],
        C::Submit,
        "keep the filter",
        Some("keeps"),
    ),
    bind(
        X::Prompt,
        &[key(KeyCode::Esc)],
        C::Cancel,
        "cancel: the filter as it was",
        Some("cancels"),
    ),
    bind(
        X::Form,
        &[key(KeyCode::Enter)],
        C::Submit,
        "send (a destructive action asks first)",
        Some("send"),
    ),
    bind(
        X::Form,
        &[key(KeyCode::Esc)],
        C::Cancel,
        "close the form, sending nothing",
        Some("cancel"),
    ),
    bind(
        X::Form,
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        C::NextField,
        "next field (Tab completes an action name; CLI console ↓: newer)",
        Some("next field"),
    ),
    bind(
        X::Form,
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        C::PrevField,
        "previous field (in the CLI console ↑: older command)",
        Some("previous"),
    ),
    bind(X::Choose, &[key(KeyCode::Up), ch('k')], C::Up, "up", None),
    bind(
        X::Choose,
        &[key(KeyCode::Down), ch('j')],
        C::Down,
        "down",
        None,
    ),
    bind(
        X::Choose,
        &[key(KeyCode::Enter)],
        C::Submit,
        "pick the highlighted option (or type its number, 1 to 9)",
        Some("pick"),
    ),
    bind(
        X::Choose,
        &[key(KeyCode::Esc), ctrl('c')],
        C::Cancel,
        "cancel: nothing sent",
        Some("cancel"),
    ),
    bind(
        X::Confirm,
        &[ch('y'), ch('Y'), key(KeyCode::Enter)],
        C::Submit,
        "yes: send it",
        Some("yes"),
    ),
    bind(
        X::Confirm,
        &[ch('n'), ch('N'), key(KeyCode::Esc), ctrl('c')],
        C::Cancel,
        "no: back to the form or choice that asked, nothing sent",
        Some("no"),
    ),
    bind(
        X::Output,
        &[key(KeyCode::Esc), key(KeyCode::Enter), ch('q')],
        C::Cancel,
        "close",
        Some("close"),
    ),
    bind(
        X::Output,
        &[key(KeyCode::Up), ch('k')],
        C::Up,
        "scroll up",
        None,
    ),
    bind(
        X::Output,
        &[key(KeyCode::Down), ch('j')],
        C::Down,
        "scroll down",
        Some("scroll"),
    ),
    bind(
        X::Output,
        &[key(KeyCode::PageUp)],
        C::PageUp,
        "page up",
        None,
    ),
    bind(
        X::Output,
        &[key(KeyCode::PageDown)],
        C::PageDown,
        "page down",
        Some("page"),
    ),
];

/// The keys that edit a form's field or a filter (tui-input's), listed
/// in the help overlay: every other key there types.
pub const EDIT_HELP: &[(&str, &str)] = &[
    ("← → Home End", "move the cursor (Ctrl-← → by word)"),
    ("Backspace Del", "delete a character (Ctrl-W a word)"),
    ("Ctrl-U Ctrl-K", "delete the line, or to its end"),
];

/// Binds the keys that show each pane, from the pane list.
macro_rules! pane_bindings {
    ($($id:ident { module: $module:ident, name: $name:literal, title: $title:literal,
        tab: $tab:literal, $(key: $key:literal,)? goto: $goto:literal,
        tables: [$main:ident $(, $more:ident)* $(,)?], $(title_extras: $extras:path,)?
        $(above_tables: $above:path,)? })*) => {
        /// The keys that show each pane: its one key, and its letter after `v`.
        const PANE_BINDINGS: &[Binding] = &[
            $($(bind(X::Global, &[ch($key)], C::ShowPane(Pane::$id), $title, None),)?)*
            $(bind(X::GoTo, &[ch($goto)], C::ShowPane(Pane::$id), $title, Some($tab)),)*
        ];
    };
}

pane_list!(pane_bindings);

/// Every binding: [`BINDINGS`], then the pane keys of the pane list.
pub fn bindings() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().chain(PANE_BINDINGS)
}

/// Mouse use, listed in the help overlay (the mouse needs no lookup).
pub const MOUSE_HELP: &[(&str, &str)] = &[
    (
        "click",
        "focus the pane and select the row (in the Hints grid, the lamp)",
    ),
    ("wheel", "scroll the table under the pointer"),
];

/// The command for `event` in the active contexts (most specific first).
/// Key releases and repeats of non-movement keys are ignored.
pub fn lookup(contexts: &[Context], event: &KeyEvent) -> Option<Command> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    contexts.iter().find_map(|context| {
        bindings()
            .filter(|binding| binding.context == *context)
            .find(|binding| binding.keys.iter().any(|k| k.matches(event)))
            .map(|binding| binding.command)
    })
}

/// Why an operator action key does nothing in `contexts`, when it is
/// bound to an action elsewhere: what it does and on which row.
pub fn elsewhere(contexts: &[Context], event: &KeyEvent) -> Option<String> {
    if event.kind == KeyEventKind::Release || contexts.is_empty() {
        return None;
    }
    let binding = BINDINGS.iter().find(|binding| {
        matches!(binding.command, C::Act(_)) && binding.keys.iter().any(|k| k.matches(event))
    })?;
    let key = binding.keys[0].label();
    let place = match binding.context {
        // Among the waiting callers the queue is open already.
        X::Members if contexts.contains(&X::QueueDrill) => {
            "on a member: Tab to this queue's members"
        }
        X::Members => "on a queue member: the Agents pane, or a queue's members (Enter)",
        X::Channels => "on a channel: in Channels, Calls or a queue's waiting callers",
        X::Queues => "on a queue: the Queues list",
        X::Parked => "on a parked call: the Parked calls pane",
        X::Conferences => "in the Conferences pane",
        _ => return None,
    };
    Some(format!("{key} ({}) works {place}", binding.description))
}

/// How much a footer entry matters when the width runs out: lower first.
/// Help is always kept; then quit, what the focused pane or row offers,
/// the actions anywhere, and last the moves every table has.
fn footer_rank(binding: &Binding) -> u8 {
    match (binding.command, binding.context) {
        (C::ToggleHelp, _) => 0,
        (C::Quit, _) => 1,
        (
            _,
            X::Channels
            | X::Members
            | X::Queues
            | X::QueueDrill
            | X::EventLog
            | X::Parked
            | X::Conferences,
        ) => 2,
        (_, X::Actions) => 3,
        (C::Filter | C::Open, _) => 4,
        _ => 5,
    }
}

/// Footer entries (key label, short label) for the active contexts: each
/// command once, and a key shadowed by a more specific context is not
/// advertised with its outer meaning. With `read_only`, actions that
/// mode refuses are left out. Most important first (see [`footer_fit`]).
pub fn footer(contexts: &[Context], read_only: bool) -> Vec<(String, &'static str)> {
    let mut seen_commands: Vec<Command> = Vec::new();
    let mut seen_keys: Vec<Key> = Vec::new();
    let mut out: Vec<(u8, String, &'static str)> = Vec::new();
    for context in contexts {
        let bindings: Vec<&Binding> = bindings().filter(|b| b.context == *context).collect();
        for binding in &bindings {
            let shadowed = seen_keys.contains(&binding.keys[0]);
            let refused =
                matches!(binding.command, C::Act(op) if read_only && !op.allowed_read_only());
            if let Some(label) = binding.footer
                && !shadowed
                && !refused
                && !seen_commands.contains(&binding.command)
            {
                seen_commands.push(binding.command);
                out.push((footer_rank(binding), binding.keys[0].label(), label));
            }
        }
        seen_keys.extend(bindings.iter().flat_map(|b| b.keys.iter().copied()));
    }
    out.sort_by_key(|(rank, _, _)| *rank);
    out.into_iter()
        .map(|(_, key, label)| (key, label))
        .collect()
}

/// The entries of `entries` that fit in `width` cells, each costing its
/// key, its label and two spaces, taken in order of importance: one that
/// does not fit leaves room for a shorter one after it.
pub fn footer_fit(
    entries: Vec<(String, &'static str)>,
    width: usize,
) -> Vec<(String, &'static str)> {
    let mut used = 0;
    entries
        .into_iter()
        .filter(|(key, label)| {
            let cost = crate::ui::text::width(key) + crate::ui::text::width(label) + 2;
            let fits = used + cost <= width;
            if fits {
                used += cost;
            }
            fits
        })
        .collect()
}

/// Help overlay sections: per context, (keys joined, description). An
/// operator action also names the AMI action it sends, the word an
/// Asterisk admin looks for.
pub fn help_sections() -> Vec<(Context, Vec<(String, String)>)> {
    let mut sections: Vec<(Context, Vec<(String, String)>)> = Vec::new();
    for binding in bindings() {
        let keys = binding
            .keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(" ");
        let description = match binding.command {
            C::Act(op) => format!("{} [{}]", binding.description, op.actions().join("/")),
            _ => binding.description.to_owned(),
        };
        match sections
            .iter_mut()
            .find(|(context, _)| *context == binding.context)
        {
            Some((_, rows)) => rows.push((keys, description)),
            None => sections.push((binding.context, vec![(keys, description)])),
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn specific_context_wins_over_global() {
        let tab = press(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(lookup(&[X::Table, X::Global], &tab), Some(C::NextPane));
        assert_eq!(
            lookup(&[X::QueueDrill, X::Table, X::Global], &tab),
            Some(C::SwitchSection)
        );
    }

    #[test]
    fn ctrl_c_quits_but_plain_c_does_not() {
        let contexts = [X::Table, X::Global];
        assert_eq!(
            lookup(&contexts, &press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(C::Quit)
        );
        assert_eq!(
            lookup(&contexts, &press(KeyCode::Char('c'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn shifted_characters_match_by_case() {
        let contexts = [X::Table, X::Global];
        assert_eq!(
            lookup(&contexts, &press(KeyCode::Char('S'), KeyModifiers::SHIFT)),
            Some(C::SortReverse)
        );
        assert_eq!(
            lookup(&contexts, &press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(C::ToggleHelp)
        );
    }

    #[test]
    fn shift_tab_goes_back_as_crossterm_reports_it() {
        let contexts = [X::Table, X::Global];
        for mods in [KeyModifiers::SHIFT, KeyModifiers::NONE] {
            let back_tab = press(KeyCode::BackTab, mods);
            assert_eq!(lookup(&contexts, &back_tab), Some(C::PrevPane), "{mods:?}");
        }
    }

    #[test]
    fn releases_are_ignored() {
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(lookup(&[X::Global], &release), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let all: Vec<&Binding> = bindings().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if a.context != b.context {
                    continue;
                }
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{k:?} twice in {:?}", a.context);
                }
            }
        }
    }

    #[test]
    fn footer_prefers_the_specific_meaning() {
        let entries = footer(&[X::EventLog, X::Table, X::Global], false);
        assert!(entries.contains(&("Enter".to_string(), "raw")));
        assert!(!entries.iter().any(|(_, label)| *label == "detail"));
        assert_eq!(entries[0], ("?".to_string(), "help"));
        assert_eq!(entries.last(), Some(&("Tab".to_string(), "pane")));
    }

    #[test]
    fn footer_keeps_help_and_the_actions_when_narrow() {
        let channels = [X::Table, X::Global, X::Channels, X::Actions];
        let fitted = footer_fit(footer(&channels, false), 80);
        let labels: Vec<&str> = fitted.iter().map(|(_, label)| *label).collect();
        for wanted in ["help", "quit", "hangup", "originate", "command"] {
            assert!(labels.contains(&wanted), "{wanted}: {labels:?}");
        }
        let tiny = footer_fit(footer(&channels, false), 8);
        assert_eq!(tiny, [("?".to_string(), "help")]);
    }

    #[test]
    fn a_read_only_footer_offers_no_refused_action() {
        let channels = [X::Table, X::Global, X::Channels, X::Actions];
        let labels: Vec<&str> = footer(&channels, true)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        for refused in ["hangup", "xfer", "redirect", "originate", "command"] {
            assert!(!labels.contains(&refused), "{refused}: {labels:?}");
        }
        assert!(labels.contains(&"help"));
    }

    #[test]
    fn footer_hides_shadowed_keys() {
        let entries = footer(&[X::Queues, X::Table, X::Global], false);
        assert!(entries.contains(&("Enter".to_string(), "open")));
        assert!(!entries.iter().any(|(_, label)| *label == "detail"));
    }

    #[test]
    fn form_and_prompt_keys_come_from_the_keymap_and_help_lists_them() {
        let enter = press(KeyCode::Enter, KeyModifiers::NONE);
        let up = press(KeyCode::Up, KeyModifiers::NONE);
        assert_eq!(lookup(&[X::Prompt], &enter), Some(C::Submit));
        assert_eq!(lookup(&[X::Form], &up), Some(C::PrevField));
        // Typing is not a binding: it goes to the editor.
        assert_eq!(
            lookup(&[X::Form], &press(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        let sections = help_sections();
        for context in [X::Prompt, X::Form, X::Choose, X::Confirm, X::Output] {
            assert!(sections.iter().any(|(c, _)| *c == context), "{context:?}");
        }
    }

    #[test]
    fn help_lists_every_binding() {
        let rows: usize = help_sections().iter().map(|(_, rows)| rows.len()).sum();
        assert_eq!(rows, bindings().count());
        let global = &help_sections()[0];
        assert_eq!(global.0, X::Global);
        assert_eq!(global.1[0], ("q Ctrl-C".to_string(), "quit".to_string()));
        let all: Vec<String> = help_sections()
            .into_iter()
            .flat_map(|(_, rows)| rows.into_iter().map(|(_, d)| d))
            .collect();
        for action in [
            "[Originate]",
            "[Atxfer]",
            "[Redirect]",
            "[QueuePenalty]",
            "[QueuePause]",
            "[ModuleCheck/ModuleLoad]",
            "[Command]",
            "[Originate ChanSpy]",
            "[MixMonitor]",
            "[MixMonitorMute]",
            "[StopMixMonitor]",
            "[any]",
        ] {
            assert!(all.iter().any(|d| d.contains(action)), "{action}");
        }
    }
}
