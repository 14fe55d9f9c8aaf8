//! The operator's overlays: a form being filled in (each field a
//! `tui-input` line editor), the yes/no question before a destructive
//! action, and the output of a listing or CLI command; plus the one-line
//! status of the last action, shown in the footer.
//!
//! Why here: this is only how operations look and take keys. What they
//! send, how fields are checked and how replies read live in
//! [`crate::ops`]; when to send lives in the app.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::ops::{FieldError, Form, Op, Outcome, Request};
use crate::ui::help::centered;
use crate::ui::text;
use crate::ui::theme::{Theme, Tone};

/// Widest a form or output box gets.
const BOX_WIDTH: u16 = 78;

/// A form on screen: the operation's fields being edited.
#[derive(Debug)]
pub struct FormView {
    form: Form,
    inputs: Vec<Input>,
    focus: usize,
    errors: Vec<FieldError>,
    /// Submitted; the reply has not come yet.
    pub sending: bool,
    /// The server's refusal of the last submit, shown until the next one.
    pub refused: Option<String>,
}

/// What a key did to an overlay.
#[derive(Debug, PartialEq, Eq)]
pub enum Reaction {
    Stay,
    Close,
    /// Send this request (it was submitted, or confirmed).
    Send(Request),
}

impl FormView {
    pub fn new(form: Form) -> FormView {
        let inputs = form
            .values()
            .iter()
            .map(|value| Input::new(value.clone()))
            .collect();
        FormView {
            form,
            inputs,
            focus: 0,
            errors: Vec::new(),
            sending: false,
            refused: None,
        }
    }

    pub fn op(&self) -> Op {
        self.form.op()
    }

    /// The index of the field being edited.
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// The field errors of the last submit.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Tab / Shift-Tab (or ↓ / ↑) move between fields, Enter submits, Esc
    /// cancels; any other key edits the field.
    pub fn key(&mut self, key: &KeyEvent) -> Reaction {
        let count = self.inputs.len().max(1);
        match key.code {
            KeyCode::Esc => return Reaction::Close,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % count,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + count - 1) % count,
            KeyCode::Enter => return self.submit(),
            _ => {
                if let Some(input) = self.inputs.get_mut(self.focus) {
                    input.handle_event(&Event::Key(*key));
                }
            }
        }
        Reaction::Stay
    }

    fn submit(&mut self) -> Reaction {
        for (index, input) in self.inputs.iter().enumerate() {
            self.form.set_value(index, input.value());
        }
        self.refused = None;
        match self.form.submit() {
            Ok(request) => {
                self.errors.clear();
                Reaction::Send(request)
            }
            Err(errors) => {
                self.focus = errors.first().map_or(self.focus, |e| e.field);
                self.errors = errors;
                Reaction::Stay
            }
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let fields = self.form.fields();
        let label_width = fields.iter().map(|f| f.label.len()).max().unwrap_or(0) + 2;
        // Fields, a gap, help, message, keys, and the border.
        let height = fields.len() as u16 + 6;
        let popup = centered(area, BOX_WIDTH, height);
        let inner_width = usize::from(popup.width.saturating_sub(2));
        let value_width = inner_width.saturating_sub(label_width + 2).max(1);

        let mut lines = Vec::new();
        let mut cursor = None;
        for (index, (spec, input)) in fields.iter().zip(&self.inputs).enumerate() {
            let focused = index == self.focus;
            let marker = if self.errors.iter().any(|e| e.field == index) {
                Span::styled("!", theme.tone(Tone::Bad))
            } else {
                Span::raw(if focused { "›" } else { " " })
            };
            let scroll = input.visual_scroll(value_width);
            let shown: String = text::truncate(
                &input.value().chars().skip(scroll).collect::<String>(),
                value_width,
            )
            .into_owned();
            let label_style = if focused { theme.key() } else { theme.dim() };
            lines.push(Line::from(vec![
                marker,
                Span::styled(text::fit(spec.label, label_width), label_style),
                Span::raw(" "),
                Span::raw(shown),
            ]));
            if focused {
                let column = input
                    .visual_cursor()
                    .saturating_sub(scroll)
                    .min(value_width);
                cursor = Some(Position::new(
                    popup.x + 1 + (label_width + 2 + column) as u16,
                    popup.y + 1 + index as u16,
                ));
            }
        }
        lines.push(Line::raw(""));
        let help = fields.get(self.focus).map_or("", |f| f.help);
        lines.push(Line::styled(help, theme.dim()));
        lines.push(self.message_line(theme));
        lines.push(Line::styled(
            "Enter sends · Tab/↑↓ next field · Esc cancels",
            theme.dim(),
        ));

        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focused_border())
            .title(format!(" {} ", self.op().title()));
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
        if let Some(position) = cursor {
            frame.set_cursor_position(position);
        }
    }

    /// The focused field's error (else the first), the server's refusal,
    /// or "sending…".
    fn message_line(&self, theme: Theme) -> Line<'static> {
        let error = self
            .errors
            .iter()
            .find(|e| e.field == self.focus)
            .or(self.errors.first());
        if let Some(error) = error {
            let label = self.form.fields()[error.field].label;
            return Line::styled(
                format!("✘ {label}: {}", error.message),
                theme.tone(Tone::Bad),
            );
        }
        if let Some(refused) = &self.refused {
            return Line::styled(format!("✘ {refused}"), theme.tone(Tone::Bad));
        }
        if self.sending {
            return Line::styled("sending…", theme.tone(Tone::Alert));
        }
        Line::raw("")
    }
}

