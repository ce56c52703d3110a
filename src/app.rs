//! The page: controls on top, the editor beside the graph, events and inspector below.
//! Owns the one reducer; wires typing pauses to apply and ticks to time.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::components::{controls::Controls, editor::Editor, events::Events, graph::GraphView, inspector::Inspector};
use crate::hooks::use_local_storage::{load, use_local_storage, TEXT_KEY};
use crate::hooks::use_ticker::use_ticker;
use crate::state::{Action, State};

/// Typing must pause this long before the text is applied, so a half-typed image tag
/// does not start a rollout of its own.
pub const APPLY_PAUSE_MS: u32 = 500;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::new(load(TEXT_KEY)));
    let pending_apply = use_mut_ref(|| None::<Timeout>);

    use_local_storage(TEXT_KEY, state.text.clone());
    use_ticker(state.playing, {
        let dispatch = state.dispatcher();
        Callback::from(move |ms: f64| dispatch.dispatch(Action::Tick(ms)))
    });

    let on_edit = {
        let (dispatch, pending_apply) = (state.dispatcher(), pending_apply.clone());
        Callback::from(move |text: String| {
            dispatch.dispatch(Action::Edit(text));
            let dispatch = dispatch.clone();
            // Replacing the timeout cancels the previous one: only a pause applies.
            *pending_apply.borrow_mut() = Some(Timeout::new(APPLY_PAUSE_MS, move || dispatch.dispatch(Action::Apply)));
        })
    };
    let apply_now = {
        let (dispatch, pending_apply) = (state.dispatcher(), pending_apply.clone());
        Callback::from(move |()| {
            pending_apply.borrow_mut().take();
            dispatch.dispatch(Action::Apply);
        })
    };
    let after_history = |action: fn() -> Action| {
        let (dispatch, pending_apply) = (state.dispatcher(), pending_apply.clone());
        Callback::from(move |()| {
            dispatch.dispatch(action());
            let dispatch = dispatch.clone();
            *pending_apply.borrow_mut() = Some(Timeout::new(APPLY_PAUSE_MS, move || dispatch.dispatch(Action::Apply)));
        })
    };
    let send = |f: fn() -> Action| {
        let dispatch = state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(f()))
    };
    let dispatch = state.dispatcher();
    let on_select = Callback::from(move |id: Option<String>| dispatch.dispatch(Action::Select(id)));
    let dispatch = state.dispatcher();
    let on_close = Callback::from(move |()| dispatch.dispatch(Action::Select(None)));
    let dispatch = state.dispatcher();
    let on_fold = Callback::from(move |fold: bool| dispatch.dispatch(Action::SetFold(fold)));
    let dispatch = state.dispatcher();
    let on_speed = Callback::from(move |s: u32| dispatch.dispatch(Action::SetSpeed(s)));
    let dispatch = state.dispatcher();
    let on_example = Callback::from(move |id: String| dispatch.dispatch(Action::LoadExample(id)));
    let dispatch = state.dispatcher();
    let on_only_selected = Callback::from(move |only: bool| dispatch.dispatch(Action::OnlySelectedEvents(only)));

    html! {
        <div class="app">
            <Controls
                playing={state.playing}
                speed={state.speed}
                clock={state.clock.clone()}
                elapsed_ms={state.elapsed_ms}
                example={state.example.map(|e| e.title)}
                on_play={send(|| Action::TogglePlay)}
                on_step={send(|| Action::Step)}
                {on_speed}
                on_reset={send(|| Action::Reset)}
                {on_example}
            />
            if let Some(halted) = &state.halted {
                <div class="halted" role="alert">{halted.to_string()}{" — press Reset to start over."}</div>
            }
            <main class="workspace">
                <Editor
                    text={state.text.clone()}
                    errors={state.errors.clone()}
                    highlight={state.selected_span.clone()}
                    pending={state.needs_apply}
                    {on_edit}
                    on_apply={apply_now}
                    on_undo={after_history(|| Action::Undo)}
                    on_redo={after_history(|| Action::Redo)}
                />
                <div class="side">
                    <GraphView
                        graph={state.graph.clone()}
                        selected={state.selected.clone()}
                        fold_history={state.fold_history}
                        {on_select}
                        {on_fold}
                    />
                    <div class={classes!("panels", state.selected.is_some().then_some("with-inspector"))}>
                        <Events
                            events={state.events.clone()}
                            only_selected={state.only_selected_events}
                            has_selection={state.selected.is_some()}
                            {on_only_selected}
                        />
                        if state.selected.is_some() {
                            <Inspector inspection={state.inspection.clone()} {on_close} />
                        }
                    </div>
                </div>
            </main>
            <footer class="foot">
                <pre class="apply-output" aria-label="Last apply" aria-live="polite">{state.apply_output.to_string()}</pre>
                <span class="note">{"Simulated: no containers run; pods move through their phases in virtual time. "}
                    <a href="https://kubernetes.io/docs/concepts/workloads/controllers/deployment/">{"Deployments"}</a></span>
            </footer>
        </div>
    }
}
