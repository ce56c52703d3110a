//! The app's reducer: the core Session plus what the page shows of it. Every user intent
//! is an [`Action`]; the session decides what happens, this only keeps the views
//! (graph, events, inspector) in step with it and remembers UI choices.

use kubeloop::examples::{by_id, Example};
use kubeloop::graph::Graph;
use kubeloop::manifest::ManifestError;
use kubeloop::session::{EventRow, Inspection, Session, SourceSpan};
use std::cell::RefCell;
use std::ops::Deref;
use std::rc::Rc;
use yew::Reducible;

/// Shared data compared by identity: props change only when a new value was built.
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Virtual-time speeds offered.
pub const SPEEDS: [u32; 3] = [1, 10, 60];

/// A tab in the background gets no ticks; do not catch up more than this at once.
const MAX_TICK_MS: f64 = 250.0;

/// Events the list shows.
const EVENT_ROWS: usize = 200;

/// Typing within this long joins one undo step.
const UNDO_GROUP_MS: f64 = 800.0;

pub enum Action {
    /// The user typed: new text.
    Edit(String),
    /// Typing paused, or Ctrl+Enter.
    Apply,
    Undo,
    Redo,
    /// Real milliseconds passed since the last tick.
    Tick(f64),
    TogglePlay,
    Step,
    SetSpeed(u32),
    Reset,
    Select(Option<String>),
    SetFold(bool),
    LoadExample(String),
    OnlySelectedEvents(bool),
}

/// Undo history of the editor text.
#[derive(Clone, Debug, Default)]
pub struct History {
    entries: Vec<String>,
    index: usize,
    last_push: f64,
}

impl History {
    fn new(text: &str) -> Self {
        History { entries: vec![text.to_string()], index: 0, last_push: f64::NEG_INFINITY }
    }

    /// Records `text`; typing in quick succession amends the newest step.
    fn record(&mut self, text: &str, now: f64, group: bool) {
        if self.entries.get(self.index).is_some_and(|t| t == text) {
            return;
        }
        self.entries.truncate(self.index + 1);
        if group && now - self.last_push < UNDO_GROUP_MS && self.index > 0 {
            self.entries[self.index] = text.to_string();
        } else {
            self.entries.push(text.to_string());
            self.index += 1;
        }
        // Only typing joins typing: a step's text (an example's, say) stays its own.
        self.last_push = if group { now } else { f64::NEG_INFINITY };
    }

    fn undo(&mut self) -> Option<&str> {
        self.index = self.index.checked_sub(1)?;
        self.last_push = f64::NEG_INFINITY;
        self.entries.get(self.index).map(String::as_str)
    }

    fn redo(&mut self) -> Option<&str> {
        if self.index + 1 >= self.entries.len() {
            return None;
        }
        self.index += 1;
        self.last_push = f64::NEG_INFINITY;
        self.entries.get(self.index).map(String::as_str)
    }
}

#[derive(Clone)]
pub struct State {
    session: Rc<RefCell<Session>>,
    history: Rc<RefCell<History>>,
    pub text: Rc<str>,
    pub errors: Shared<Vec<ManifestError>>,
    pub needs_apply: bool,
    pub apply_output: Rc<str>,
    pub graph: Shared<Graph>,
    pub events: Shared<Vec<EventRow>>,
    pub only_selected_events: bool,
    pub selected: Option<String>,
    pub inspection: Option<Shared<Inspection>>,
    pub selected_span: Option<SourceSpan>,
    pub playing: bool,
    pub speed: u32,
    pub clock: Rc<str>,
    pub elapsed_ms: i64,
    pub fold_history: bool,
    /// The example whose later steps are still to come.
    pub example: Option<&'static Example>,
    pub halted: Option<Rc<str>>,
    /// Bumped on every change, so the page re-renders.
    pub version: u64,
    graph_revision: Option<u64>,
    /// The virtual second the events and inspector were last built at.
    lists_second: Option<i64>,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// The page's monotonic clock (for fades and undo grouping).
pub fn page_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

impl State {
    /// The page's opening state: the saved text if there is one, else the default example.
    pub fn new(saved: Option<String>) -> Self {
        let example = kubeloop::examples::default_example();
        let session = match saved.filter(|t| !t.trim().is_empty()) {
            Some(text) => Session::new(&text, 1),
            None => {
                let mut s = Session::new("", 1);
                s.load_example(example);
                s
            }
        };
        let text: Rc<str> = session.text().into();
        let mut state = State {
            history: Rc::new(RefCell::new(History::new(&text))),
            session: Rc::new(RefCell::new(session)),
            text,
            errors: Shared::new(Vec::new()),
            needs_apply: false,
            apply_output: "".into(),
            graph: Shared::new(Graph::default()),
            events: Shared::new(Vec::new()),
            only_selected_events: false,
            selected: None,
            inspection: None,
            selected_span: None,
            playing: true,
            speed: 1,
            clock: "".into(),
            elapsed_ms: 0,
            fold_history: true,
            example: None,
            halted: None,
            version: 0,
            graph_revision: None,
            lists_second: None,
        };
        state.refresh(true);
        state
    }

