// `mqttscope/doctor` in browsers, workers and bundlers: the wasm file is fetched from
// beside the generated JavaScript (`new URL(..., import.meta.url)`), when first needed.
import { entry } from "./core.js";

export { MqttError, UsageError } from "../client/errors.js";

const api = entry(() => undefined);

export const load = api.load;
export const diagnose = api.diagnose;
export const probePlan = api.probePlan;
