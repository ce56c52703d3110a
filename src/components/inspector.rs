//! The selected object, live: owner, conditions, recent events and the whole object as
//! `kubectl get -o yaml` prints it.

use kubeloop::session::Inspection;
use yew::prelude::*;

use crate::state::Shared;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub inspection: Option<Shared<Inspection>>,
    pub on_close: Callback<()>,
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let Some(i) = props.inspection.as_ref() else {
        return html! {
            <section class="inspector empty" aria-label="Inspector">
                <h2>{"Inspector"}</h2>
                <p>{"Click an object in the graph to see it live: spec, status, conditions, owner and events. Its document is marked in the editor."}</p>
            </section>
        };
    };
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let conditions = i.conditions.iter().map(|c| {
        html! {
            <tr class={classes!((c.status != "True").then_some("not-true"))}>
                <td>{&c.type_}</td><td>{&c.status}</td><td>{&c.reason}</td><td class="msg">{&c.message}</td>
            </tr>
        }
    });
    let events = i.events.iter().map(|e| {
        html! { <tr key={e.id.clone()}><td>{&e.last_seen}</td><td>{&e.type_}</td><td>{&e.reason}</td><td class="msg">{&e.message}</td></tr> }
    });
    let ns = if i.namespace.is_empty() { String::new() } else { format!(" -n {}", i.namespace) };
    html! {
        <section class="inspector" aria-label="Inspector" data-kind={i.kind.name()} data-name={i.name.clone()}>
            <div class="panel-head">
                <h2>{format!("{} {}", i.kind.name(), i.name)}</h2>
                <button type="button" onclick={on_close} aria-label="Close the inspector">{"×"}</button>
            </div>
            <p class="meta">
                if let Some(owner) = &i.owner { {"owned by "}<code>{owner}</code>{" · "} }
                <code>{format!("kubectl get {}{ns} {} -o yaml", i.kind.resource_singular(), i.name)}</code>
            </p>
            if !i.conditions.is_empty() {
                <h3>{"Conditions"}</h3>
                <table><thead><tr><th>{"TYPE"}</th><th>{"STATUS"}</th><th>{"REASON"}</th><th>{"MESSAGE"}</th></tr></thead><tbody>{for conditions}</tbody></table>
            }
            <h3>{"Events"}</h3>
            if i.events.is_empty() {
                <p class="empty">{"<none>"}</p>
            } else {
                <table><tbody>{for events}</tbody></table>
            }
            <details open=true>
                <summary>{"YAML"}</summary>
                <pre class="yaml">{&i.yaml}</pre>
            </details>
        </section>
    }
}
