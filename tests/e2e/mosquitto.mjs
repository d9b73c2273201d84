// A loopback mosquitto for the end-to-end tests and the app benchmark: free ports, a TCP
// and a WebSocket listener, restartable, with mosquitto_pub and mosquitto_sub at hand.
// Uses node's standard library only, so any script can import it.

import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { join } from "node:path";

const MOSQUITTO = process.env.MOSQUITTO || "/usr/sbin/mosquitto";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** mosquitto on loopback with a TCP and a WebSocket listener; restartable. */
export class Broker {
  /** Writes the config into `dir`; `extra` lines go before the listeners. */
  constructor(dir, tcp, ws, extra = "") {
    Object.assign(this, { dir, tcp, ws, proc: null });
    this.conf = join(dir, "mosquitto.conf");
    writeFileSync(
      this.conf,
      `per_listener_settings false\nallow_anonymous true\npersistence false\nlog_dest none\n${extra}` +
        `listener ${tcp} 127.0.0.1\nlistener ${ws} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n`,
    );
  }

  /** A broker on two free ports. */
  static async onFreePorts(dir, extra = "") {
    return new Broker(dir, await freePort(), await freePort(), extra);
  }
  async start() {
    this.proc = spawn(MOSQUITTO, ["-c", this.conf], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      if (await this.accepts()) return;
      await sleep(50);
    }
    throw new Error("mosquitto did not start");
  }
  accepts() {
    return new Promise((resolve) => {
      const s = new Socket();
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
      s.connect(this.ws, "127.0.0.1");
    });
  }
  async stop() {
    if (!this.proc) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    await exited;
    this.proc = null;
  }
  pub(args, input) {
    const r = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(this.tcp), ...args], { input, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mosquitto_pub failed: ${r.stderr}`);
  }
  /** mosquitto_sub for one message; resolves with its output line. */
  subOne(topic) {
    const p = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(this.tcp), "-t", topic, "-C", "1", "-v", "-W", "20"]);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    const done = new Promise((resolve, reject) =>
      // "close", not "exit": at exit its output may not all have been read yet.
      p.once("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`mosquitto_sub exited ${code}`)))),
    );
    return { done, ready: sleep(300) };
  }
}
