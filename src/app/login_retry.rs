//! After a refused login: the secret the user types into the refusal box
//! goes to the session, which logs in with it at once instead of waiting
//! for its next attempt. It is kept for this session only: never written,
//! shown or logged (see `ui::secret`).

use tokio::sync::mpsc::UnboundedSender;

use crate::ami::session::ConnectionState;
use crate::ui::secret::{SecretInput, SecretKey, SecretPrompt};

#[derive(Debug, Default)]
pub struct LoginRetry {
    /// Where typed secrets go; `None` until the loop connects it (then
    /// the refusal box only explains).
    outbox: Option<UnboundedSender<String>>,
    input: SecretInput,
    /// The login in progress uses a secret typed here.
    trying_typed: bool,
    /// The last refusal was of a typed secret.
    typed_refused: bool,
}

impl LoginRetry {
    pub fn new(outbox: UnboundedSender<String>) -> LoginRetry {
        LoginRetry {
            outbox: Some(outbox),
            ..LoginRetry::default()
        }
    }

    /// Whether keys go to the secret prompt: the login was refused and a
    /// typed secret can be sent.
    pub fn is_open(&self, state: &ConnectionState) -> bool {
        self.outbox.is_some() && matches!(state, ConnectionState::LoginRefused { .. })
    }

    /// A key for the prompt; true when it asks to quit.
    pub fn key(&mut self, key: &crossterm::event::KeyEvent) -> bool {
        match self.input.key(key) {
            SecretKey::Stay => false,
            SecretKey::Quit => true,
            SecretKey::Submit(secret) => {
                if let Some(outbox) = &self.outbox {
                    // The loop gone means we are quitting anyway.
                    let _ = outbox.send(secret);
                    self.trying_typed = true;
                }
                false
            }
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.input.paste(text);
    }

    /// Follows the connection: a refusal after a typed secret says so.
    pub fn connection(&mut self, state: &ConnectionState) {
        match state {
            ConnectionState::LoginRefused { .. } => self.typed_refused = self.trying_typed,
            ConnectionState::LoggedIn { .. } => {
                self.trying_typed = false;
                self.typed_refused = false;
            }
            _ => {}
        }
    }

    /// What the refusal box shows of the prompt, when it is open.
    pub fn prompt(&self, state: &ConnectionState) -> Option<SecretPrompt> {
        self.is_open(state).then(|| SecretPrompt {
            typed: !self.input.is_empty(),
            typed_refused: self.typed_refused,
        })
    }
}
