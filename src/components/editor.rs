//! The YAML editor: a plain textarea (so typing, selection and IME stay native) over a
//! coloured copy of the text with line numbers, error marks and the selected object's
//! document highlighted. Both layers share one scroll container and one monospace grid.

use kubeloop::manifest::highlight::highlight_line;
use kubeloop::manifest::ManifestError;
use kubeloop::session::SourceSpan;
use std::collections::BTreeMap;
use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::state::Shared;

/// Line height in px; must match `.code` in style.css.
const LINE_PX: f64 = 20.0;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: std::rc::Rc<str>,
    pub errors: Shared<Vec<ManifestError>>,
    pub highlight: Option<SourceSpan>,
    pub pending: bool,
    pub on_edit: Callback<String>,
    pub on_apply: Callback<()>,
    pub on_undo: Callback<()>,
    pub on_redo: Callback<()>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let scroller = use_node_ref();
    // After Escape, Tab moves focus out instead of indenting (no keyboard trap).
    let tab_leaves = use_mut_ref(|| false);

    {
        // Bring the selected object's document into view.
        let scroller = scroller.clone();
        use_effect_with(props.highlight.as_ref().map(|s| s.first_line), move |first| {
            if let (Some(first), Some(el)) = (first, scroller.cast::<HtmlElement>()) {
                let top = (*first as f64 - 2.0).max(0.0) * LINE_PX;
                let visible = f64::from(el.scroll_top())..f64::from(el.scroll_top() + el.client_height()) - LINE_PX;
                if !visible.contains(&top) {
                    el.set_scroll_top(top as i32);
                }
            }
        });
    }

    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(ta.value());
        })
    };

    let onkeydown = {
        let (on_edit, on_apply, on_undo, on_redo) =
            (props.on_edit.clone(), props.on_apply.clone(), props.on_undo.clone(), props.on_redo.clone());
        let tab_leaves = tab_leaves.clone();
        Callback::from(move |e: KeyboardEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            let modifier = e.ctrl_key() || e.meta_key();
            let key = e.key();
            if key == "Escape" {
                *tab_leaves.borrow_mut() = true;
                return;
            }
            if key == "Tab" && !modifier && !e.alt_key() {
                if std::mem::take(&mut *tab_leaves.borrow_mut()) {
                    return;
                }
                e.prevent_default();
                if !e.shift_key() {
                    let (start, end) = (ta.selection_start(), ta.selection_end());
                    if let (Ok(Some(start)), Ok(Some(end))) = (start, end) {
                        let _ = ta.set_range_text_with_start_and_end_and_mode("  ", start, end, "end");
                        on_edit.emit(ta.value());
                    }
                }
                return;
            }
            *tab_leaves.borrow_mut() = false;
            match (modifier, key.as_str()) {
                (true, "Enter") => {
                    e.prevent_default();
                    on_apply.emit(());
                }
                (true, "z" | "Z") if !e.shift_key() => {
                    e.prevent_default();
                    on_undo.emit(());
                }
                (true, "z" | "Z" | "y" | "Y") => {
                    e.prevent_default();
                    on_redo.emit(());
                }
                _ => {}
            }
        })
    };

    let lines: Vec<&str> = props.text.split('\n').collect();
    let mut by_line: BTreeMap<usize, Vec<&ManifestError>> = BTreeMap::new();
    for e in props.errors.iter() {
        by_line.entry(e.line.max(1)).or_default().push(e);
    }
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let in_span = |n: usize| props.highlight.as_ref().is_some_and(|s| (s.first_line..=s.last_line).contains(&n));

    let gutter = lines.iter().enumerate().map(|(i, _)| {
        let n = i + 1;
        let class = classes!("ln", by_line.contains_key(&n).then_some("err"), in_span(n).then_some("sel"));
        html! { <div class={class}>{n}</div> }
    });
    let code = lines.iter().enumerate().map(|(i, line)| {
        let n = i + 1;
        let class = classes!("cl", by_line.contains_key(&n).then_some("err"), in_span(n).then_some("sel"));
        let pieces = highlight_line(line).into_iter().map(|(tok, s)| html! { <span class={tok.class()}>{s}</span> });
        html! { <div class={class}>{for pieces}{"\u{200b}"}</div> }
    });
    // Each error's message sits right after its line's text, on the same line.
    let marks = by_line.iter().map(|(line, errs)| {
        let col = lines.get(line - 1).map_or(0, |l| l.chars().count()) + 3;
        let style = format!("top:{}px;left:calc({col}ch + 8px)", (*line as f64 - 1.0) * LINE_PX + 8.0);
        let text = errs.iter().map(|e| describe(e)).collect::<Vec<_>>().join("  ·  ");
        html! { <div class="err-mark" style={style} role="note" data-line={line.to_string()}>{text}</div> }
    });
    let rows = lines.len();
    let area_style =
        format!("height:{}px;width:max(100%, calc({}ch + 24px))", rows as f64 * LINE_PX + 16.0, longest + 2);

    let status = if props.errors.is_empty() {
        if props.pending {
            html! { <span class="status pending">{"applying when you pause… (Ctrl+Enter applies now)"}</span> }
        } else {
            html! { <span class="status ok">{"✓ valid and applied"}</span> }
        }
    } else {
        let n = props.errors.len();
        html! { <span class="status bad">{format!("{n} error{} — the cluster keeps the last good state", if n == 1 { "" } else { "s" })}</span> }
    };

    html! {
        <section class="editor" aria-label="Manifest editor">
            <div class="code" ref={scroller}>
                <div class="gutter" aria-hidden="true">{for gutter}</div>
                <div class="layers">
                    <pre class="highlight" aria-hidden="true">{for code}</pre>
                    {for marks}
                    <textarea
                        ref={textarea}
                        class="input"
                        style={area_style}
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        wrap="off"
                        aria-label="Kubernetes manifests (YAML). Tab indents; Escape then Tab leaves; Ctrl+Enter applies."
                        aria-invalid={(!props.errors.is_empty()).to_string()}
                        value={props.text.to_string()}
                        {oninput}
                        {onkeydown}
                    />
                </div>
            </div>
            <div class="editor-foot">
                {status}
                <ul class="errors" aria-live="polite">
                    {for props.errors.iter().map(|e| html! { <li>{format!("document {}, line {}, column {}: ", e.doc, e.line, e.column)}{describe(e)}</li> })}
                </ul>
            </div>
        </section>
    }
}

/// The message with its field path, as the API server words it.
fn describe(e: &ManifestError) -> String {
    if e.path.is_empty() || e.message.contains(&e.path) {
        e.message.clone()
    } else {
        format!("{}: {}", e.path, e.message)
    }
}
