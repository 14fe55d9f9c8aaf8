//! The secret typed into the "login refused" box: a `tui-input` line
//! editor whose text is never drawn, shown, logged or printed by `Debug`.

use std::fmt;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// What a key did to the secret being typed.
#[derive(PartialEq, Eq)]
pub enum SecretKey {
    Stay,
    /// Ctrl-C: the user wants out (every other key is typing).
    Quit,
    /// Enter on a secret: log in with it now.
    Submit(String),
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretKey::Stay => "Stay",
            SecretKey::Quit => "Quit",
            SecretKey::Submit(_) => "Submit(***)",
        })
    }
}

/// What the "login refused" box shows of the secret prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecretPrompt {
    /// Something is typed (never what).
    pub typed: bool,
    /// The refusal was of a secret typed here.
    pub typed_refused: bool,
}

/// The secret typed so far.
#[derive(Default)]
pub struct SecretInput {
    input: Input,
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretInput(***)")
    }
}

impl SecretInput {
    /// Enter submits what was typed (and empties the field), Esc empties
    /// it, Ctrl-C quits; any other key edits.
    pub fn key(&mut self, key: &KeyEvent) -> SecretKey {
        if key.kind == KeyEventKind::Release {
            return SecretKey::Stay;
        }
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => SecretKey::Quit,
            KeyCode::Enter if self.input.value().is_empty() => SecretKey::Stay,
            KeyCode::Enter => {
                let secret = self.input.value().to_owned();
                self.input.reset();
                SecretKey::Submit(secret)
            }
            KeyCode::Esc => {
                self.input.reset();
                SecretKey::Stay
            }
            _ => {
                self.input.handle_event(&Event::Key(*key));
                SecretKey::Stay
            }
        }
    }

    /// A bracketed paste is typing: it never submits, and the line break a
    /// copied secret often ends with is left out.
    pub fn paste(&mut self, text: &str) {
        let cursor = self.input.cursor();
        let pasted: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        let mut value: String = self.input.value().chars().take(cursor).collect();
        value.push_str(&pasted);
        value.extend(self.input.value().chars().skip(cursor));
        self.input = Input::new(value).with_cursor(cursor + pasted.chars().count());
    }

    /// Whether anything is typed (the box says so, without saying what).
    pub fn is_empty(&self) -> bool {
        self.input.value().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut SecretInput, code: KeyCode) -> SecretKey {
        input.key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn typing_then_enter_submits_and_empties_the_field() {
        let mut input = SecretInput::default();
        assert_eq!(press(&mut input, KeyCode::Enter), SecretKey::Stay);
        for c in "s3cret".chars() {
            press(&mut input, KeyCode::Char(c));
        }
        press(&mut input, KeyCode::Backspace);
        assert_eq!(
            press(&mut input, KeyCode::Enter),
            SecretKey::Submit("s3cre".into())
        );
        assert!(input.is_empty());
        input.paste("pasted\n");
        assert_eq!(
            press(&mut input, KeyCode::Enter),
            SecretKey::Submit("pasted".into())
        );
        press(&mut input, KeyCode::Char('x'));
        press(&mut input, KeyCode::Esc);
        assert!(input.is_empty());
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(input.key(&ctrl_c), SecretKey::Quit);
    }

    #[test]
    fn debug_never_shows_it() {
        let mut input = SecretInput::default();
        input.paste("hunter2");
        assert!(!format!("{input:?}").contains("hunter2"));
        assert!(!format!("{:?}", SecretKey::Submit("hunter2".into())).contains("hunter2"));
    }
}
