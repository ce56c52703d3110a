//! The header bar: examples, time (play/pause, step, speed, reset) and the virtual clock.

use kubeloop::examples::EXAMPLES;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::SPEEDS;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: u32,
    pub clock: std::rc::Rc<str>,
    pub elapsed_ms: i64,
    /// Title of the example playing.
    pub example: Option<&'static str>,
    pub on_play: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<u32>,
    pub on_reset: Callback<()>,
    pub on_example: Callback<String>,
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let on_example = {
        let cb = props.on_example.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let id = select.value();
            if !id.is_empty() {
                cb.emit(id);
            }
            select.set_value("");
        })
    };
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let speeds = SPEEDS.iter().map(|s| {
        let on_speed = props.on_speed.clone();
        let s = *s;
        let pressed = props.speed == s;
        html! {
            <button type="button" class={classes!("speed", pressed.then_some("on"))} aria-pressed={pressed.to_string()}
                onclick={Callback::from(move |_: MouseEvent| on_speed.emit(s))}>{format!("{s}×")}</button>
        }
    });
    let secs = props.elapsed_ms / 1000;
    let elapsed = format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    html! {
        <header class="bar">
            <h1 class="brand">{"kubeloop"}</h1>
            <label class="examples">
                <span class="sr-only">{"Examples"}</span>
                <select onchange={on_example} aria-label="Load an example">
                    <option value="" selected=true>{"Examples…"}</option>
                    {for EXAMPLES.iter().map(|e| html! { <option value={e.id}>{e.title}</option> })}
                </select>
            </label>
            if let Some(title) = props.example {
                <span class="playing-example" title="An example is playing; editing the text takes over">{format!("▶ {title}")}</span>
            }
            <div class="time" role="group" aria-label="Virtual time">
                <button type="button" class="play" onclick={click(&props.on_play)} aria-label={if props.playing { "Pause" } else { "Play" }}>
                    {if props.playing { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                <button type="button" onclick={click(&props.on_step)} title="Run to the next timed event">{"Step"}</button>
                {for speeds}
                <button type="button" onclick={click(&props.on_reset)} title="A new cluster at time zero with this text">{"Reset"}</button>
                <span class="clock" aria-label="Virtual clock" title={props.clock.to_string()}>
                    <span class="elapsed">{elapsed}</span>
                    <span class="wall">{props.clock.to_string()}</span>
                </span>
            </div>
        </header>
    }
}
