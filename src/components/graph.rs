//! The object graph as SVG: one keyed group per object at its stable grid cell, so Yew
//! only touches what changed and CSS animates arrivals, moves and departures. Pan (drag),
//! zoom (wheel) and fit belong to the view; live updates never reset them, though the
//! view keeps fitting new objects in until the user pans or zooms.

use kubeloop::api::Kind;
use kubeloop::graph::{EdgeKind, Graph, GraphNode};
use std::collections::HashMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, PointerEvent, WheelEvent};
use yew::prelude::*;

use crate::state::Shared;

const NODE_W: f64 = 210.0;
const NODE_H: f64 = 62.0;
const COL_W: f64 = 270.0;
const ROW_H: f64 = 74.0;
const TOP: f64 = 36.0;

/// Past this many pods, pods are drawn as small squares without text (a grid of
/// `CHIPS_PER_LINE`), and without edges: cards and curves for every pod make each frame
/// too costly to paint.
const COMPACT_PODS: usize = 150;
const CHIP: f64 = 14.0;
const CHIPS_PER_LINE: usize = 16;

#[derive(Clone, Copy, PartialEq, Debug)]
struct ViewBox {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl ViewBox {
    fn attr(&self) -> String {
        format!("{:.1} {:.1} {:.1} {:.1}", self.x, self.y, self.w, self.h)
    }
}

fn is_compact(graph: &Graph) -> bool {
    graph.nodes.iter().filter(|n| n.kind == Kind::Pod).count() > COMPACT_PODS
}

fn chip(n: &GraphNode, compact: bool) -> bool {
    compact && n.kind == Kind::Pod
}

/// Where a column is drawn: its place among the columns drawn.
fn column_x(columns: &[usize], column: usize) -> f64 {
    columns.iter().position(|c| *c == column).unwrap_or(column) as f64 * COL_W
}

fn cell(n: &GraphNode, compact: bool, columns: &[usize]) -> (f64, f64) {
    let x = column_x(columns, n.column);
    if chip(n, compact) {
        (x + (n.row % CHIPS_PER_LINE) as f64 * CHIP, TOP + (n.row / CHIPS_PER_LINE) as f64 * CHIP)
    } else {
        (x, TOP + n.row as f64 * ROW_H)
    }
}

/// The view box that shows every node.
fn fit(graph: &Graph) -> ViewBox {
    let compact = is_compact(graph);
    let columns = kubeloop::graph::drawn_columns(graph);
    let cols = columns.len().saturating_sub(1);
    let bottom = graph.nodes.iter().map(|n| cell(n, compact, &columns).1 + NODE_H).fold(TOP + 3.0 * ROW_H, f64::max);
    let pad = 16.0;
    ViewBox { x: -pad, y: -pad, w: cols as f64 * COL_W + NODE_W + 2.0 * pad, h: bottom + 2.0 * pad }
}

#[derive(Properties, PartialEq)]
pub struct GraphProps {
    pub graph: Shared<Graph>,
    pub selected: Option<String>,
    pub fold_history: bool,
    pub on_select: Callback<Option<String>>,
    pub on_fold: Callback<bool>,
}

struct Drag {
    pointer: i32,
    start: (f64, f64),
    view: ViewBox,
    moved: bool,
}

#[function_component(GraphView)]
pub fn graph_view(props: &GraphProps) -> Html {
    let svg = use_node_ref();
    let view = use_state(|| fit(&props.graph));
    let auto_fit = use_state(|| true);
    let drag = use_mut_ref(|| None::<Drag>);

    {
        // Follow the graph as it grows until the user takes the view.
        let (view, auto_fit) = (view.clone(), auto_fit.clone());
        use_effect_with((props.graph.clone(), *auto_fit), move |(graph, auto)| {
            if *auto {
                let fitted = fit(graph);
                if *view != fitted {
                    view.set(fitted);
                }
            }
        });
    }

    // Screen px -> SVG units (the drawing is scaled to fit, centred: "xMidYMid meet").
    let scale_of = {
        let svg = svg.clone();
        move |vb: &ViewBox| -> Option<(f64, web_sys::DomRect)> {
            let rect = svg.cast::<Element>()?.get_bounding_client_rect();
            let s = (rect.width() / vb.w).min(rect.height() / vb.h);
            (s > 0.0).then_some((s, rect))
        }
    };

    {
        // Wheel zoom needs preventDefault, so its listener must not be passive (Yew's are).
        let (view, auto_fit, scale_of, el) = (view.clone(), auto_fit.clone(), scale_of.clone(), svg.clone());
        use_effect_with((), move |_| {
            let target = el.cast::<Element>();
            let handler = Closure::<dyn Fn(WheelEvent)>::new(move |e: WheelEvent| {
                e.prevent_default();
                let vb = *view;
                let Some((s, rect)) = scale_of(&vb) else { return };
                let factor = (e.delta_y() * 0.0015).exp().clamp(0.5, 2.0);
                let (ox, oy) = ((rect.width() - vb.w * s) / 2.0, (rect.height() - vb.h * s) / 2.0);
                let px = vb.x + (f64::from(e.client_x()) - rect.left() - ox) / s;
                let py = vb.y + (f64::from(e.client_y()) - rect.top() - oy) / s;
                let w = (vb.w * factor).clamp(200.0, 200_000.0);
                let k = w / vb.w;
                view.set(ViewBox { x: px - (px - vb.x) * k, y: py - (py - vb.y) * k, w, h: vb.h * k });
                auto_fit.set(false);
            });
            let options = AddEventListenerOptions::new();
            options.set_passive(false);
            if let Some(t) = &target {
                let _ = t.add_event_listener_with_callback_and_add_event_listener_options(
                    "wheel",
                    handler.as_ref().unchecked_ref(),
                    &options,
                );
            }
            move || {
                if let Some(t) = target {
                    let _ = t.remove_event_listener_with_callback("wheel", handler.as_ref().unchecked_ref());
                }
            }
        });
    }

    // A drag ends with a click on the drawing; it must not (de)select anything.
    let dragged = use_mut_ref(|| false);
    let onpointerdown = {
        let (view, drag, dragged) = (view.clone(), drag.clone(), dragged.clone());
        Callback::from(move |e: PointerEvent| {
            *dragged.borrow_mut() = false;
            if e.button() != 0 {
                return;
            }
            *drag.borrow_mut() = Some(Drag {
                pointer: e.pointer_id(),
                start: (f64::from(e.client_x()), f64::from(e.client_y())),
                view: *view,
                moved: false,
            });
        })
    };
    let onpointermove = {
        let (view, auto_fit, drag, scale_of, svg) =
            (view.clone(), auto_fit.clone(), drag.clone(), scale_of.clone(), svg.clone());
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            let Some(d) = d.as_mut().filter(|d| d.pointer == e.pointer_id()) else { return };
            let (dx, dy) = (f64::from(e.client_x()) - d.start.0, f64::from(e.client_y()) - d.start.1);
            if !d.moved && dx.hypot(dy) < 4.0 {
                return;
            }
            if !d.moved {
                d.moved = true;
                if let Some(el) = svg.cast::<Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
            }
            let Some((s, _)) = scale_of(&d.view) else { return };
            view.set(ViewBox { x: d.view.x - dx / s, y: d.view.y - dy / s, ..d.view });
            auto_fit.set(false);
        })
    };
    let onpointerup = {
        let (drag, dragged) = (drag.clone(), dragged.clone());
        Callback::from(move |_: PointerEvent| {
            *dragged.borrow_mut() = drag.borrow_mut().take().is_some_and(|d| d.moved);
        })
    };
    let moved = {
        let dragged = dragged.clone();
        move || std::mem::take(&mut *dragged.borrow_mut())
    };
    // One handler for the whole drawing (not two closures per node): the node is found
    // from the event target.
    let node_id = |target: Option<web_sys::EventTarget>| -> Option<String> {
        let el = target?.dyn_into::<Element>().ok()?.closest("g.node:not(.leaving)").ok()??;
        el.get_attribute("data-id")
    };
    let onclick = {
        let on_select = props.on_select.clone();
        let moved = moved.clone();
        Callback::from(move |e: MouseEvent| {
            if !moved() {
                on_select.emit(node_id(e.target()));
            }
        })
    };
    let onkeydown = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                if let Some(id) = node_id(e.target()) {
                    e.prevent_default();
                    on_select.emit(Some(id));
                }
            }
        })
    };
    let on_fit = {
        let (view, auto_fit, graph) = (view.clone(), auto_fit.clone(), props.graph.clone());
        Callback::from(move |_: MouseEvent| {
            view.set(fit(&graph));
            auto_fit.set(true);
        })
    };
    let zoom_by = |factor: f64| {
        let (view, auto_fit) = (view.clone(), auto_fit.clone());
        Callback::from(move |_: MouseEvent| {
            let vb = *view;
            let (cx, cy) = (vb.x + vb.w / 2.0, vb.y + vb.h / 2.0);
            let (w, h) = (vb.w * factor, vb.h * factor);
            view.set(ViewBox { x: cx - w / 2.0, y: cy - h / 2.0, w, h });
            auto_fit.set(false);
        })
    };
    let on_fold = {
        let (on_fold, fold) = (props.on_fold.clone(), props.fold_history);
        Callback::from(move |_: Event| on_fold.emit(!fold))
    };

    let graph = &props.graph;
    let compact = is_compact(graph);
    // Edges between cards only: in compact mode the pod squares have none.
    let columns = kubeloop::graph::drawn_columns(graph);
    let positions: HashMap<&str, (f64, f64)> =
        graph.nodes.iter().filter(|n| !chip(n, compact)).map(|n| (n.id.as_str(), cell(n, compact, &columns))).collect();
    let edges = graph.edges.iter().filter_map(|e| {
        let (a, b) = (positions.get(e.from.as_str())?, positions.get(e.to.as_str())?);
        let (x1, y1, x2, y2) = (a.0 + NODE_W, a.1 + NODE_H / 2.0, b.0, b.1 + NODE_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        let d = format!("M{x1:.0},{y1:.0} C{mid:.0},{y1:.0} {mid:.0},{y2:.0} {x2:.0},{y2:.0}");
        let class = match e.kind {
            EdgeKind::Owns => "edge owns",
            EdgeKind::RunsOn => "edge runs-on",
            EdgeKind::Uses => "edge uses",
            EdgeKind::BoundTo => "edge bound-to",
        };
        Some(html! { <path key={format!("{}>{}", e.from, e.to)} class={class} d={d} /> })
    });
    let nodes =
        graph.nodes.iter().map(|n| node(n, props.selected.as_deref() == Some(n.id.as_str()), compact, &columns));
    let headers = columns.iter().enumerate().map(|(i, c)| {
        let title = kubeloop::graph::COLUMN_TITLES.get(*c).copied().unwrap_or("");
        html! { <text class="col-title" x={format!("{:.0}", i as f64 * COL_W + 4.0)} y="16">{title}</text> }
    });

    html! {
        <section class="graph" aria-label="Object graph">
            <div class="graph-tools">
                <button type="button" onclick={on_fit} title="Fit the whole graph in view">{"Fit"}</button>
                <button type="button" onclick={zoom_by(0.8)} aria-label="Zoom in">{"+"}</button>
                <button type="button" onclick={zoom_by(1.25)} aria-label="Zoom out">{"−"}</button>
                <label class="toggle" title="Collapse each Deployment's ReplicaSets scaled to 0 into one history node">
                    <input type="checkbox" checked={props.fold_history} onchange={on_fold} />
                    {"fold history"}
                </label>
            </div>
            <svg ref={svg} class="canvas" viewBox={view.attr()} role="group" aria-label="Deployments, ReplicaSets, Pods and Nodes"
                {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}
                {onclick} {onkeydown}>
                <g class="headers">{for headers}</g>
                <g class="edges">{for edges}</g>
                <g class="nodes">{for nodes}</g>
            </svg>
        </section>
    }
}

