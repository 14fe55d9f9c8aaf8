//! The list of panes: what each is called, the keys that show it and the
//! tables it holds. The list is written once, in [`pane_list!`], and read
//! by three files, each taking what it needs: this one makes [`Pane`] and
//! [`TableId`], [`crate::ui::panes`] declares each pane's module and finds
//! its tables, [`crate::ui::keymap`] binds its keys. This file names
//! nothing else of the UI, so every layer can name panes and tables.

/// Hands the pane list to `$then!`. Each entry: the pane, its module (the
/// file holding its tables), its name in the config's `layout`, its border
/// title, its tab bar label, its one key (the first ten only), its letter
/// after `v`, its tables (the main one first; each is the type of that
/// name in the module), and optionally what its own border title adds
/// and what it draws above its tables.
///
/// A new pane: its file beside this one, one entry here, and its name in
/// [`DEFAULT_LAYOUT`] if it belongs on the wide screen by default. A
/// drilled-down queue shows the Queues pane's `Members` and `Callers`.
macro_rules! pane_list {
    ($then:ident) => {
        $then! {
            Channels {
                module: channels, name: "channels", title: "Channels", tab: "Channels",
                key: '1', goto: 'c', tables: [Channels],
            }
            Calls {
                module: calls, name: "calls", title: "Calls", tab: "Calls",
                key: '2', goto: 'a', tables: [Calls],
            }
            Queues {
                module: queues, name: "queues", title: "Queues", tab: "Queues",
                key: '3', goto: 'q', tables: [Queues, Members, Callers],
                above_tables: queues::draw_drill_summary,
            }
            Registrations {
                module: registrations, name: "registrations", title: "Registrations & peers",
                tab: "Registrations", key: '4', goto: 'r', tables: [Registrations],
            }
            Events {
                module: events, name: "events", title: "Event log", tab: "Events",
                key: '5', goto: 'e', tables: [Events], title_extras: events::title_extras,
            }
            Agents {
                module: agents, name: "agents", title: "Agents", tab: "Agents",
                key: '6', goto: 'g', tables: [Agents],
            }
            Parked {
                module: parked, name: "parked", title: "Parked calls", tab: "Parked",
                key: '7', goto: 'p', tables: [Parked],
            }
            Conferences {
                module: conferences, name: "conferences", title: "Conferences", tab: "Conferences",
                key: '8', goto: 'f', tables: [Conferences],
            }
            Hints {
                module: hints, name: "hints", title: "Hints (BLF)", tab: "Hints",
                key: '9', goto: 'h', tables: [Hints],
            }
            Voicemail {
                module: voicemail, name: "voicemail", title: "Voicemail", tab: "Voicemail",
                key: '0', goto: 'm', tables: [Voicemail],
            }
        }
    };
}
pub(crate) use pane_list;

/// Makes [`Pane`] and [`TableId`] from the pane list.
macro_rules! pane_names {
    ($($id:ident { module: $module:ident, name: $name:literal, title: $title:literal,
        tab: $tab:literal, $(key: $key:literal,)? goto: $goto:literal,
        tables: [$main:ident $(, $more:ident)* $(,)?], $(title_extras: $extras:path,)?
        $(above_tables: $above:path,)? })*) => {
        /// Every pane, in tab order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Pane {
            $($id,)*
        }

        /// Every table the screen can show.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TableId {
            $($main, $($more,)*)*
        }

        impl Pane {
            pub const ALL: &[Pane] = &[$(Pane::$id,)*];

            /// What the list says of each pane, in the order of [`Pane::ALL`].
            const ENTRIES: &[Entry] = &[$(Entry {
                name: $name,
                title: $title,
                tab: $tab,
                shortcut: pane_names!(@shortcut $goto $(, $key)?),
                table: TableId::$main,
            },)*];
        }
    };
    (@shortcut $goto:literal, $key:literal) => { concat!($key) };
    (@shortcut $goto:literal) => { concat!("v ", $goto) };
}

/// One pane's entry in the list.
struct Entry {
    name: &'static str,
    title: &'static str,
    tab: &'static str,
    shortcut: &'static str,
    table: TableId,
}

pane_list!(pane_names);

/// The panes of the wide layout when the config names none.
pub const DEFAULT_LAYOUT: &[Pane] = &[
    Pane::Channels,
    Pane::Calls,
    Pane::Queues,
    Pane::Registrations,
    Pane::Events,
];

impl Pane {
    fn entry(self) -> &'static Entry {
        &Pane::ENTRIES[self as usize]
    }

    /// The pane's name in the config's `layout`.
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    pub fn title(self) -> &'static str {
        self.entry().title
    }

    /// The pane's label on the tab bar.
    pub fn tab(self) -> &'static str {
        self.entry().tab
    }

    /// The pane's main table.
    pub fn table(self) -> TableId {
        self.entry().table
    }

    /// The shortest keys that show the pane, as the border and the tab bar
    /// write them: `1`, or `v x` past the first ten.
    pub fn shortcut(self) -> &'static str {
        self.entry().shortcut
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane called `name` in the config's `layout`.
    pub fn named(name: &str) -> Option<Pane> {
        Pane::ALL.iter().copied().find(|pane| pane.name() == name)
    }

    /// The pane `delta` steps away in tab order, wrapping around.
    pub fn step(self, delta: isize) -> Pane {
        let n = Pane::ALL.len() as isize;
        Pane::ALL[(self.index() as isize + delta).rem_euclid(n) as usize]
    }
}
