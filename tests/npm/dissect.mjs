// The npm package's `mqttscope/dissect` entry, used as a user would: packed with
// `npm pack`, installed from the tarball into a fresh folder, imported by its name in
// node and by its path from a plain <script type="module"> in headless Chromium.
//
//   node tests/npm/dissect.mjs pkg
//
// The declarations are checked too: TypeScript (pinned in tests/e2e) compiles a user's
// module against them in strict mode, and must refuse what they forbid.
//
// `cargo xtask test` runs it in the `npm` tier after `cargo xtask pack`. CHROMIUM
// overrides the browser (default /usr/bin/chromium); NPM_SKIP_BROWSER=1 skips it.

import assert from "node:assert/strict";
import { checkEntry, pageCheck, runChecks, throwsLike } from "./common.mjs";

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const bytes = (h) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ""), "hex"));
/** A field as [start, end, path, value, section]. */
const row = (f) => [f.start, f.end, f.path, f.value, f.section];

/** CONNECT, MQTT 3.1.1: clean session, keep alive 60, client id "dash". */
const CONNECT = "10 10 00 04 4d 51 54 54 04 02 00 3c 00 04 64 61 73 68";
const CONNECT_FIELDS = [
  [0, 1, "fixed_header.type", "CONNECT (0x01)", "2.1.2"],
  [0, 1, "fixed_header.flags", "0000", "2.1.3"],
  [1, 2, "fixed_header.remaining_length", "16", "2.1.4"],
  [2, 4, "connect.protocol_name.length", "4", "1.5.4"],
  [4, 8, "connect.protocol_name", '"MQTT"', "3.1.2.1"],
  [8, 9, "connect.protocol_level", "MQTT 3.1.1 (0x04)", "3.1.2.2"],
  [9, 10, "connect.flags.username", "0", "3.1.2.8"],
  [9, 10, "connect.flags.password", "0", "3.1.2.9"],
  [9, 10, "connect.flags.will_retain", "0", "3.1.2.7"],
  [9, 10, "connect.flags.will_qos", "At most once (0x00)", "3.1.2.6"],
  [9, 10, "connect.flags.will", "0", "3.1.2.5"],
  [9, 10, "connect.flags.clean_start", "1", "3.1.2.4"],
  [9, 10, "connect.flags.reserved", "0", "3.1.2.3"],
  [10, 12, "connect.keep_alive", "60", "3.1.2.10"],
  [12, 14, "connect.client_id.length", "4", "1.5.4"],
  [14, 18, "connect.client_id", '"dash"', "3.1.3.1"],
];

/** PUBLISH, MQTT 5: QoS 1, packet id 7, Content Type and a User Property, payload "70". */
const PUBLISH =
  "32 34 00 16 686f6d652f6c69676874732f6272696768746e657373 00 07 17" +
  " 03 000a 746578742f706c61696e 26 0004 756e6974 0001 25 3730";
const PUBLISH_FIELDS = [
  [0, 1, "fixed_header.type", "PUBLISH (0x03)", "2.1.2"],
  [0, 1, "fixed_header.dup", "0", "3.3.1.1"],
  [0, 1, "fixed_header.qos", "At least once (0x01)", "3.3.1.2"],
  [0, 1, "fixed_header.retain", "0", "3.3.1.3"],
  [1, 2, "fixed_header.remaining_length", "52", "2.1.4"],
  [2, 4, "publish.topic.length", "22", "1.5.4"],
  [4, 26, "publish.topic", '"home/lights/brightness"', "3.3.2.1"],
  [26, 28, "publish.packet_id", "7", "3.3.2.2"],
  [28, 29, "publish.properties.length", "23", "2.2.2.1"],
  [29, 30, "publish.properties.content_type.id", "Content Type (0x03)", "3.3.2.3.9"],
  [30, 32, "publish.properties.content_type.length", "10", "1.5.4"],
  [32, 42, "publish.properties.content_type", '"text/plain"', "3.3.2.3.9"],
  [42, 43, "publish.properties.user_properties[0].id", "User Property (0x26)", "3.3.2.3.7"],
  [43, 45, "publish.properties.user_properties[0].name.length", "4", "1.5.4"],
  [45, 49, "publish.properties.user_properties[0].name", '"unit"', "3.3.2.3.7"],
  [49, 51, "publish.properties.user_properties[0].value.length", "1", "1.5.4"],
  [51, 52, "publish.properties.user_properties[0].value", '"%"', "3.3.2.3.7"],
  [52, 54, "publish.payload", '2 bytes "70"', "3.3.3"],
];

