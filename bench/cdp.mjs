// Headless Chromium driven over the DevTools protocol on `--remote-debugging-pipe` (file
// descriptors 3 and 4), with no dependencies. The benches use this instead of Playwright
// because it enables only the domains asked for: Playwright enables the Network domain on
// every page and worker, and Chromium then sends the harness an event per WebSocket frame
// (30,002 in a 3 s flood of the app bench), which loads the very machine being measured.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--remote-debugging-pipe'
]

/** A DevTools protocol connection: commands, their replies, and events to listeners. */
export class Cdp {
  constructor (input, output) {
    this.out = output
    this.nextId = 1
    this.pending = new Map()
    this.listeners = []
    let buffered = ''
    input.setEncoding('utf8')
    input.on('data', chunk => {
      buffered += chunk
      let end
      while ((end = buffered.indexOf('\0')) >= 0) {
        this.dispatch(JSON.parse(buffered.slice(0, end)))
        buffered = buffered.slice(end + 1)
      }
    })
  }

  dispatch (msg) {
    if (msg.id !== undefined && this.pending.has(msg.id)) {
      const { resolve, reject, method } = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      if (msg.error) reject(new Error(`${method}: ${msg.error.message}`))
      else resolve(msg.result)
    } else if (msg.method) {
      for (const l of [...this.listeners]) l(msg)
    }
  }

  send (method, params = {}, sessionId) {
    const id = this.nextId++
    const msg = { id, method, params }
    if (sessionId) msg.sessionId = sessionId
    this.out.write(JSON.stringify(msg) + '\0')
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }))
  }

  /** Calls `f` with the params of every `method` event of `sessionId`; returns an unsubscriber. */
  on (method, sessionId, f) {
    const l = msg => { if (msg.method === method && msg.sessionId === sessionId) f(msg.params) }
    this.listeners.push(l)
    return () => this.listeners.splice(this.listeners.indexOf(l), 1)
  }

  /** The params of the next `method` event of `sessionId`. */
  waitFor (method, sessionId) {
    return new Promise(resolve => {
      const off = this.on(method, sessionId, params => { off(); resolve(params) })
    })
  }

  // Copies the page's console output and uncaught exceptions to stderr.
  logPage (sessionId) {
    this.listeners.push(msg => {
      if (msg.sessionId !== sessionId) return
      if (msg.method === 'Runtime.consoleAPICalled') {
        console.error('page:', msg.params.args.map(a => a.value ?? a.description).join(' '))
      } else if (msg.method === 'Runtime.exceptionThrown') {
        console.error('page exception:', msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text)
      }
    })
  }
}

/** Starts Chromium (with `extraArgs`) on a fresh profile; `close()` ends it and removes the profile. */
export function launchChromium (executable, extraArgs = []) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mqttscope-bench-chromium-'))
  const child = spawn(executable, [...CHROMIUM_ARGS, ...extraArgs, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stdio[2].on('data', d => { stderr = (stderr + d).slice(-4000) })
  const cdp = new Cdp(child.stdio[4], child.stdio[3])
  const exited = once(child, 'exit')
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await Promise.race([cdp.send('Browser.close').catch(() => {}), exited])
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(killer)
    }
    fs.rmSync(profile, { recursive: true, force: true })
  }
  exited.then(() => { for (const { reject } of cdp.pending.values()) reject(new Error('chromium exited: ' + stderr)) })
  return { cdp, close }
}

/** Opens a tab of `width` x `height` on `url` (running `init` in it before the page's own
 *  scripts) and returns its session id once the page has loaded. */
export async function openPage (cdp, url, { width = 1280, height = 800, init } = {}) {
  const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' })
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true })
  cdp.logPage(sessionId)
  await cdp.send('Page.enable', {}, sessionId)
  await cdp.send('Runtime.enable', {}, sessionId)
  await cdp.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId)
  if (init) await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: init }, sessionId)
  const loaded = cdp.waitFor('Page.loadEventFired', sessionId)
  await cdp.send('Page.navigate', { url }, sessionId)
  await loaded
  return sessionId
}

/** Evaluates `expression` in the page and returns its value (awaiting a promise). */
export async function evaluate (cdp, sessionId, expression) {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
    expression,
    awaitPromise: true,
    returnByValue: true
  }, sessionId)
  if (exceptionDetails) throw new Error('in the page: ' + (exceptionDetails.exception?.description ?? exceptionDetails.text))
  return result.value
}

/** One page of the browser: DevTools commands to it, evaluation and tracing in it. */
export class Tab {
  constructor (cdp, sessionId) {
    Object.assign(this, { cdp, sessionId })
  }

  send (method, params) {
    return this.cdp.send(method, params, this.sessionId)
  }

  /** Runs `f(...args)` in the page and returns its value. */
  run (f, ...args) {
    return evaluate(this.cdp, this.sessionId, `(${f})(...${JSON.stringify(args)})`)
  }

  /** Starts a Chromium trace of `categories`; `stop()` resolves with its events. */
  trace (categories) {
    const events = []
    const off = this.cdp.on('Tracing.dataCollected', this.sessionId, e => events.push(...e.value))
    const started = this.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: categories }
    })
    return {
      started,
      stop: async () => {
        await started
        const done = this.cdp.waitFor('Tracing.tracingComplete', this.sessionId)
        await this.send('Tracing.end')
        await done
        off()
        return events
      }
    }
  }
}
