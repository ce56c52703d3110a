//! The events list, shaped like `kubectl get events`, newest first.

use kubeloop::session::EventRow;
use yew::prelude::*;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct EventsProps {
    pub events: Shared<Vec<EventRow>>,
    pub only_selected: bool,
    pub has_selection: bool,
    pub on_only_selected: Callback<bool>,
}

#[function_component(Events)]
pub fn events(props: &EventsProps) -> Html {
    let on_toggle = {
        let (cb, only) = (props.on_only_selected.clone(), props.only_selected);
        Callback::from(move |_: Event| cb.emit(!only))
    };
    let rows = props.events.iter().map(|e| {
        let class = classes!((e.type_ == "Warning").then_some("warning"));
        html! {
            <tr key={e.id.clone()} {class}>
                <td>{&e.last_seen}</td><td>{&e.type_}</td><td>{&e.reason}</td><td>{&e.object}</td><td class="msg">{&e.message}</td>
            </tr>
        }
    });
    html! {
        <section class="events" aria-label="Events">
            <div class="panel-head">
                <h2>{"Events"}</h2>
                if !props.has_selection {
                    <span class="hint">{"Click an object in the graph to inspect it."}</span>
                }
                <label class="toggle">
                    <input type="checkbox" checked={props.only_selected} disabled={!props.has_selection} onchange={on_toggle} />
                    {"only the selected object"}
                </label>
            </div>
            <div class="table-wrap">
                <table>
                    <thead><tr><th>{"LAST SEEN"}</th><th>{"TYPE"}</th><th>{"REASON"}</th><th>{"OBJECT"}</th><th>{"MESSAGE"}</th></tr></thead>
                    <tbody>{for rows}</tbody>
                </table>
                if props.events.is_empty() {
                    <p class="empty">{"No events."}</p>
                }
            </div>
        </section>
    }
}
