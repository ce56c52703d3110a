//! The editor text survives a reload: saved to localStorage on every change.

use yew::prelude::*;

/// Where the editor text is kept.
pub const TEXT_KEY: &str = "kubeloop.text";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved value, if storage is available and holds one.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Saves `value` under `key` whenever it changes (quota errors are ignored: the page
/// keeps working, only the reload restore is lost).
#[hook]
pub fn use_local_storage(key: &'static str, value: std::rc::Rc<str>) {
    use_effect_with(value, move |value| {
        if let Some(s) = storage() {
            let _ = s.set_item(key, value);
        }
    });
}
