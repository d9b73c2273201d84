// The smart home dashboard: one mqttscope client shared by every element, and a slider
// that publishes the brightness. The broker is the page's `?broker=` parameter, by default
// the sandbox broker (`sandbox://home`: a broker and the home's simulated devices in a
// worker of the page, no broker to run). Plain JavaScript; the JSDoc casts let TypeScript
// check it against the package's declarations (`tsc --checkJs`).
import { connect } from "mqttscope";
import "mqttscope/elements";

/** @typedef {import("mqttscope/elements").MqttValue} MqttValue */
/** @typedef {import("mqttscope/elements").MqttMessages} MqttMessages */

const broker = new URLSearchParams(location.search).get("broker") ?? "sandbox://home";
const status = /** @type {HTMLElement} */ (document.getElementById("status"));
const slider = /** @type {HTMLInputElement} */ (document.getElementById("brightness"));
const shown = /** @type {HTMLOutputElement} */ (document.getElementById("brightness-value"));
const temperature = /** @type {MqttValue} */ (document.getElementById("temperature"));
const security = /** @type {MqttValue} */ (document.getElementById("security"));
const traffic = /** @type {MqttMessages} */ (document.getElementById("traffic"));

const client = await connect(broker, { version: 5, keepAlive: 30, reconnect: true });
status.textContent = `connected to ${broker}`;
client.on("close", ({ reconnecting }) => (status.textContent = reconnecting ? "reconnecting…" : "disconnected"));
client.on("connect", () => (status.textContent = `connected to ${broker}`));
temperature.client = security.client = traffic.client = client;

// The lights' brightness, retained, moves the slider (unless the user holds it); moving it
// publishes, retained, so the next dashboard opened starts from it. The lights themselves
// report JSON ({"brightness": 70, "on": true}); the slider publishes the number.
client.on("message", (m) => {
  if (m.topic === "home/lights/brightness" && document.activeElement !== slider) {
    const text = m.text().trim();
    const level = text.startsWith("{") ? /** @type {{ brightness: number }} */ (m.json()).brightness : text;
    slider.value = shown.value = String(level);
  }
});
await client.subscribe("home/lights/brightness");
slider.addEventListener("input", () => (shown.value = slider.value));
slider.addEventListener("change", async () => {
  try {
    await client.publish("home/lights/brightness", slider.value, { qos: 1, retain: true });
  } catch (e) {
    status.textContent = `not published: ${e instanceof Error ? e.message : e}`;
  }
});
