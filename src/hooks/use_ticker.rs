//! Ticks from gloo-timers, each carrying the real milliseconds since the last; the
//! reducer turns them into virtual time (× speed) while playing. The engine never sees
//! a wall clock.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::state::page_now;

/// How often the page advances the simulation while playing.
pub const TICK_MS: u32 = 50;

#[hook]
pub fn use_ticker(on_tick: Callback<f64>) {
    use_effect_with(on_tick, move |on_tick| {
        let on_tick = on_tick.clone();
        let mut last = page_now();
        let interval = Interval::new(TICK_MS, move || {
            let now = page_now();
            on_tick.emit(now - last);
            last = now;
        });
        move || drop(interval)
    });
}