/** Packets, their bytes in `version`, and what `decode` gives back (defaults filled in). */
const ROUND_TRIPS = [
  {
    version: 4,
    packet: { type: "PUBLISH", topic: "a/b", payload: "hi" },
    hex: "30070003612f626869",
    decoded: { type: "PUBLISH", topic: "a/b", payload: bytes("6869"), qos: 0, retain: false, dup: false, properties: {} },
  },
  {
    version: 5,
    packet: {
      type: "PUBLISH", topic: "home/lights/brightness", payload: "70", qos: 1, packetId: 7,
      properties: { contentType: "text/plain", userProperties: [["unit", "%"]] },
    },
    hex: PUBLISH.replace(/\s/g, ""),
    decoded: {
      type: "PUBLISH", topic: "home/lights/brightness", payload: bytes("3730"), qos: 1, packetId: 7,
      retain: false, dup: false, properties: { contentType: "text/plain", userProperties: [["unit", "%"]] },
    },
  },
  {
    version: 5,
    packet: {
      type: "CONNECT", clientId: "dash-1", keepAlive: 30, cleanStart: false, username: "u", password: "p",
      will: { topic: "w", payload: "bye", qos: 1, properties: { willDelayInterval: 5 } },
      properties: { sessionExpiryInterval: 3600, receiveMaximum: 10 },
    },
    hex: "102f00044d51545405cc001e081100000e1021000a0006646173682d31" + "0518000000050001770003627965000175000170",
    decoded: {
      type: "CONNECT", protocolVersion: 5, cleanStart: false, keepAlive: 30, clientId: "dash-1",
      username: "u", password: bytes("70"),
      will: { topic: "w", payload: bytes("627965"), qos: 1, retain: false, properties: { willDelayInterval: 5 } },
      properties: { sessionExpiryInterval: 3600, receiveMaximum: 10 },
    },
  },
  {
    version: 5,
    packet: {
      type: "SUBSCRIBE", packetId: 1, properties: { subscriptionIdentifier: 9 },
      subscriptions: [{ filter: "home/#", qos: 1, noLocal: true, retainHandling: 2 }],
    },
    hex: "820e0001020b090006686f6d652f2325",
    decoded: {
      type: "SUBSCRIBE", packetId: 1, properties: { subscriptionIdentifier: 9 },
      subscriptions: [{ filter: "home/#", qos: 1, noLocal: true, retainAsPublished: false, retainHandling: 2 }],
    },
  },
  {
    version: 5,
    packet: { type: "SUBACK", packetId: 1, reasonCodes: [1, 0x80] },
    hex: "90050001000180",
    decoded: { type: "SUBACK", packetId: 1, reasonCodes: [1, 0x80], properties: {} },
  },
  {
    version: "3.1.1",
    packet: { type: "UNSUBSCRIBE", packetId: 2, filters: ["a", "b"] },
    hex: "a2080002000161000162",
    decoded: { type: "UNSUBSCRIBE", packetId: 2, filters: ["a", "b"], properties: {} },
  },
  {
    version: "3.1.1",
    packet: { type: "CONNACK", reasonCode: 5 },
    hex: "20020005",
    decoded: { type: "CONNACK", sessionPresent: false, reasonCode: 5, properties: {} },
  },
  { version: 5, packet: { type: "PUBREL", packetId: 3 }, hex: "62020003", decoded: { type: "PUBREL", packetId: 3, reasonCode: 0, properties: {} } },
  { version: 5, packet: { type: "DISCONNECT" }, hex: "e000", decoded: { type: "DISCONNECT", reasonCode: 0, properties: {} } },
  { version: 5, packet: { type: "PINGREQ" }, hex: "c000", decoded: { type: "PINGREQ" } },
];

