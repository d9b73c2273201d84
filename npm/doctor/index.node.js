// `mqttscope/doctor` in node: the wasm file is read from the package folder (node's
// fetch does not read file: URLs), when first needed.
import { readFile } from "node:fs/promises";
import { entry } from "./core.js";

export { MqttError, UsageError } from "../client/errors.js";

const api = entry(() => readFile(new URL("./wasm/mqttscope_js_doctor_bg.wasm", import.meta.url)));

export const load = api.load;
export const diagnose = api.diagnose;
export const probePlan = api.probePlan;
