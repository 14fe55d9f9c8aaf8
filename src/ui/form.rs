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
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::ops::{Choice, FieldError, Form, Op, Outcome, Request};
use crate::ui::help::centered;
use crate::ui::keymap::{self, Command, Context};
use crate::ui::text;
use crate::ui::theme::{Theme, Tone};

/// Widest a form or output box gets.
const BOX_WIDTH: u16 = 78;

/// A form on screen: the operation's fields being edited.
#[derive(Debug)]
pub struct FormView {
    form: Form,
    inputs: Vec<Input>,
    /// Per field: it still holds the text it opened with (a default or a
    /// pre-fill), so the first character typed replaces it.
    untouched: Vec<bool>,
    focus: usize,
    errors: Vec<FieldError>,
    /// Submitted; the reply has not come yet.
    pub sending: bool,
    /// The server's refusal of the last submit, shown until the next one.
    pub refused: Option<String>,
    /// Earlier entries of a one-field form (the CLI console), oldest
    /// first, that ↑ and ↓ recall; and which one is shown.
    history: Vec<String>,
    recalled: Option<usize>,
    /// A field that Tab completes (the any-action form's name), and the
    /// words it completes from.
    completion: Option<(usize, Vec<String>)>,
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
        let untouched = form.values().iter().map(|v| !v.is_empty()).collect();
        FormView {
            focus: form.initial_focus(),
            form,
            inputs,
            untouched,
            errors: Vec::new(),
            sending: false,
            refused: None,
            history: Vec::new(),
            recalled: None,
            completion: None,
        }
    }

    /// Lets Tab complete field `field` from `words` (it moves on when
    /// there is nothing to add).
    pub fn with_completion(mut self, field: usize, words: Vec<String>) -> FormView {
        self.completion = Some((field, words));
        self
    }

    /// The words the focused field's text begins (case aside), if it
    /// completes.
    fn matches(&self) -> Vec<&str> {
        let Some((field, words)) = &self.completion else {
            return Vec::new();
        };
        let typed = self.value(*field).to_ascii_lowercase();
        if *field != self.focus || typed.is_empty() {
            return Vec::new();
        }
        (words.iter())
            .filter(|w| w.to_ascii_lowercase().starts_with(&typed))
            .map(String::as_str)
            .collect()
    }

    /// Tab in a completing field: extends its text to what every match
    /// shares; false when that adds nothing (Tab then moves on).
    fn complete(&mut self) -> bool {
        let matches = self.matches();
        let Some((first, rest)) = matches.split_first() else {
            return false;
        };
        let mut common = first.to_string();
        for word in rest {
            let shared = (common.chars().zip(word.chars()))
                .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
                .count();
            common = common.chars().take(shared).collect();
        }
        if common.chars().count() <= self.value(self.focus).chars().count() {
            return false;
        }
        if let Some(input) = self.inputs.get_mut(self.focus) {
            *input = Input::new(common);
        }
        true
    }

    /// Lets ↑ and ↓ recall `history` (oldest first) into a one-field form.
    pub fn with_history(mut self, history: Vec<String>) -> FormView {
        self.history = history;
        self
    }

    /// ↑ (`back`) or ↓ through the history; past the newest, an empty line.
    fn recall(&mut self, back: bool) {
        let last = self.history.len();
        let next = match (self.recalled, back) {
            (None, true) => last.checked_sub(1),
            (None, false) => None,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) => (i + 1 < last).then_some(i + 1),
        };
        self.recalled = next;
        let text = next.map_or_else(String::new, |i| self.history[i].clone());
        if let Some(input) = self.inputs.get_mut(self.focus) {
            *input = Input::new(text);
        }
        if let Some(untouched) = self.untouched.get_mut(self.focus) {
            *untouched = false;
        }
    }

    pub fn op(&self) -> Op {
        self.form.op()
    }

    /// The index of the field being edited.
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// The text of field `index` as typed so far.
    pub fn value(&self, index: usize) -> &str {
        self.inputs.get(index).map_or("", Input::value)
    }

    /// The field errors of the last submit.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The form's keys come from the keymap ([`Context::Form`]: Enter
    /// submits, Esc cancels, Tab / Shift-Tab or ↓ / ↑ move between fields,
    /// recalling history in the console); any other key edits the field.
    pub fn key(&mut self, key: &KeyEvent) -> Reaction {
        let count = self.inputs.len().max(1);
        let recalls = !self.history.is_empty() && count == 1;
        let arrow = matches!(key.code, KeyCode::Up | KeyCode::Down);
        match keymap::lookup(&[Context::Form], key) {
            Some(Command::Cancel) => return Reaction::Close,
            Some(Command::Submit) => return self.submit(),
            Some(Command::NextField | Command::PrevField) if recalls && arrow => {
                self.recall(key.code == KeyCode::Up);
            }
            Some(Command::NextField) if key.code == KeyCode::Tab && self.complete() => {}
            Some(Command::NextField) => self.focus = (self.focus + 1) % count,
            Some(Command::PrevField) => self.focus = (self.focus + count - 1) % count,
            _ => {
                let typing = matches!(key.code, KeyCode::Char(_))
                    && !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                if typing {
                    self.replace_untouched();
                }
                if let Some(untouched) = self.untouched.get_mut(self.focus) {
                    *untouched = false;
                }
                if let Some(input) = self.inputs.get_mut(self.focus) {
                    input.handle_event(&Event::Key(*key));
                }
            }
        }
        Reaction::Stay
    }

    /// A bracketed paste: its text goes into the focused field at the
    /// cursor, line breaks and all (the field check refuses those), and
    /// never submits the form.
    pub fn paste(&mut self, text: &str) {
        self.replace_untouched();
        if let Some(untouched) = self.untouched.get_mut(self.focus) {
            *untouched = false;
        }
        let Some(input) = self.inputs.get_mut(self.focus) else {
            return;
        };
        let cursor = input.cursor();
        let mut value: String = input.value().chars().take(cursor).collect();
        value.push_str(text);
        value.extend(input.value().chars().skip(cursor));
        let cursor = cursor + text.chars().count();
        *input = Input::new(value).with_cursor(cursor);
    }

    /// Empties the focused field if it still holds its opening text.
    fn replace_untouched(&mut self) {
        if self.untouched.get(self.focus) == Some(&true)
            && let Some(input) = self.inputs.get_mut(self.focus)
        {
            input.reset();
        }
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

    /// The popup: the fields (scrolled so the focused one shows when they
    /// do not all fit), then the focused field's help and the message,
    /// both wrapped to the popup's width.
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let fields = self.form.fields();
        let width = area.width.min(BOX_WIDTH.max(area.width * 3 / 4));
        let inner_width = usize::from(width.saturating_sub(2)).max(1);
        let help = fields.get(self.focus).map_or("", |f| f.help);
        let mut tail = vec![Line::raw("")];
        tail.extend(
            text::wrap(help, inner_width)
                .into_iter()
                .map(|line| Line::styled(line, theme.dim())),
        );
        let matches = self.matches();
        if !matches.is_empty() {
            let shown = matches
                .iter()
                .take(12)
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            let more = matches.len().saturating_sub(12);
            let line = match more {
                0 => format!("matches: {shown}"),
                n => format!("matches: {shown} and {n} more"),
            };
            tail.extend(text::wrap(&line, inner_width).into_iter().map(Line::raw));
        }
        if let Some((message, tone)) = self.message() {
            tail.extend(
                text::wrap(&message, inner_width)
                    .into_iter()
                    .map(|line| Line::styled(line, theme.tone(tone))),
            );
        }
        let wanted = fields.len() + tail.len() + 2;
        let popup = centered(area, width, wanted.min(usize::from(u16::MAX)) as u16);
        let room = usize::from(popup.height.saturating_sub(2));
        // Fields come first; the help and message take what is left, but
        // at least a few fields stay in sight.
        let least = fields.len().min(3).min(room);
        let field_rows = fields.len().min(room.saturating_sub(tail.len()).max(least));
        let first = self
            .focus
            .saturating_sub(field_rows.saturating_sub(1))
            .min(fields.len().saturating_sub(field_rows));

        let (lines, cursor) = self.field_lines(popup, inner_width, first, field_rows, theme);
        let mut lines = lines;
        lines.extend(tail.into_iter().take(room - field_rows));

        let mut title = format!(" {} ", self.op().title());
        if field_rows < fields.len() {
            title = format!(
                " {}: field {} of {} ",
                self.op().title(),
                self.focus + 1,
                fields.len()
            );
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focused_border())
            .title(title);
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
        if let Some(position) = cursor {
            frame.set_cursor_position(position);
        }
    }

    /// Rows `first..first + rows` of the fields, and where the cursor goes.
    fn field_lines(
        &self,
        popup: Rect,
        inner_width: usize,
        first: usize,
        rows: usize,
        theme: Theme,
    ) -> (Vec<Line<'static>>, Option<Position>) {
        let fields = self.form.fields();
        let label_width = fields.iter().map(|f| f.label.len()).max().unwrap_or(0) + 2;
        let value_width = inner_width.saturating_sub(label_width + 2).max(1);
        let mut lines = Vec::new();
        let mut cursor = None;
        for (row, index) in (first..first + rows).enumerate() {
            let (spec, input) = (&fields[index], &self.inputs[index]);
            let focused = index == self.focus;
            let marker = if self.errors.iter().any(|e| e.field == index) {
                Span::styled("!", theme.tone(Tone::Bad))
            } else {
                Span::raw(if focused { "›" } else { " " })
            };
            // Line breaks show as ⏎: visible, one cell, and refused on submit.
            let shown: Vec<char> = input
                .value()
                .chars()
                .map(|c| if matches!(c, '\r' | '\n') { '⏎' } else { c })
                .collect();
            let before: String = shown.iter().take(input.cursor()).collect();
            let column = text::width(&before);
            let skip = column.saturating_sub(value_width.saturating_sub(1));
            let visible: String = shown.iter().collect::<String>();
            let visible = text::truncate(&skip_cells(&visible, skip), value_width).into_owned();
            let label_style = if focused { theme.key() } else { theme.dim() };
            let value_style = if self.untouched[index] {
                theme.dim()
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                marker,
                Span::styled(text::fit(spec.label, label_width), label_style),
                Span::raw(" "),
                Span::styled(visible, value_style),
            ]));
            if focused {
                let x = label_width + 2 + (column - skip).min(value_width);
                cursor = Some(Position::new(
                    popup.x + 1 + x as u16,
                    popup.y + 1 + row as u16,
                ));
            }
        }
        (lines, cursor)
    }

    /// The focused field's error (else the first), the server's refusal,
    /// or "sending…".
    fn message(&self) -> Option<(String, Tone)> {
        let error = self
            .errors
            .iter()
            .find(|e| e.field == self.focus)
            .or(self.errors.first());
        if let Some(error) = error {
            let label = self.form.fields()[error.field].label;
            return Some((format!("✘ {label}: {}", error.message), Tone::Bad));
        }
        if let Some(refused) = &self.refused {
            return Some((format!("✘ {refused}"), Tone::Bad));
        }
        self.sending.then(|| ("sending…".to_owned(), Tone::Alert))
    }
}

