// `mqttscope` in node: the core runs on the main thread (node has no browser Worker), and
// the wasm file is read from the package folder (node's fetch does not read file: URLs).
// Node before 22 has no global WebSocket: pass one, e.g. { WebSocket } from the `ws` package.
import { readFile } from "node:fs/promises";
import { loadDoctorWith } from "./doctor.js";
import { Client as Base } from "./index.js";
import { usage } from "./options.js";

export * from "./index.js";

// error.diagnose() loads the doctor's node entry, which reads its wasm file too.
loadDoctorWith(() => import("../doctor/index.node.js"));

/** The client with node's defaults: { worker: false }, the wasm module read from disk. */
export class Client extends Base {
  constructor(url, options = {}) {
    super(url, { worker: false, ...options });
  }

  /** Starts connecting at once, as in a browser (the client is "connecting" from the
   *  call, so an end() right after it ends the attempt). The wasm file is read meanwhile;
   *  the core's loader awaits it. */
  connect() {
    if (/^\s*sandbox:\/\//i.test(this.url)) {
      return Promise.reject(usage("url", "a ws:// or wss:// URL: the sandbox broker (sandbox://) runs in a browser's worker"));
    }
    if (this.state === "idle" && this.options.wasm === undefined) {
      const wasm = readFile(new URL("./wasm/mqttscope_client_bg.wasm", import.meta.url));
      // A read that fails rejects connect() through the loader; not unhandled before that.
      wasm.catch(() => {});
      this.options = { ...this.options, wasm };
    }
    return super.connect();
  }
}

/** Connects to `url` and resolves with the client once CONNACK accepted the connection. */
export async function connect(url, options) {
  const client = new Client(url, options);
  await client.connect();
  return client;
}
