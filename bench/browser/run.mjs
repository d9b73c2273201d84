#!/usr/bin/env node
// Times the wasm probe's `probe_decode_stream` on W1 and W3 in headless Chromium.
//
// usage: node run.mjs --wasm <probe.wasm> --data <bench-data dir> [--native <jsonl>]
//                     [--chromium /usr/bin/chromium] [--runs 7] [--warmup 1]
//
// No dependencies: a loopback-only HTTP server (127.0.0.1, ephemeral port) serves a blank
// page, the module and the workload files; Chromium is driven over the DevTools protocol
// on `--remote-debugging-pipe` (../cdp.mjs). Timing happens inside the page
// with performance.now() around each call, the page being cross-origin isolated (COOP +
// COEP) so the clock is not coarsened to 100 µs. In each round every workload runs once.
//
// Prints one JSON line per workload in the format of `mqttscope-bench` (implementation
// `mqttscope-wasm`), and, given the native probe's lines (`--native`), the ratio of the
// browser's speed to native.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { evaluate, launchChromium, openPage } from '../cdp.mjs'

const WORKLOADS = [
  { workload: 'W1', file: 'w1_publish_v311_qos0.bin', chunk: 4096, level: 4, packets: 1000000, bytes: 63000000 },
  { workload: 'W3', file: 'w3_mqtt5_mixed.bin', chunk: 4096, level: 5, packets: 200000, bytes: 14376730 }
]
const TIMEOUT_MS = 10 * 60 * 1000

function parseArgs (argv) {
  const o = { chromium: '/usr/bin/chromium', runs: 7, warmup: 1 }
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]]
    if (value === undefined) throw new Error(`${flag} needs a value`)
    const key = flag.replace(/^--/, '')
    if (!['wasm', 'data', 'native', 'chromium', 'runs', 'warmup'].includes(key)) throw new Error(`unknown option ${flag}`)
    o[key] = ['runs', 'warmup'].includes(key) ? Number(value) : value
  }
  if (!o.wasm || !o.data) throw new Error('--wasm and --data are required')
  if (!(o.runs >= 5)) throw new Error('--runs must be at least 5')
  return o
}

// ---------- the page ----------

// Runs inside the page: instantiate, copy each input into wasm memory once, then rounds.
async function pageBench ({ runs, warmup, cases }) {
  const { instance } = await WebAssembly.instantiateStreaming(fetch('/probe.wasm'), {})
  const ex = instance.exports
  const inputs = []
  for (const c of cases) {
    const bytes = new Uint8Array(await (await fetch('/data/' + c.file)).arrayBuffer())
    if (bytes.length !== c.bytes) throw new Error(`${c.file}: ${bytes.length} bytes, expected ${c.bytes}`)
    const ptr = ex.probe_alloc(bytes.length) >>> 0
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes)
    inputs.push({ c, ptr, samples: [] })
  }
  for (let round = 0; round < warmup + runs; round++) {
    for (let j = 0; j < inputs.length; j++) {
      const { c, ptr, samples } = inputs[(round + j) % inputs.length]
      const t0 = performance.now()
      const n = ex.probe_decode_stream(ptr, c.bytes, c.chunk, c.level)
      const t1 = performance.now()
      if (Number(n) !== c.packets) throw new Error(`${c.workload}: decoded ${n} packets, expected ${c.packets}`)
      if (round >= warmup) samples.push(t1 - t0)
    }
  }
  for (const { c, ptr } of inputs) ex.probe_free(ptr, c.bytes)
  return { isolated: self.crossOriginIsolated, samples: inputs.map(i => i.samples) }
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>mqttscope codec bench</title>'

// ---------- the server ----------

function startServer (wasmPath, dataDir) {
  const files = new Map([['/probe.wasm', [wasmPath, 'application/wasm']]])
  for (const w of WORKLOADS) files.set('/data/' + w.file, [path.join(dataDir, w.file), 'application/octet-stream'])
  const server = http.createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store'
    }
    const url = req.url.split('?')[0]
    if (url === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(PAGE)
    } else if (files.has(url)) {
      const [file, type] = files.get(url)
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': fs.statSync(file).size })
      fs.createReadStream(file).pipe(res)
    } else {
      res.writeHead(404, headers).end()
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

// Opens the page, runs pageBench in it and returns its result and the browser's name.
async function benchInBrowser (cdp, url, config) {
  const { product } = await cdp.send('Browser.getVersion')
  const sessionId = await openPage(cdp, url)
  const result = await evaluate(cdp, sessionId, `(${pageBench.toString()})(${JSON.stringify(config)})`)
  return { product, ...result }
}

// ---------- statistics and lines ----------

function stats (ms) {
  const s = [...ms].sort((a, b) => a - b)
  const n = s.length
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
  return { median, min: s[0], max: s[n - 1] }
}

const fixed = (x, d) => Number(x.toFixed(d))

function caseLine (runtime, w, ms, isolated) {
  const st = stats(ms)
  const rate = (per, d) => ({ median: fixed(per / st.median, d), min: fixed(per / st.max, d), max: fixed(per / st.min, d) })
  return {
    bench: 'codec',
    runtime,
    workload: w.workload,
    op: 'decode',
    impl: 'mqttscope-wasm',
    chunk: w.chunk,
    level: w.level,
    bytes: w.bytes,
    packets: w.packets,
    runs: ms.length,
    cross_origin_isolated: isolated,
    loadavg: os.loadavg().map(x => x.toFixed(2)).join(' '),
    ms: { median: fixed(st.median, 3), min: fixed(st.min, 3), max: fixed(st.max, 3) },
    packets_per_s: rate(w.packets * 1e3, 0),
    mb_per_s: rate(w.bytes / 1e3, 1)
  }
}

function nativeMedians (file) {
  const medians = new Map()
  if (!file) return medians
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue
    const o = JSON.parse(line)
    if (o.impl === 'mqttscope-probe-native' && o.ms) medians.set(o.workload, o.ms.median)
  }
  return medians
}

function ratioLine (runtime, w, wasmMs, nativeMs) {
  return {
    bench: 'codec',
    runtime,
    workload: w.workload,
    op: 'decode',
    ratio: 'mqttscope-wasm/mqttscope-probe-native',
    meaning: 'speed relative to native (native time / browser time)',
    of_medians: fixed(nativeMs / stats(wasmMs).median, 3)
  }
}

// ---------- main ----------

async function main () {
  const opts = parseArgs(process.argv.slice(2))
  const server = await startServer(opts.wasm, opts.data)
  const url = `http://127.0.0.1:${server.address().port}/`
  const browser = launchChromium(opts.chromium)
  const timer = setTimeout(() => { console.error('run.mjs: timed out'); browser.close().finally(() => process.exit(1)) }, TIMEOUT_MS)
  try {
    const config = { runs: opts.runs, warmup: opts.warmup, cases: WORKLOADS }
    const { product, isolated, samples } = await benchInBrowser(browser.cdp, url, config)
    const runtime = product.replace(/^(Headless)?Chrome\//, 'chromium ')
    const native = nativeMedians(opts.native)
    WORKLOADS.forEach((w, i) => console.log(JSON.stringify(caseLine(runtime, w, samples[i], isolated))))
    WORKLOADS.forEach((w, i) => {
      if (native.has(w.workload)) console.log(JSON.stringify(ratioLine(runtime, w, samples[i], native.get(w.workload))))
    })
  } finally {
    clearTimeout(timer)
    await browser.close()
    server.close()
  }
}

main().catch(e => {
  console.error('run.mjs:', e.message)
  process.exit(1)
})
