// What the entries with a wasm module of their own (`mqttscope/dissect`,
// `mqttscope/doctor`) share: loading it once, on first use.

/**
 * A `load()` that initializes the wasm-bindgen module `init` once, with what `source()`
 * returns (a URL, a Response or the module's bytes; undefined: the file beside the
 * generated JavaScript), and resolves with `api`. A failed load rejects with a `Failure`
 * naming the entry `name`, and the next call tries again.
 */
export function loader(name, init, source, api, Failure) {
  let loading = null;
  return async function load() {
    loading ??= Promise.resolve(source()).then((module_or_path) => init({ module_or_path }));
    try {
      await loading;
    } catch (e) {
      loading = null;
      throw new Failure(`${name}: the wasm module did not load: ${e?.message ?? e}`);
    }
    return api;
  };
}
