//! Key sequences against the real app and model: switching panes, moving,
//! drilling into a queue, filtering, sorting, detail and help.

use crate::support::ui::{fixture, press, press_with, render, type_text};
use amitop::ui::view::{Pane, RowId, Section, TableId};
use crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn tab_digits_and_back_tab_switch_panes() {
    let mut app = fixture(80, 24);
    assert_eq!(app.view.pane, Pane::Channels);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.view.pane, Pane::Calls);
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.view.pane, Pane::Events);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.view.pane, Pane::Registrations);
    assert!(render(&app).contains("4 Registrations & peers (3)"));
}

#[test]
fn moving_selects_the_row_enter_opens() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Enter);
    // Sorted by name: carol, yamada, alice, bob.
    let detail = app.view.detail.as_ref().expect("detail open");
    assert_eq!(detail.target, RowId::Channel("1700000011.4".into()));
    assert!(render(&app).contains("Channel PJSIP/yamada-00000004"));
    press(&mut app, KeyCode::Esc);
    assert!(app.view.detail.is_none());
    press(&mut app, KeyCode::End);
    assert_eq!(app.view.table(TableId::Channels).selected, 3);
}

#[test]
fn filter_narrows_the_table_and_esc_clears_it() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ALICE");
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    assert!(screen.contains("1 Channels (1) /ALICE"), "{screen}");
    assert!(screen.contains("SIP/alice-00000001"));
    assert!(!screen.contains("SIP/bob-00000002    "));
    press(&mut app, KeyCode::Esc);
    assert!(render(&app).contains("1 Channels (4)"));
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('s'));
    // ▲ ascending, ▼ descending (the same in every column).
    assert!(render(&app).contains("State▲"));
    press_with(&mut app, KeyCode::Char('S'), KeyModifiers::SHIFT);
    let screen = render(&app);
    assert!(screen.contains("State▼"));
    // Reverse by state text: Up, Up, Ringing, Ring.
    let ringing = screen.find("SIP/bob-00000002").unwrap();
    let ring = screen.find("SIP/alice-00000001").unwrap();
    assert!(ringing < ring, "{screen}");
}

#[test]
fn queue_drill_down_members_callers_and_back() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right);
    assert_eq!(
        app.view.drill.as_ref().map(|d| d.queue.as_str()),
        Some("support")
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.view.detail.as_ref().map(|d| d.target.clone()),
        Some(RowId::Member {
            queue: "support".into(),
            interface: "SIP/agent2".into()
        })
    );
    assert!(render(&app).contains("lunch"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Tab);
    assert_eq!(
        app.view.drill.as_ref().map(|d| d.section),
        Some(Section::Callers)
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.view.detail.as_ref().map(|d| d.target.clone()),
        Some(RowId::Caller {
            queue: "support".into(),
            uniqueid: "1700000070.5".into()
        })
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Left);
    assert!(app.view.drill.is_none());
    assert_eq!(app.view.pane, Pane::Queues);
}

#[test]
fn event_log_type_filter_pause_and_raw_message() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "queuemem");
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("5 Event log (2) event:queuemem"));
    press(&mut app, KeyCode::Char(' '));
    assert!(render(&app).contains("paused"));
    // New events do not scroll a paused log.
    let member = crate::support::msg(&[
        ("Event", "QueueMemberStatus"),
        ("Queue", "support"),
        ("Interface", "SIP/agent1"),
        ("Status", "2"),
    ]);
    app.handle(
        amitop::app::Msg::Session(amitop::ami::session::SessionEvent::Event(member)),
        crate::support::ui::NOW,
    );
    assert!(render(&app).contains("5 Event log (2)"));
    press(&mut app, KeyCode::Char(' '));
    assert!(render(&app).contains("5 Event log (3)"));
    // The selection stays on the entry it was on, now below the new one.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    assert!(render(&app).contains("Interface: SIP/agent1"));
}

#[test]
fn help_opens_and_closes_quit_keys_quit() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('?'));
    assert!(render(&app).contains("Help: keys"));
    press(&mut app, KeyCode::Esc);
    assert!(!render(&app).contains("Help: keys"));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = fixture(80, 24);
    press_with(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.quit);
}

#[test]
fn login_and_overflow_ask_for_a_resync() {
    use amitop::ami::codec::Banner;
    use amitop::ami::session::{ConnectionState, SessionEvent};
    use amitop::app::Msg;
    let (mut app, mut requests) = crate::support::ui::new_app(80, 24);
    let banner = Banner {
        text: "Asterisk Call Manager/2.10.4".into(),
        version: None,
    };
    app.handle(
        Msg::Session(SessionEvent::State(ConnectionState::LoggedIn { banner })),
        0.0,
    );
    assert!(requests.try_recv().is_ok());
    app.handle(Msg::Session(SessionEvent::Overflow { dropped: 10 }), 0.0);
    assert!(requests.try_recv().is_ok());
    assert!(requests.try_recv().is_err());
}

