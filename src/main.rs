//! kubeloop in the browser: mounts the app and makes a panic readable instead of
//! leaving a dead page (the editor text is already saved, so a reload loses nothing).

mod app;
mod components;
mod hooks;
mod state;

fn main() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_panic(&info.to_string());
    }));
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => show_panic("the page has no #app element"),
    }
}

/// Puts the message in the page's `#panic` banner (text only, never HTML).
fn show_panic(message: &str) {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("panic")) else {
        return;
    };
    el.set_text_content(Some(&format!(
        "kubeloop stopped with an internal error. Your text is saved: reload the page to continue. ({message})"
    )));
    let _ = el.remove_attribute("hidden");
}
