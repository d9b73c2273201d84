// `mqttscope/dissect` in node: the wasm file is read from the package folder (node's
// fetch does not read file: URLs), when first needed.
import { readFile } from "node:fs/promises";
import { entry } from "./core.js";

export { MqttError, DecodeError, UsageError } from "./core.js";

const api = entry(() => readFile(new URL("./wasm/mqttscope_dissect_bg.wasm", import.meta.url)));

export const load = api.load;
export const dissect = api.dissect;
export const decode = api.decode;
export const encode = api.encode;
