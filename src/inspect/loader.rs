//! The page's side of the inspector: loads its module the first time it is needed, and
//! calls the module's exports. Two classic scripts: `mqttscope-inspect.js`, the wasm-bindgen
//! glue of `src/bin/mqttscope-inspect.rs` built without ES modules, then `inspect-boot.js`,
//! which instantiates the module and leaves a promise of its exports on the window.

use std::cell::{Cell, OnceCell, RefCell};

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// The module's glue, next to the page (Trunk's `data-type="worker"` build of the bin).
const GLUE: &str = "mqttscope-inspect.js";
/// The script that instantiates the module once the glue has run (`src/inspect-boot.js`).
const BOOT: &str = "inspect-boot.js";

/// How far the module has loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    /// Asked for, not there yet.
    Loading,
    /// Ready: its exports can be called.
    Ready,
    /// It failed to load, and why.
    Failed(String),
}

thread_local! {
    static STATE: OnceCell<ArcRwSignal<Loaded>> = const { OnceCell::new() };
    /// The glue's `wasm_bindgen` object, whose properties are the module's exports.
    static EXPORTS: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Whether the glue has run: it declares `wasm_bindgen` with `let`, so a second copy
    /// would fail; a retry adds only the boot script then.
    static GLUE_RAN: Cell<bool> = const { Cell::new(false) };
}

/// How far the module has loaded; the first call starts loading it.
pub fn state() -> ArcRwSignal<Loaded> {
    STATE.with(|s| {
        s.get_or_init(|| {
            let state = ArcRwSignal::new(Loaded::Loading);
            load(state.clone());
            state
        })
        .clone()
    })
}

/// Loads the module again after it failed (a network that came back): what failed is
/// fetched again, and the glue's instantiation retried.
pub fn retry() {
    let state = state();
    if matches!(state.get_untracked(), Loaded::Failed(_)) {
        state.set(Loaded::Loading);
        load(state);
    }
}

/// Adds the glue's script unless it has run, then the boot script, then waits for the
/// module.
fn load(state: ArcRwSignal<Loaded>) {
    if GLUE_RAN.with(Cell::get) {
        boot(state);
        return;
    }
    let after_glue = state.clone();
    let glue = add_script(
        GLUE,
        move || {
            GLUE_RAN.with(|r| r.set(true));
            boot(after_glue);
        },
        failer(&state),
    );
    if let Err(why) = glue {
        state.set(Loaded::Failed(why));
    }
}

/// Adds the boot script, then waits for the module.
fn boot(state: ArcRwSignal<Loaded>) {
    let done = state.clone();
    let boot = add_script(BOOT, move || spawn_local(instantiate(done)), failer(&state));
    if let Err(why) = boot {
        state.set(Loaded::Failed(why));
    }
}

/// What sets `state` to failed, with why.
fn failer(state: &ArcRwSignal<Loaded>) -> impl FnOnce(String) + 'static {
    let state = state.clone();
    move |why| state.set(Loaded::Failed(why))
}

/// Adds a classic script at address `src` to the page, then calls `loaded` once it has
/// run, or `failed` with why not. Either way the element is removed then: what the script
/// defined stays, and retries do not pile elements up in the page's head.
fn add_script(
    src: &'static str,
    loaded: impl FnOnce() + 'static,
    failed: impl FnOnce(String) + 'static,
) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let script = document
        .create_element("script")
        .map_err(|_| "cannot create a script element")?;
    script
        .set_attribute("src", src)
        .map_err(|_| "cannot set the script's address")?;
    let (ran, missing) = (script.clone(), script.clone());
    let on_load = Closure::once_into_js(move || {
        ran.remove();
        loaded();
    });
    let on_error = Closure::once_into_js(move || {
        missing.remove();
        failed(format!("{src} did not load"));
    });
    script
        .add_event_listener_with_callback("load", on_load.unchecked_ref())
        .and_then(|()| script.add_event_listener_with_callback("error", on_error.unchecked_ref()))
        .map_err(|_| "cannot listen to the script")?;
    let head = document.head().ok_or("the page has no head")?;
    head.append_child(&script)
        .map_err(|_| "cannot add the script")?;
    Ok(())
}

/// Waits for the promise of the module's exports that the boot script left on the window,
/// and keeps them.
async fn instantiate(state: ArcRwSignal<Loaded>) {
    let exports = async {
        let window = web_sys::window().ok_or("no window")?;
        let started = Reflect::get(&window, &"mqttscopeInspect".into())
            .map_err(|_| format!("{BOOT} left no module"))?;
        JsFuture::from(Promise::resolve(&started))
            .await
            .map_err(|e| format!("the module did not start: {}", text(&e)))
    };
    state.set(match exports.await {
        Ok(exports) => {
            EXPORTS.with(|x| *x.borrow_mut() = Some(exports));
            Loaded::Ready
        }
        Err(why) => Loaded::Failed(why),
    });
}

/// Calls the module's export `name` with `args`. Does nothing before the module is ready
/// (its host shows that it is loading) and says why when the call fails.
pub fn call(name: &str, args: &[JsValue]) -> Result<(), String> {
    let Some(exports) = EXPORTS.with(|x| x.borrow().clone()) else {
        return Ok(());
    };
    let f = Reflect::get(&exports, &name.into())
        .ok()
        .filter(JsValue::is_function)
        .ok_or_else(|| format!("the inspector has no {name}"))?;
    let args: js_sys::Array = args.iter().collect();
    f.unchecked_ref::<Function>()
        .apply(&JsValue::NULL, &args)
        .map(drop)
        .map_err(|e| text(&e))
}

fn text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
