// <mqtt-scope>: the whole mqttscope app (connections, subscriptions, publish, messages,
// topic tree, packet inspector, hex pad, connection doctor) inside any page, connected at
// once to the broker its attributes name.
//
// The app is the package's `app/` folder (the page the project builds, with relative
// addresses), shown in a frame: it keeps its own styles, workers and wasm modules apart
// from the embedding page, and loads nothing until the element is on a page. The preset
// travels in the frame's address (`#embed=` and the app's saved-connections JSON), which a
// browser never sends to a server; the embedded app connects it, and saves nothing in the
// origin's storage.

import { Base, setAttr, shadow, upgrade } from "./shared.js";

/** The app's page in this package: `app/index.html` beside `elements/`. */
const APP = new URL("../app/index.html", import.meta.url).href;

/** The attributes that shape the connection (a change loads the app again). */
const ATTRIBUTES = ["src", "url", "version", "subscribe", "name", "client-id", "username", "password", "keep-alive"];

const CSS = `
:host { display: block; height: var(--mqtt-scope-height, 640px); border: 1px solid var(--_border); border-radius: 6px; overflow: hidden; }
iframe { display: block; width: 100%; height: 100%; border: 0; background: var(--_bg); }
`;

/** The protocol level of a `version` attribute: 5 (the default), 4 or 3. */
function level(version) {
  const known = { 3: 3, "3.1": 3, 4: 4, "3.1.1": 4, 5: 5, "5.0": 5 };
  return known[String(version ?? "5").trim()] ?? 5;
}

/** The filters of a `subscribe` attribute: separated by commas or spaces, each with an
 *  optional `@qos` (`home/#@1, alerts/+`). */
export function subscriptions(text) {
  return (text ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((item) => {
      const at = item.lastIndexOf("@");
      const qos = at > 0 ? Number(item.slice(at + 1)) : 0;
      return at > 0 && [0, 1, 2].includes(qos) ? { filter: item.slice(0, at), qos } : { filter: item, qos: 0 };
    });
}

/** The frame's address for `host`'s attributes (`null` without a `url`). */
export function frameAddress(host) {
  const url = host.getAttribute("url");
  if (!url) return null;
  const keepAlive = Number.parseInt(host.getAttribute("keep-alive") ?? "", 10);
  const connection = {
    id: "embed",
    name: host.getAttribute("name") || url,
    url,
    version: level(host.getAttribute("version")),
    client_id: host.getAttribute("client-id") ?? "",
    username: host.getAttribute("username") ?? "",
    password: host.password ?? host.getAttribute("password") ?? "",
    subscriptions: subscriptions(host.getAttribute("subscribe")),
    ...(Number.isFinite(keepAlive) && keepAlive >= 0 ? { keep_alive: keepAlive } : {}),
  };
  const src = host.getAttribute("src") || APP;
  return `${src.split("#")[0]}#embed=${encodeURIComponent(JSON.stringify([connection]))}`;
}

/** The element. */
export class MqttScope extends Base {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  constructor() {
    super();
    this.root = shadow(this, CSS);
    this.frame = null;
    this.pending = false;
    this.secret = undefined;
  }

  /** The password, as a property: it then never appears in the embedding page's markup. */
  get password() {
    return this.secret;
  }

  set password(value) {
    this.secret = value ?? undefined;
    this.reload();
  }

  /** The broker's WebSocket address (the `url` attribute). */
  get url() {
    return this.getAttribute("url");
  }

  set url(value) {
    setAttr(this, "url", value);
  }

  connectedCallback() {
    upgrade(this);
    this.reload();
  }

  disconnectedCallback() {
    // Leaving the page ends the app and its connection with the frame.
    this.frame?.remove();
    this.frame = null;
  }

  attributeChangedCallback() {
    this.reload();
  }

  /** Loads the app again with the current attributes, once per task however many
   *  changed: a new frame, since changing only the address's fragment would not load it. */
  reload() {
    if (this.pending || !this.isConnected) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (!this.isConnected) return;
      this.frame?.remove();
      this.frame = null;
      const address = frameAddress(this);
      if (!address) return;
      const frame = document.createElement("iframe");
      frame.setAttribute("part", "frame");
      frame.title = this.getAttribute("name") || "mqttscope";
      frame.src = address;
      this.frame = frame;
      this.root.append(frame);
    });
  }
}