/// `text` without its first `cells` display cells.
fn skip_cells(text: &str, cells: usize) -> String {
    let mut skipped = 0;
    text.chars()
        .skip_while(|c| {
            if skipped >= cells {
                return false;
            }
            skipped += text::width(c.encode_utf8(&mut [0; 4]));
            true
        })
        .collect()
}

/// Lines of output (a CLI command, rules, queue summaries), scrollable.
#[derive(Debug, PartialEq, Eq)]
pub struct Output {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
    /// Drawn with no side borders, so the text selected with the mouse
    /// (Shift-drag: the dashboard holds the mouse) is the lines alone.
    pub copyable: bool,
}

impl Output {
    /// Its keys come from the keymap ([`Context::Output`]).
    fn key(&mut self, key: &KeyEvent) -> Reaction {
        let last = self.lines.len().saturating_sub(1);
        match keymap::lookup(&[Context::Output], key) {
            Some(Command::Cancel) => return Reaction::Close,
            Some(Command::Down) => self.scroll = (self.scroll + 1).min(last),
            Some(Command::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(Command::PageDown) => self.scroll = (self.scroll + 10).min(last),
            Some(Command::PageUp) => self.scroll = self.scroll.saturating_sub(10),
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
        let (hint, borders) = if self.copyable {
            (
                "Esc closes · ↑↓ scroll · Shift-drag selects text to copy",
                Borders::TOP | Borders::BOTTOM,
            )
        } else {
            ("Esc closes · ↑↓ scroll", Borders::ALL)
        };
        lines.push(Line::styled(hint, theme.dim()));
        let block = Block::default()
            .borders(borders)
            .border_style(theme.focused_border())
            .title(format!(" {} ", self.title));
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
    }
}

/// Options to pick one of (a leg of the call, or all of them), each a
/// request that may still ask for confirmation.
#[derive(Debug, PartialEq, Eq)]
pub struct ChoiceView {
    choice: Choice,
    selected: usize,
}

impl ChoiceView {
    pub fn new(choice: Choice) -> ChoiceView {
        ChoiceView {
            choice,
            selected: 0,
        }
    }

    /// Its keys come from the keymap ([`Context::Choose`]: ↑↓ or k j
    /// move, Enter picks, Esc cancels); a digit picks its option.
    fn key(&mut self, key: &KeyEvent) -> Reaction {
        let count = self.choice.options.len();
        let pick = |index: usize| match self.choice.options.get(index) {
            Some((_, request)) => Reaction::Send(request.clone()),
            None => Reaction::Stay,
        };
        match keymap::lookup(&[Context::Choose], key) {
            Some(Command::Cancel) => return Reaction::Close,
            Some(Command::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Command::Down) => {
                self.selected = (self.selected + 1).min(count.saturating_sub(1));
            }
            Some(Command::Submit) => return pick(self.selected),
            _ => {
                if let KeyCode::Char(digit @ '1'..='9') = key.code {
                    return pick(digit as usize - '1' as usize);
                }
            }
        }
        Reaction::Stay
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let mut lines: Vec<Line> = (self.choice.options.iter().enumerate())
            .map(|(index, (label, _))| {
                let text = format!(" {} {label} ", index + 1);
                if index == self.selected {
                    Line::styled(format!("›{text}"), theme.key())
                } else {
                    Line::raw(format!(" {text}"))
                }
            })
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "↑↓ choose · Enter or its number: pick · Esc: cancel",
            theme.dim(),
        ));
        let widest = lines.iter().map(Line::width).max().unwrap_or(0);
        let width = (widest as u16 + 2).clamp(40, BOX_WIDTH);
        let popup = centered(area, width, lines.len() as u16 + 2);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focused_border())
            .title(format!(" {}: which? ", self.choice.op.title()));
        frame.render_widget(Clear, popup);
        frame.render_widget(Paragraph::new(lines).block(block), popup);
    }
}

