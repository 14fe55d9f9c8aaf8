//! Taking the terminal over and giving it back.
//!
//! The terminal is restored however the dashboard ends: on return and on
//! error (the guard's `Drop`), and on panic (a hook that restores first,
//! then lets the previous hook print the panic on a usable screen).

use std::io::{self, Stdout, stdout};
use std::panic::{self, PanicHookInfo};
use std::sync::Arc;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

type Hook = dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static;

/// The terminal in raw mode on the alternate screen with mouse capture
/// and bracketed paste;
/// dropping it puts everything back.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    previous_hook: Arc<Hook>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        let previous_hook: Arc<Hook> = Arc::from(panic::take_hook());
        let chained = Arc::clone(&previous_hook);
        panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        let guard = |result: io::Result<()>| result.inspect_err(|_| restore());
        guard(enable_raw_mode())?;
        // Bracketed paste: a paste arrives as one text, never as key presses
        // (a line break in it must not press Enter on a form).
        guard(execute!(
            stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ))?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout())).inspect_err(|_| restore())?;
        Ok(TerminalGuard {
            terminal,
            previous_hook,
        })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        let previous = Arc::clone(&self.previous_hook);
        panic::set_hook(Box::new(move |info| previous(info)));
    }
}

/// Best effort: each step is tried even if an earlier one failed.
fn restore() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}