    /// Brings every view up to date with the session.
    fn refresh(&mut self, text_changed: bool) {
        let now = page_now();
        let mut s = self.session.borrow_mut();
        if text_changed {
            self.text = s.text().into();
            self.errors = Shared::new(s.errors());
        }
        self.needs_apply = s.needs_apply();
        self.apply_output = s.apply_output().into();
        s.set_fold_history(self.fold_history);
        let fade_done = s.graph_expiry().is_some_and(|t| t <= now);
        let rebuilt = self.graph_revision != Some(s.revision()) || fade_done;
        if rebuilt {
            self.graph = Shared::new(s.graph(now));
            self.graph_revision = Some(s.revision());
            if self.selected.as_ref().is_some_and(|id| !self.graph.nodes.iter().any(|n| &n.id == id && !n.leaving)) {
                self.selected = None;
            }
        }
        // Lists show ages ("3s", "2m"): they follow the virtual clock's seconds too.
        let second = s.now_ms() / 1000;
        if rebuilt || self.lists_second != Some(second) {
            self.lists_second = Some(second);
            let about = self.selected.as_deref().filter(|_| self.only_selected_events);
            self.events = Shared::new(s.events(about, EVENT_ROWS));
            self.inspection = self.selected.as_deref().and_then(|id| s.inspect(id)).map(Shared::new);
        }
        self.selected_span = self.selected.as_deref().and_then(|id| s.source_of(id));
        self.clock = s.clock().into();
        self.elapsed_ms = s.now_ms();
        self.example = s.example().filter(|_| s.steps_left() > 0);
        self.halted = s.halted().map(Into::into);
        self.version += 1;
    }

    /// Forces the graph and lists to be rebuilt on the next refresh.
    fn invalidate(&mut self) {
        self.graph_revision = None;
        self.lists_second = None;
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let mut text_changed = false;
        match action {
            Action::Edit(text) => {
                next.history.borrow_mut().record(&text, page_now(), true);
                next.session.borrow_mut().edit(&text);
                text_changed = true;
            }
            Action::Apply => {
                if next.session.borrow_mut().apply() {
                    text_changed = true;
                }
            }
            Action::Undo | Action::Redo => {
                let text = {
                    let mut h = next.history.borrow_mut();
                    let t = if matches!(action, Action::Undo) { h.undo() } else { h.redo() };
                    t.map(str::to_string)
                };
                if let Some(text) = text {
                    next.session.borrow_mut().edit(&text);
                    text_changed = true;
                }
            }
            Action::Tick(real_ms) => {
                if !next.playing {
                    // Paused: only let finished fades go.
                    if !next.session.borrow().graph_expiry().is_some_and(|t| t <= page_now()) {
                        return self;
                    }
                    next.refresh(false);
                    return Rc::new(next);
                }
                let virtual_ms = (real_ms.clamp(0.0, MAX_TICK_MS) * f64::from(next.speed)).round() as i64;
                next.session.borrow_mut().advance(virtual_ms);
                // An example's step may have replaced the text.
                text_changed = *next.session.borrow().text() != *next.text;
            }
            Action::TogglePlay => next.playing = !next.playing,
            Action::Step => {
                next.playing = false;
                next.session.borrow_mut().step();
                text_changed = true;
            }
            Action::SetSpeed(speed) => next.speed = speed,
            Action::Reset => {
                next.session.borrow_mut().reset();
                next.selected = None;
                text_changed = true;
                next.invalidate();
            }
            Action::Select(id) => {
                next.selected = id;
                next.invalidate();
            }
            Action::SetFold(fold) => {
                next.fold_history = fold;
                next.invalidate();
            }
            Action::LoadExample(id) => {
                if let Some(example) = by_id(&id) {
                    next.session.borrow_mut().load_example(example);
                    next.selected = None;
                    next.playing = true;
                    text_changed = true;
                    next.invalidate();
                }
            }
            Action::OnlySelectedEvents(only) => {
                next.only_selected_events = only;
                next.invalidate();
            }
        }
        if text_changed {
            let text = next.session.borrow().text().to_string();
            if *text != *next.text {
                next.history.borrow_mut().record(&text, page_now(), false);
            }
        }
        next.refresh(text_changed);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::History;

    #[test]
    fn typing_groups_into_undo_steps() {
        let mut h = History::new("a");
        h.record("ab", 0.0, true);
        h.record("abc", 100.0, true);
        h.record("abcd", 5000.0, true);
        assert_eq!(h.undo(), Some("abc"));
        assert_eq!(h.undo(), Some("a"));
        assert_eq!(h.undo(), None);
        assert_eq!(h.redo(), Some("abc"));
        h.record("x", 6000.0, true);
        assert_eq!(h.redo(), None, "a new edit drops the redo steps");
    }

    #[test]
    fn a_step_is_never_joined_by_typing() {
        let mut h = History::new("a");
        h.record("b", 0.0, false);
        h.record("bc", 100.0, true);
        assert_eq!(h.undo(), Some("b"), "the example's step survives the typing after it");
    }
}