#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    use crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
    let mut app = fixture(80, 24);
    let mouse = |kind, row| {
        Msg::Input(Event::Mouse(MouseEvent {
            kind,
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        }))
    };
    use amitop::app::Msg;
    // Rows: tabs at 3, pane border at 4, titles at 5, first row at 6.
    app.handle(
        mouse(MouseEventKind::Down(MouseButton::Left), 8),
        crate::support::ui::NOW,
    );
    assert_eq!(app.view.table(TableId::Channels).selected, 2);
    app.handle(mouse(MouseEventKind::ScrollUp, 8), crate::support::ui::NOW);
    assert_eq!(app.view.table(TableId::Channels).selected, 0);
    // A click on a tab switches pane (at 80 columns the labels are cut to
    // three letters: " 2 Cal " spans columns 8..15).
    let tab = Msg::Input(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: 3,
        modifiers: KeyModifiers::NONE,
    }));
    app.handle(tab, crate::support::ui::NOW);
    assert_eq!(app.view.pane, Pane::Calls);
}

#[test]
fn help_pages_with_every_movement_key_and_says_there_is_more() {
    for (width, height) in [(160, 48), (80, 24)] {
        let mut app = fixture(width, height);
        press(&mut app, KeyCode::Char('?'));
        let first = render(&app);
        assert!(first.contains("more below"), "{first}");
        assert!(!first.contains("click"), "{first}");
        press(&mut app, KeyCode::PageDown);
        let paged = render(&app);
        assert_ne!(paged, first, "PgDn moves");
        press(&mut app, KeyCode::End);
        let last = render(&app);
        assert!(last.contains("focus the pane and select the row"), "{last}");
        assert!(!last.contains("more below"), "{last}");
        press(&mut app, KeyCode::Home);
        assert_eq!(render(&app), first);
        press(&mut app, KeyCode::Char('G'));
        assert_eq!(render(&app), last, "G is End");
        // Past the end stays at the end: one key up moves at once.
        for _ in 0..5 {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Up);
        assert_ne!(render(&app), last);
    }
}

#[test]
fn event_type_filter_takes_globs_and_lists() {
    let mut app = fixture(80, 24);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "*Status,Queue*");
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    // Two PeerStatus, a QueueParams pair, a QueueEntry and two QueueMember.
    assert!(screen.contains("PeerStatus"), "{screen}");
    assert!(screen.contains("QueueMember"), "{screen}");
    assert!(!screen.contains("Newchannel"), "{screen}");
    assert!(!screen.contains("BridgeEnter"), "{screen}");
}

#[test]
fn a_lost_connection_leaves_a_stale_picture_until_the_resync_is_whole() {
    use crate::support::ui::{NOW, render_at};
    use amitop::ami::codec::Banner;
    use amitop::ami::session::{ConnectionState, SessionEvent};
    use amitop::app::Msg;
    use amitop::resync::ResyncUpdate;
    let mut app = fixture(100, 30);
    let live = render_at(&app, NOW);
    assert!(!live.contains("stale"), "{live}");
    let lost = ConnectionState::Disconnected {
        reason: "connection reset".into(),
        retry_in: Some(std::time::Duration::from_secs(5)),
    };
    app.handle(Msg::Session(SessionEvent::State(lost)), NOW);
    app.handle(Msg::Tick, NOW + 42.0);
    let stale = render_at(&app, NOW + 42.0);
    assert!(stale.contains("stale: last seen 42s ago"), "{stale}");
    // The clocks stopped: every row reads as it did when the link went.
    let body = |screen: &str| {
        screen
            .lines()
            .skip(4)
            .take(8)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&stale), body(&live));

    // Logged in again: the old picture stays until the resync is over,
    // whatever the live model goes through meanwhile.
    let banner = Banner {
        text: "Asterisk Call Manager/11.0.0".into(),
        version: None,
    };
    let back = ConnectionState::LoggedIn { banner };
    app.handle(Msg::Session(SessionEvent::State(back)), NOW + 50.0);
    let hangup = crate::support::msg(&[
        ("Event", "Hangup"),
        ("Channel", "PJSIP/carol-00000003"),
        ("Uniqueid", "1700000003.3"),
        ("Cause", "16"),
    ]);
    app.handle(Msg::Session(SessionEvent::Event(hangup)), NOW + 51.0);
    let resyncing = render_at(&app, NOW + 51.0);
    assert!(
        resyncing.contains("resyncing; showing the picture last seen 51s ago"),
        "{resyncing}"
    );
    assert!(resyncing.contains("PJSIP/carol-00000003"), "{resyncing}");
    app.handle(Msg::Resync(ResyncUpdate::Finished), NOW + 52.0);
    let whole = render_at(&app, NOW + 52.0);
    assert!(
        !whole.contains("stale") && !whole.contains("resyncing"),
        "{whole}"
    );
    assert!(app.stale_since().is_none());

    // The event log says where the gap is.
    let names: Vec<String> = app.state.log.iter().map(|e| e.name()).collect();
    assert!(names.contains(&"Disconnected".to_string()), "{names:?}");
    assert!(names.contains(&"Reconnected".to_string()), "{names:?}");
}

#[test]
fn a_refused_login_says_so_and_how_to_fix_it() {
    use amitop::ami::session::{ConnectionState, SessionEvent};
    use amitop::app::Msg;
    let (mut app, _requests) = crate::support::ui::new_app(100, 30);
    let refused = ConnectionState::LoginRefused {
        message: "Authentication failed".into(),
        retry_in: Some(std::time::Duration::from_secs(60)),
    };
    app.handle(
        Msg::Session(SessionEvent::State(refused)),
        crate::support::ui::NOW,
    );
    let screen = render(&app);
    assert!(
        screen.contains("The server refused the login: Authentication failed"),
        "{screen}"
    );
    assert!(screen.contains("AMITOP_SECRET"), "{screen}");
    assert!(screen.contains("tries again in 60 s"), "{screen}");
}
