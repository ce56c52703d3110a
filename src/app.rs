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
    let on_tick = {
        let dispatch = state.dispatcher();
        use_callback((), move |ms: f64, _| dispatch.dispatch(Action::Tick(ms)))
    };
    // Ticks run while paused too (they then only finish fades).
    use_ticker(on_tick);

    // Callbacks are created once (the dispatcher never changes), so children whose data
    // did not change are not re-rendered: the graph is costly to diff at 1,000 pods.
    let dispatch = state.dispatcher();
    let schedule_apply = {
        let (dispatch, pending_apply) = (dispatch.clone(), pending_apply.clone());
        use_callback((), move |(), _| {
            let dispatch = dispatch.clone();
            // Replacing the timeout cancels the previous one: only a pause applies.
            *pending_apply.borrow_mut() = Some(Timeout::new(APPLY_PAUSE_MS, move || dispatch.dispatch(Action::Apply)));
        })
    };
    let on_edit = {
        let (dispatch, schedule_apply) = (dispatch.clone(), schedule_apply.clone());
        use_callback((), move |text: String, _| {
            dispatch.dispatch(Action::Edit(text));
            schedule_apply.emit(());
        })
    };
    let apply_now = {
        let (dispatch, pending_apply) = (dispatch.clone(), pending_apply.clone());
        use_callback((), move |(), _| {
            pending_apply.borrow_mut().take();
            dispatch.dispatch(Action::Apply);
        })
    };
    let on_undo = {
        let (dispatch, schedule_apply) = (dispatch.clone(), schedule_apply.clone());
        use_callback((), move |(), _| {
            dispatch.dispatch(Action::Undo);
            schedule_apply.emit(());
        })
    };
    let on_redo = {
        let (dispatch, schedule_apply) = (dispatch.clone(), schedule_apply.clone());
        use_callback((), move |(), _| {
            dispatch.dispatch(Action::Redo);
            schedule_apply.emit(());
        })
    };
    let send = |action: fn() -> Action| {
        let dispatch = dispatch.clone();
        move |(), _: &()| dispatch.dispatch(action())
    };
    let on_play = use_callback((), send(|| Action::TogglePlay));
    let on_step = use_callback((), send(|| Action::Step));
    let on_reset = use_callback((), send(|| Action::Reset));
    let on_close = use_callback((), send(|| Action::Select(None)));
    let with = |action: fn(String) -> Action| {
        let dispatch = dispatch.clone();
        move |value: String, _: &()| dispatch.dispatch(action(value))
    };
    let on_example = use_callback((), with(Action::LoadExample));
    let on_select = {
        let dispatch = dispatch.clone();
        use_callback((), move |id: Option<String>, _| dispatch.dispatch(Action::Select(id)))
    };
    let on_fold = {
        let dispatch = dispatch.clone();
        use_callback((), move |fold: bool, _| dispatch.dispatch(Action::SetFold(fold)))
    };
    let on_speed = {
        let dispatch = dispatch.clone();
        use_callback((), move |speed: u32, _| dispatch.dispatch(Action::SetSpeed(speed)))
    };
    let on_only_selected = {
        let dispatch = dispatch.clone();
        use_callback((), move |only: bool, _| dispatch.dispatch(Action::OnlySelectedEvents(only)))
    };

    html! {
        <div class="app">
            <Controls
                playing={state.playing}
                speed={state.speed}
                clock={state.clock.clone()}
                elapsed_ms={state.elapsed_ms}
                example={state.example.map(|e| e.title)}
                {on_play}
                {on_step}
                {on_speed}
                {on_reset}
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
                    {on_undo}
                    {on_redo}
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
