// `mqttscope/dissect` in browsers, workers and bundlers: the wasm file is fetched from
// beside the generated JavaScript (`new URL(..., import.meta.url)`), when first needed.
import { entry } from "./core.js";

export { MqttError, DecodeError, UsageError } from "./core.js";

const api = entry(() => undefined);

export const load = api.load;
export const dissect = api.dissect;
export const decode = api.decode;
export const encode = api.encode;
