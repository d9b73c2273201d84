// The `mqttscope/doctor` entry, shared by the browser and the node loader: the connection
// doctor of the mqttscope page (crates/doctor, through crates/js-doctor), which the
// client's errors import on `error.diagnose()`. The error classes are the client's.

import init, * as wasm from "./wasm/mqttscope_js_doctor.js";
import { MqttError, UsageError } from "../client/errors.js";
import { loader } from "../shared/load.js";

/** Runs `f`, rethrowing the wasm module's `UsageError` objects as the class. */
function call(f) {
  try {
    return f();
  } catch (e) {
    if (e !== null && typeof e === "object" && e.kind === "UsageError") throw new UsageError(e.message, e);
    throw e;
  }
}

/** The synchronous functions, once the wasm module is loaded. */
const doctor = Object.freeze({
  diagnose: (failure) => call(() => wasm.diagnose(failure)),
  probePlan: (url) => call(() => wasm.probePlan(url)),
});

/**
 * The entry's API, loading the wasm module from what `source()` returns (a URL, a
 * Response or the module's bytes; undefined: next to the generated JavaScript).
 */
export function entry(source) {
  const load = loader("mqttscope/doctor", init, source, doctor, MqttError);
  return {
    load,
    diagnose: async (failure) => (await load()).diagnose(failure),
    probePlan: async (url) => (await load()).probePlan(url),
  };
}
