//! The calls and channels tables a view keeps between frames (following
//! the model's journal of changes) against ones built afresh, after every
//! message of every real capture and in several sort orders: the same
//! rows in the same order.

use crate::support::{ami_files, decode_whole, messages, read_capture};
use amitop::model::{Channel, State};
use amitop::ui::keymap::Command;
use amitop::ui::panes::{ModelTables, calls, channels};
use amitop::ui::table::CellContext;
use amitop::ui::tables::Table;
use amitop::ui::theme::Theme;
use amitop::ui::view::{Pane, View};
use ratatui::layout::Rect;

const NOW: f64 = 1_700_000_000.0;

/// Every row the pane's table shows, in order: a call's key and members,
/// or a channel's Uniqueid.
fn table(state: &State, view: &View) -> Vec<(String, Vec<String>)> {
    let env = CellContext {
        state,
        now: NOW,
        theme: Theme::new(false),
    };
    let page = usize::MAX / 2;
    if view.pane == Pane::Channels {
        let rows = channels::Channels.rows(view, &env, page);
        return rows
            .window
            .iter()
            .map(|c| (c.uniqueid.clone(), Vec::new()))
            .collect();
    }
    let rows = calls::Calls.rows(view, &env, page);
    rows.window
        .iter()
        .map(|call| {
            let members = call.members.iter().map(|c| c.uniqueid.clone()).collect();
            (call.key.to_string(), members)
        })
        .collect()
}

/// The channels in the order of the column's own `cmp`, then Uniqueid.
fn by_column_cmp(state: &State, sort: usize, reverse: bool) -> Vec<(String, Vec<String>)> {
    let columns = channels::columns();
    let cx = CellContext {
        state,
        now: NOW,
        theme: Theme::new(false),
    };
    let mut rows: Vec<&Channel> = state.channels.iter().collect();
    rows.sort_by(|a, b| {
        let order = columns[sort].compare(a, b, &cx);
        let order = if reverse { order.reverse() } else { order };
        order.then_with(|| a.uniqueid.cmp(&b.uniqueid))
    });
    rows.iter()
        .map(|c| (c.uniqueid.clone(), Vec::new()))
        .collect()
}

/// A view on `pane`, sorted by column `sort`.
fn sorted_view(pane: Pane, sort: usize, reverse: bool) -> View {
    let state = State::new();
    let lens = ModelTables {
        state: &state,
        now: NOW,
    };
    let mut view = View::new(Rect::new(0, 0, 200, 60));
    view.pane = pane;
    for _ in 0..sort {
        view.update(Command::SortNext, &lens);
    }
    if reverse {
        view.update(Command::SortReverse, &lens);
    }
    view
}

#[test]
fn kept_tables_match_tables_built_afresh() {
    let sorts = [
        (Pane::Calls, 0, false),
        (Pane::Calls, 1, true),
        (Pane::Calls, 2, false),
        (Pane::Calls, 3, true),
        (Pane::Calls, 5, false),
        (Pane::Channels, 0, false),
        (Pane::Channels, 2, true),
        (Pane::Channels, 5, false),
        (Pane::Channels, 6, true),
        (Pane::Channels, 7, false),
    ];
    let mut compared = 0;
    for name in ami_files() {
        let frames = decode_whole(&read_capture(&name));
        for (pane, sort, reverse) in sorts {
            let kept = sorted_view(pane, sort, reverse);
            let mut state = State::new();
            for (n, msg) in messages(&frames).into_iter().enumerate() {
                state.apply(msg, NOW);
                let afresh = kept.afresh();
                assert_eq!(
                    table(&state, &kept),
                    table(&state, &afresh),
                    "{name}, message {n}, {pane:?} sort {sort} reversed {reverse}"
                );
                if pane == Pane::Channels {
                    assert_eq!(
                        table(&state, &kept),
                        by_column_cmp(&state, sort, reverse),
                        "{name}, message {n}, channels sort {sort} reversed {reverse}"
                    );
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "only {compared} states compared");
}