/// Lines of output (a CLI command, rules, queue summaries), scrollable.
#[derive(Debug, PartialEq, Eq)]
pub struct Output {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
}

impl Output {
    fn key(&mut self, key: &KeyEvent) -> Reaction {
        let last = self.lines.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return Reaction::Close,
            KeyCode::Down | KeyCode::Char('j') => self.scroll = (self.scroll + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown => self.scroll = (self.scroll + 10).min(last),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            _ => {}
        }
        Reaction::Stay
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let height = (self.lines.len() as u16).saturating_add(3);
        let popup = centered(area, BOX_WIDTH.max(area.width.saturating_sub(4)), height);
        let mut lines: Vec<Line> = self
            .lines
            .iter()
            .skip(self.scroll)
            .map(|line| Line::raw(line.as_str()))
            .collect();
        let room = usize::from(popup.height.saturating_sub(3));
        lines.truncate(room);
        lines.push(Line::styled("Esc closes · ↑↓ scroll", theme.dim()));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focused_border())
            .title(format!(" {} ", self.title));
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
    }
}

/// What the operator has open over the dashboard.
#[derive(Debug)]
pub enum Overlay {
    Form(FormView),
    /// A destructive request waiting for yes or no.
    Confirm(Request),
    Output(Output),
}

impl Overlay {
    /// Feeds one key press (releases are ignored).
    pub fn key(&mut self, key: &KeyEvent) -> Reaction {
        if key.kind == KeyEventKind::Release {
            return Reaction::Stay;
        }
        match self {
            Overlay::Form(form) => form.key(key),
            Overlay::Output(output) => output.key(key),
            Overlay::Confirm(request) => match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => Reaction::Send(request.clone()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    Reaction::Close
                }
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Reaction::Close,
                _ => Reaction::Stay,
            },
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        match self {
            Overlay::Form(form) => form.draw(frame, area, theme),
            Overlay::Output(output) => output.draw(frame, area, theme),
            Overlay::Confirm(request) => {
                let question = request.confirmation().unwrap_or("Send?");
                let width = (text::width(question) as u16 + 4).clamp(40, BOX_WIDTH);
                let popup = centered(area, width, 5);
                let block = Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.tone(Tone::Bad))
                    .title(format!(" {} ", request.op.title()));
                let lines = vec![
                    Line::raw(question.to_owned()),
                    Line::raw(""),
                    Line::styled("y / Enter: yes · n / Esc: no", theme.dim()),
                ];
                frame.render_widget(Clear, popup);
                frame.render_widget(Paragraph::new(lines).block(block), popup);
            }
        }
    }
}