/// What the operator has open over the dashboard.
#[derive(Debug)]
pub enum Overlay {
    Form(FormView),
    /// One of several requests to pick.
    Choose(ChoiceView),
    /// A destructive request waiting for yes or no.
    Confirm(Request),
    Output(Output),
}

impl Overlay {
    /// Where this overlay's keys are in the keymap.
    fn context(&self) -> Context {
        match self {
            Overlay::Form(_) => Context::Form,
            Overlay::Choose(_) => Context::Choose,
            Overlay::Confirm(_) => Context::Confirm,
            Overlay::Output(_) => Context::Output,
        }
    }

    /// The keys that work in this overlay, for the footer.
    pub fn keys(&self) -> Vec<(String, &'static str)> {
        keymap::footer(&[self.context()], false)
    }

    /// A bracketed paste: text for a form's field; other overlays ignore it.
    pub fn paste(&mut self, text: &str) {
        if let Overlay::Form(form) = self {
            form.paste(text);
        }
    }

    /// Feeds one key press (releases are ignored).
    pub fn key(&mut self, key: &KeyEvent) -> Reaction {
        if key.kind == KeyEventKind::Release {
            return Reaction::Stay;
        }
        match self {
            Overlay::Form(form) => form.key(key),
            Overlay::Choose(choice) => choice.key(key),
            Overlay::Output(output) => output.key(key),
            Overlay::Confirm(request) => match keymap::lookup(&[Context::Confirm], key) {
                Some(Command::Submit) => Reaction::Send(request.clone()),
                Some(Command::Cancel) => Reaction::Close,
                _ => Reaction::Stay,
            },
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        match self {
            Overlay::Form(form) => form.draw(frame, area, theme),
            Overlay::Choose(choice) => choice.draw(frame, area, theme),
            Overlay::Output(output) => output.draw(frame, area, theme),
            Overlay::Confirm(request) => {
                let question = request.confirmation().unwrap_or("Send?");
                let width = (text::width(question) as u16 + 4).clamp(40, BOX_WIDTH);
                // A long question (a recording's file name) wraps.
                let mut lines: Vec<Line> = text::wrap(question, usize::from(width - 4))
                    .into_iter()
                    .map(Line::raw)
                    .collect();
                lines.push(Line::raw(""));
                lines.push(Line::styled("y / Enter: yes · n / Esc: no", theme.dim()));
                let popup = centered(area, width, lines.len() as u16 + 2);
                let block = Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.tone(Tone::Bad))
                    .title(format!(" {} ", request.op.title()));
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
    /// Read-only mode: the footer leaves out the actions it refuses.
    pub read_only: bool,
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

    #[test]
    fn the_console_recalls_its_history_with_up_and_down() {
        let Ok(Start::Form(form)) = start(Op::Console, &Selection::default(), false) else {
            panic!("Console has a form");
        };
        let mut view = FormView::new(form)
            .with_history(vec!["core show uptime".into(), "sip show peers".into()]);
        press(&mut view, KeyCode::Up);
        assert_eq!(view.value(0), "sip show peers");
        press(&mut view, KeyCode::Up);
        press(&mut view, KeyCode::Up);
        assert_eq!(view.value(0), "core show uptime");
        press(&mut view, KeyCode::Down);
        assert_eq!(view.value(0), "sip show peers");
        press(&mut view, KeyCode::Down);
        assert_eq!(view.value(0), "");
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
    fn tab_completes_the_action_name_then_moves_on() {
        let Ok(Start::Form(form)) = start(Op::AnyAction, &Selection::default(), false) else {
            panic!("AnyAction has a form");
        };
        let words = ["JabberSend", "JabberSendGroup", "CoreStatus"].map(String::from);
        let mut view = FormView::new(form).with_completion(0, words.to_vec());
        type_text(&mut view, "jab");
        assert_eq!(view.matches(), ["JabberSend", "JabberSendGroup"]);
        press(&mut view, KeyCode::Tab);
        assert_eq!((view.value(0), view.focus()), ("JabberSend", 0));
        // Nothing more is shared: Tab goes to the first header line.
        press(&mut view, KeyCode::Tab);
        assert_eq!(view.focus(), 1);
        type_text(&mut view, "Jabber: asterisk");
        let Reaction::Send(request) = press(&mut view, KeyCode::Enter) else {
            panic!("a valid form submits");
        };
        assert_eq!(request.action.name(), "JabberSend");
        assert_eq!(request.action.get("Jabber"), Some("asterisk"));
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
        assert_eq!(confirm.key(&key('N')), Reaction::Close);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(confirm.key(&ctrl_c), Reaction::Close);
        assert_eq!(confirm.key(&key('Y')), Reaction::Send(request.clone()));
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(confirm.key(&enter), Reaction::Send(request.clone()));
        assert_eq!(confirm.key(&key('y')), Reaction::Send(request));
    }

    #[test]
    fn a_choice_picks_by_arrow_and_enter_or_by_number() {
        let request = |channel: &str| {
            let selection = Selection {
                channel: Some(channel.into()),
                ..Selection::default()
            };
            match start(Op::Hangup, &selection, false) {
                Ok(Start::Ready(request)) => request,
                other => panic!("{other:?}"),
            }
        };
        let options = ["PJSIP/1-1", "PJSIP/2-2"].map(|c| (c.to_owned(), request(c)));
        let mut choice = Overlay::Choose(ChoiceView::new(Choice {
            op: Op::Hangup,
            options: options.to_vec(),
        }));
        let press =
            |choice: &mut Overlay, code| choice.key(&KeyEvent::new(code, KeyModifiers::NONE));
        assert_eq!(press(&mut choice, KeyCode::Char('9')), Reaction::Stay);
        let second = Reaction::Send(options[1].1.clone());
        assert_eq!(press(&mut choice, KeyCode::Char('2')), second);
        press(&mut choice, KeyCode::Char('j'));
        assert_eq!(press(&mut choice, KeyCode::Enter), second);
        press(&mut choice, KeyCode::Up);
        let first = Reaction::Send(options[0].1.clone());
        assert_eq!(press(&mut choice, KeyCode::Enter), first);
        assert_eq!(press(&mut choice, KeyCode::Esc), Reaction::Close);
    }

    #[test]
    fn output_scrolls_within_its_lines() {
        let mut output = Overlay::Output(Output {
            title: "t".into(),
            lines: vec!["a".into(), "b".into()],
            scroll: 0,
            copyable: false,
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