fn node(n: &GraphNode, selected: bool, compact: bool, columns: &[usize]) -> Html {
    let (x, y) = cell(n, compact, columns);
    let kind = n.kind.name();
    let tone = tone(n);
    let class = classes!(
        "node",
        kind.to_ascii_lowercase(),
        tone,
        n.leaving.then_some("leaving"),
        n.deleting.then_some("deleting"),
        (n.folded > 0).then_some("folded"),
        selected.then_some("selected")
    );
    let mut lines = n.details.iter().take(2);
    let first = lines.next().cloned().unwrap_or_default();
    let second = match (&n.status, lines.next()) {
        (Some(status), Some(d)) => format!("{status} · {d}"),
        (Some(status), None) => status.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => String::new(),
    };
    let label = format!("{kind} {}", n.name);
    if chip(n, compact) {
        let label = format!("{label}: {}", n.status.as_deref().unwrap_or(""));
        return html! {
            <g key={n.id.clone()} class={classes!(class, "chip")} transform={format!("translate({x:.0},{y:.0})")}
                data-kind={kind} data-name={n.name.clone()} data-id={n.id.clone()}
                data-phase={n.phase.clone()} data-ready={n.ready.map(|r| r.to_string())}
                data-status={n.status.clone()}
                tabindex="-1" role="button" aria-label={label} aria-pressed={selected.to_string()}>
                <rect class="band" width={(CHIP - 3.0).to_string()} height={(CHIP - 3.0).to_string()} rx="2" />
            </g>
        };
    }
    html! {
        <g key={n.id.clone()} class={class} transform={format!("translate({x:.0},{y:.0})")}
            data-kind={kind} data-name={n.name.clone()} data-id={n.id.clone()}
            data-phase={n.phase.clone()} data-ready={n.ready.map(|r| r.to_string())}
            data-status={n.status.clone()}
            tabindex={if n.leaving { "-1" } else { "0" }} role="button" aria-label={label} aria-pressed={selected.to_string()}>
            <rect class="box" width={NODE_W.to_string()} height={NODE_H.to_string()} rx="8" />
            <rect class="band" width="6" height={NODE_H.to_string()} rx="3" />
            <text class="kind" x="14" y="15">{short_kind(n.kind)}</text>
            <text class="name" x="14" y="32">{clip(&n.name, 26)}</text>
            <text class="detail" x="14" y="50">{clip(&join_nonempty(&first, &second), 34)}</text>
        </g>
    }
}

fn join_nonempty(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (false, false) => format!("{a} · {b}"),
        (false, true) => a.to_string(),
        _ => b.to_string(),
    }
}

fn short_kind(kind: Kind) -> &'static str {
    kind.graph_place().map_or("", |p| p.badge)
}

/// Colour class: how the object is doing.
fn tone(n: &GraphNode) -> &'static str {
    if n.deleting {
        return "tone-gone";
    }
    match n.status.as_deref() {
        Some("Running") if n.ready == Some(true) => "tone-ok",
        Some("Ready" | "Bound") => "tone-ok",
        Some("Completed" | "Released") => "tone-done",
        Some(s)
            if s.contains("Err")
                || s.contains("BackOff")
                || s.starts_with("Error")
                || s == "NotReady"
                || s == "Failed"
                || s == "Lost" =>
        {
            "tone-bad"
        }
        Some(_) => "tone-wait",
        None => match n.ready {
            Some(true) => "tone-ok",
            Some(false) => "tone-wait",
            None => "tone-none",
        },
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}