/// The last action's result, for the footer.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub text: String,
    /// Went well, failed, or `None` while the reply is awaited.
    pub ok: Option<bool>,
    /// Epoch seconds it was set (it fades after a while).
    pub since: f64,
}

impl Status {
    pub fn new(outcome: &Outcome, now: f64) -> Status {
        Status {
            text: outcome.summary.clone(),
            ok: Some(outcome.ok),
            since: now,
        }
    }

    /// The footer line: a mark, then the text.
    pub fn line(&self, theme: Theme) -> Line<'static> {
        let (mark, tone) = match self.ok {
            Some(true) => ("✔ ", Tone::Good),
            Some(false) => ("✘ ", Tone::Bad),
            None => ("… ", Tone::Alert),
        };
        Line::from(vec![
            Span::styled(mark, theme.tone(tone)),
            Span::raw(self.text.clone()),
        ])
    }
}

/// Everything the operator's part of the screen is drawn from.
#[derive(Debug, Default)]
pub struct Actions {
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
}

/// Draws the open overlay, if any, over `area` (the body of the screen).
pub fn draw(frame: &mut Frame<'_>, area: Rect, actions: &Actions, theme: Theme) {
    if let Some(overlay) = &actions.overlay {
        overlay.draw(frame, area, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Selection, Start, start};

    fn originate() -> FormView {
        match start(Op::Originate, &Selection::default(), false) {
            Ok(Start::Form(form)) => FormView::new(form),
            other => panic!("{other:?}"),
        }
    }

    fn press(view: &mut FormView, code: KeyCode) -> Reaction {
        view.key(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn type_text(view: &mut FormView, text: &str) {
        for c in text.chars() {
            press(view, KeyCode::Char(c));
        }
    }

    #[test]
    fn typing_tab_and_enter_fill_and_submit_the_form() {
        let mut view = originate();
        type_text(&mut view, "PJSIP/100");
        press(&mut view, KeyCode::Tab);
        type_text(&mut view, "200");
        press(&mut view, KeyCode::Tab);
        type_text(&mut view, "from-internal");
        let Reaction::Send(request) = press(&mut view, KeyCode::Enter) else {
            panic!("a valid form submits");
        };
        assert_eq!(request.action.get("Channel"), Some("PJSIP/100"));
        assert_eq!(request.action.get("Exten"), Some("200"));
        assert_eq!(request.action.get("Timeout"), Some("30000"));
    }

    #[test]
    fn an_invalid_submit_stays_and_focuses_the_first_bad_field() {
        let mut view = originate();
        press(&mut view, KeyCode::BackTab);
        assert_eq!(view.focus(), view.inputs.len() - 1);
        assert_eq!(press(&mut view, KeyCode::Enter), Reaction::Stay);
        assert_eq!(view.focus(), 0);
        assert_eq!(view.errors()[0].field, 0);
        assert_eq!(press(&mut view, KeyCode::Esc), Reaction::Close);
    }

    #[test]
    fn confirm_takes_yes_or_no() {
        let selection = Selection {
            channel: Some("PJSIP/1-1".into()),
            ..Selection::default()
        };
        let Ok(Start::Ready(request)) = start(Op::Hangup, &selection, false) else {
            panic!("Hangup is ready");
        };
        let mut confirm = Overlay::Confirm(request.clone());
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(confirm.key(&key('z')), Reaction::Stay);
        assert_eq!(confirm.key(&key('n')), Reaction::Close);
        assert_eq!(confirm.key(&key('y')), Reaction::Send(request));
    }

    #[test]
    fn output_scrolls_within_its_lines() {
        let mut output = Overlay::Output(Output {
            title: "t".into(),
            lines: vec!["a".into(), "b".into()],
            scroll: 0,
        });
        for _ in 0..5 {
            output.key(&KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
        let Overlay::Output(shown) = &output else {
            unreachable!()
        };
        assert_eq!(shown.scroll, 1);
        assert_eq!(
            output.key(&KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Reaction::Close
        );
    }
}