/** Every check in node, against the installed package's entry. */
async function nodeChecks(m) {
  const checks = {
    async "dissects a CONNECT field by field"() {
      const d = await m.dissect(CONNECT, { version: "3.1.1" });
      assert.equal(d.packetType, "CONNECT");
      assert.equal(d.length, 18);
      assert.equal(d.error, null);
      assert.deepEqual(d.fields.map(row), CONNECT_FIELDS);
      assert.deepEqual(d.fields[9], {
        name: "Will QoS", path: "connect.flags.will_qos", start: 9, end: 10, mask: 0b11000,
        value: "At most once (0x00)", section: "3.1.2.6", depth: 2,
      });
    },
    async "dissects a PUBLISH with properties"() {
      const d = await m.dissect(bytes(PUBLISH), { version: 5 });
      assert.equal(d.packetType, "PUBLISH");
      assert.equal(d.length, 54);
      assert.equal(d.error, null);
      assert.deepEqual(d.fields.map(row), PUBLISH_FIELDS);
      assert.deepEqual(d.fields.map((f) => f.name).slice(9, 12), ["Property Identifier", "Content Type length", "Content Type"]);
    },
    async "names the rule of QoS 3 [MQTT-3.3.1-4]"() {
      const d = await m.dissect([0x36, 0x00]);
      assert.ok(d.error instanceof m.DecodeError && d.error instanceof m.MqttError && d.error instanceof Error);
      assert.equal(d.error.name, "DecodeError");
      assert.equal(d.error.rule, "MQTT-3.3.1-4");
      assert.equal(d.error.offset, 0);
      assert.equal(d.error.reasonCode, 0x81);
      assert.equal(d.error.message, "byte 0: QoS 3 is not a QoS level; expected 0, 1 or 2 [MQTT-3.3.1-4]");
    },
    async "names the rule of a reserved flag [MQTT-2.1.3-1]"() {
      const d = await m.dissect("c2 00");
      assert.deepEqual([d.error.offset, d.error.rule], [0, "MQTT-2.1.3-1"]);
      assert.equal(d.error.message, "byte 0: PINGREQ flags are 0010, expected 0000 [MQTT-2.1.3-1]");
    },
    async "dissects a short packet up to where it ends"() {
      const d = await m.dissect(new Uint8Array([0x30, 0x05, 0x00, 0x03, 0x61, 0x2f]).buffer, { version: 4 });
      assert.deepEqual(d.fields.map((f) => f.path).slice(-2), ["fixed_header.remaining_length", "publish.topic.length"]);
      assert.deepEqual([d.error.offset, d.error.rule], [6, "3.3.2.1"]);
      assert.equal(d.error.message, "byte 6: Topic Name needs 3 bytes but only 2 are left (§3.3.2.1)");
    },
    async "reports bytes after the packet (2.1.4)"() {
      const d = await m.dissect("30 07 00 03 61 2f 62 68 69 ff", { version: "3.1.1" });
      assert.equal(d.fields.at(-1).path, "publish.payload");
      assert.deepEqual([d.error.offset, d.error.rule], [9, "2.1.4"]);
    },
    async "encodes and decodes every packet shape exactly"() {
      for (const { version, packet, hex: want, decoded } of ROUND_TRIPS) {
        const encoded = await m.encode(packet, { version });
        assert.equal(hex(encoded), want, `encode ${packet.type}`);
        const back = await m.decode(encoded, { version });
        assert.deepEqual(back, decoded, `decode ${packet.type}`);
        assert.equal(hex(await m.encode(back, { version })), want, `encode(decode) ${packet.type}`);
      }
    },
    async "load() gives the same functions synchronously"() {
      const sync = await m.load();
      assert.equal(hex(sync.encode({ type: "PINGRESP" })), "d000");
      assert.deepEqual(sync.decode([0xd0, 0x00]), { type: "PINGRESP" });
      assert.equal(sync.dissect("e0 00").packetType, "DISCONNECT");
    },
    async "decode throws a DecodeError with offset, rule and reason code"() {
      await throwsLike(() => m.decode("30 03 00 01 2b", { version: "3.1.1" }), m.DecodeError, {
        name: "DecodeError", offset: 4, rule: "MQTT-3.3.2-2", field: null,
        message: "byte 4: topic name contains a wildcard (+ or #) [MQTT-3.3.2-2]",
      });
      await throwsLike(() => m.decode("20 03 01 87 00"), m.DecodeError, { offset: 2, rule: "MQTT-3.2.2-6" });
      await throwsLike(() => m.decode([0x30]), m.DecodeError, { offset: 1 });
    },
    async "encode refuses what MQTT forbids with a UsageError and its rule"() {
      await throwsLike(() => m.encode({ type: "PUBLISH", topic: "a/+" }), m.UsageError, {
        name: "UsageError", rule: "MQTT-3.3.2-2", offset: null, field: null,
        message: "a topic name may not contain + or # [MQTT-3.3.2-2]",
      });
      const v3 = { type: "CONNECT", clientId: "x", properties: { sessionExpiryInterval: 1 } };
      await throwsLike(() => m.encode(v3, { version: 4 }), m.UsageError, {
        message: "CONNECT properties does not exist in this protocol version",
      });
    },
    async "bad arguments are UsageErrors naming the field"() {
      const cases = [
        [() => m.encode({ type: "PUBLISH", topic: "a", properties: { topicAlias: 0 } }),
          "packet.properties.topicAlias", "packet.properties.topicAlias: expected an integer from 1 to 65535"],
        [() => m.encode({ type: "PUBLISH", topic: "a", propertes: {} }), "packet.propertes",
          "packet.propertes: no such field; the fields here are type, qos, packetId, dup, retain, topic, properties, payload"],
        [() => m.encode({ type: "PUBLISH", topic: "a", qos: 1 }), "packet.packetId",
          "packet.packetId: expected a packet id from 1 to 65535: QoS 1 and 2 need one"],
        [() => m.encode({ type: "PUBLISH", topic: 7 }), "packet.topic", "packet.topic: expected a string"],
        [() => m.encode({ type: "FOO" }), "packet.type", null],
        [() => m.encode("PINGREQ"), "packet", "packet: expected an object"],
        [() => m.encode({ type: "PINGREQ" }, { version: 6 }), "options.version",
          'options.version: expected 3 or "3.1", 4 or "3.1.1", 5 or "5.0", got 6'],
        [() => m.dissect("c0 00", { versoin: 4 }), "options.versoin", "options.versoin: no such option; the options are: version"],
        [() => m.dissect(null), "bytes", null],
        [() => m.dissect([48, 256]), "bytes[1]", "bytes[1]: expected a byte value 0 to 255, got 256"],
        // A lone surrogate would be encoded as U+FFFD: a topic other than the one given.
        [() => m.encode({ type: "PUBLISH", topic: "a/\ud800" }), "packet.topic",
          "packet.topic: a lone UTF-16 surrogate has no UTF-8 form [MQTT-1.5.4-1]"],
        // More than any packet: refused before it is copied into the wasm module's memory.
        [() => m.decode(new Uint8Array(268435461)), "bytes",
          "bytes: 268435461 bytes is more than any MQTT packet (at most 268435460: a fixed header and a Remaining Length of 268,435,455, 2.1.4)"],
      ];
      for (const [f, field, message] of cases) {
        const e = await throwsLike(f, m.UsageError, { field });
        assert.ok(e instanceof m.MqttError && e instanceof Error);
        if (message) assert.equal(e.message, message);
      }
      await throwsLike(() => m.dissect("30 0g"), m.UsageError, {
        field: "bytes", offset: 4, message: "bytes: not hex: 'g' at line 1, column 5 is not a hex digit",
      });
    },
  };
  return runChecks("node", checks);
}

/** The test page: the entry imported by its path from a plain module script. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>mqttscope/dissect</title><link rel="icon" href="data:,">
<script type="module">
  import { dissect, decode, DecodeError } from "/node_modules/mqttscope/dissect/index.js";
  const d = await dissect("${CONNECT}", { version: "3.1.1" });
  const bad = await dissect([0x36, 0x00]);
  const packet = await decode("30 07 00 03 61 2f 62 68 69", { version: 4 });
  window.result = {
    type: d.packetType, fields: d.fields.length, clientId: d.fields.at(-1).value,
    rule: bad.error.rule, typed: bad.error instanceof DecodeError, topic: packet.topic,
  };
</script>`;

/** The page in headless Chromium: the entry loads from a plain module script. */
const browserChecks = (dir) =>
  pageCheck(dir, PAGE, "loads_in_a_plain_module_script", {
    type: "CONNECT", fields: 16, clientId: '"dash"', rule: "MQTT-3.3.1-4", typed: true, topic: "a/b",
  });

/** A user's TypeScript module: what the declarations must accept, and, each marked
 *  `@ts-expect-error`, what they must refuse (tsc fails when such a line compiles). */
const USER_TS = `
import { dissect, decode, encode, load, DecodeError, MqttError } from "mqttscope/dissect";
import type { Dissection, Packet } from "mqttscope/dissect";

const d: Dissection = await dissect("30 03 00 01 74", { version: 5 });
const path: string | undefined = d.fields[0]?.path;
const broken: string | null = d.error ? d.error.rule : null;
const p: Packet = await decode(new Uint8Array([0xc0, 0x00]), { version: "3.1.1" });
if (p.type === "PUBLISH") {
  const topic: string = p.topic;
  const qos: 0 | 1 | 2 = p.qos;
  const payload: Uint8Array = p.payload;
}
if (p.type === "CONNACK") {
  const resumed: boolean = p.sessionPresent;
}
const out: Uint8Array = await encode({ type: "PUBLISH", topic: "a/b", payload: "hi", qos: 1, packetId: 7 });
const dissector = await load();
const ping: Uint8Array = dissector.encode({ type: "PINGREQ" });
try {
  await decode([0x36, 0x00]);
} catch (e) {
  if (e instanceof DecodeError) {
    const at: number = e.offset;
    const code: number = e.reasonCode;
  } else if (e instanceof MqttError) {
    const rule: string | null = e.rule;
  }
}
// @ts-expect-error QoS 3 does not exist
await encode({ type: "PUBLISH", topic: "t", qos: 3 });
// @ts-expect-error no such packet type
await encode({ type: "PUBLISHED", topic: "t" });
// @ts-expect-error there is no MQTT version 6
await dissect("c0 00", { version: 6 });
// @ts-expect-error only a PUBLISH has a topic: the union must be narrowed first
const unnarrowed: string = p.topic;
export { path, broken, out, ping, unnarrowed };
`;

process.exitCode = await checkEntry("mqttscope/dissect", { node: nodeChecks, ts: USER_TS, browser: browserChecks }).then(
  (failed) => (failed ? 1 : 0),
  (e) => {
    console.error(e);
    return 1;
  },
);
