// The end-to-end harness: finds the repository, checks the binary and the built web front end,
// starts `cloop serve` on a fresh demo database at a free port, drives Debian's chromium through
// playwright-core, and keeps screenshots under <repo>/test-output/screens/.
//
// Environment:
//   CLOOP_E2E_KEEP=1       keep the temporary data directory (its path is printed)
//   CLOOP_E2E_SLOWMO=ms    slow every browser action down (watching a run with a virtual display)
//   CLOOP_E2E_CHROMIUM     another chromium binary (default /usr/bin/chromium)

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))

/** The repository root: the nearest ancestor with Cargo.toml and web/package.json. */
export function repoRoot(start = here) {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, 'Cargo.toml')) && existsSync(join(dir, 'web', 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`e2e: no repository root (Cargo.toml + web/package.json) above ${start}`)
    dir = up
  }
}

export const ROOT = repoRoot()
export const SCREENS = join(ROOT, 'test-output', 'screens')
const BIN = join(ROOT, 'target', 'debug', 'cloop')

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export const DEMO_PASSWORD = 'demo1234'

function log(...a) {
  console.error('[e2e]', ...a)
}

/** The web front end must be built: the binary serves web/dist. */
export function requireWebBuild() {
  for (const f of ['index.html', 'portal.html']) {
    if (!existsSync(join(ROOT, 'web', 'dist', f))) {
      throw new Error(
        `e2e: web/dist/${f} is missing — build the web front end first:\n` +
          `    cd ${join(ROOT, 'web')} && npm run build\n` +
          `(make test does this before running the e2e suite)`,
      )
    }
  }
}

function cargoBuild() {
  log('building target/debug/cloop (cargo build -p cloop-cli) …')
  const r = spawnSync('cargo', ['build', '-p', 'cloop-cli'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error('e2e: cargo build -p cloop-cli failed')
}

/** target/debug/cloop, built if missing. */
export function requireBinary() {
  if (!existsSync(BIN)) cargoBuild()
  if (!existsSync(BIN)) throw new Error(`e2e: ${BIN} missing after cargo build`)
  return BIN
}

/** A debug build reads web/dist from disk at run time, but a binary compiled while web/dist did
 * not exist never finds it (rust-embed keeps the uncanonicalised `crates/server/../../web/dist`
 * and rejects every file). Such a binary serves the placeholder page; rebuild it once. */
function forceServerRebuild() {
  const web = join(ROOT, 'crates', 'server', 'src', 'routes', 'web.rs')
  if (existsSync(web)) {
    const now = new Date()
    utimesSync(web, now, now)
  }
  cargoBuild()
}

function run(args, opts = {}) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), ...opts })
  if (r.status !== 0) {
    throw new Error(`e2e: cloop ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  }
  return r.stdout
}

function cleanEnv() {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (k.startsWith('CLOOP_') && !k.startsWith('CLOOP_E2E')) delete env[k]
  env.RUST_LOG = env.RUST_LOG ?? 'warn'
  return env
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.unref()
    s.on('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Demo logins from DATA_DIR/demo-logins.txt: username → { role, name, org }. */
export function readLogins(dataDir) {
  const text = readFileSync(join(dataDir, 'demo-logins.txt'), 'utf8')
  const out = {}
  for (const line of text.split('\n')) {
    const m = line.match(/^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/)
    if (!m || m[1] === 'username' || m[1].startsWith('-')) continue
    out[m[1]] = { username: m[1], role: m[2], password: m[3], name: m[4], org: m[5] }
  }
  return out
}

/**
 * A fresh server: temp data dir, `cloop demo --complaints N` (which routes web complaints to
 * 华腾电器's first hotline team, so its agents see them), `cloop serve` on a free port. Intake
 * routing is off unless `routing` is true, so the other specs find new complaints `received`.
 * `serveArgs` go to `cloop serve` (e.g. `['--scheduler-interval', '1']` so the scheduler raises
 * the demo's SLA warnings and escalations within seconds, or `['--now', …]`).
 */
export async function startServer({ complaints = 60, routing = false, serveArgs = [] } = {}) {
  requireWebBuild()
  requireBinary()
  const dataDir = mkdtempSync(join(tmpdir(), 'cloop-e2e-'))
  log(`data dir ${dataDir}`)
  run(['demo', '--data-dir', dataDir, '--complaints', String(complaints)])
  const logins = readLogins(dataDir)

  let server = await launch(dataDir, routing, serveArgs)
  if (!(await servesBuiltWeb(server.url))) {
    await server.stop()
    log('the binary serves the placeholder page, not web/dist: rebuilding it')
    forceServerRebuild()
    server = await launch(dataDir, routing, serveArgs)
    if (!(await servesBuiltWeb(server.url))) {
      await server.stop()
      throw new Error('e2e: cloop serve does not serve web/dist even after a rebuild')
    }
  }

  return {
    url: server.url,
    dataDir,
    logins,
    output: () => server.output.join(''),
    async stop() {
      await server.stop()
      if (process.env.CLOOP_E2E_KEEP) log(`kept ${dataDir}`)
      else rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function launch(dataDir, routing, extra = []) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const output = []
  const args = ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--routing', String(routing), ...extra]
  const child = spawn(BIN, args, {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (d) => output.push(String(d)))
  child.stderr.on('data', (d) => output.push(String(d)))
  let exited = null
  const exit = new Promise((r) => child.once('exit', (code, signal) => r((exited = { code, signal }))))

  const deadline = Date.now() + 30_000
  for (;;) {
    if (exited) throw new Error(`e2e: cloop serve exited early (${JSON.stringify(exited)}):\n${output.join('')}`)
    try {
      const r = await fetch(`${url}/readyz`)
      if (r.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`e2e: ${url}/readyz did not answer within 30 s:\n${output.join('')}`)
    }
    await sleep(150)
  }
  log(`serving ${url} (pid ${child.pid})`)

  return {
    url,
    output,
    async stop() {
      if (exited) return
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(t)
    },
  }
}

async function servesBuiltWeb(url) {
  const html = await (await fetch(`${url}/portal/`)).text()
  return /\/assets\/portal[-.]/.test(html)
}

// --- browser -------------------------------------------------------------------------------------

export async function launchBrowser() {
  const executablePath = process.env.CLOOP_E2E_CHROMIUM || '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    throw new Error(
      `e2e: ${executablePath} not found. Install Debian's chromium: apt-get install -y chromium fonts-noto-cjk ` +
        '(scripts/ensure-deps.sh does this); never `npx playwright install`.',
    )
  }
  return chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    slowMo: Number(process.env.CLOOP_E2E_SLOWMO) || 0,
  })
}

/** A page in a fresh context (own cookies and storage) with a viewport and the UI language. */
export async function newPage(browser, { width = 1280, height = 800, locale = 'zh-CN', baseURL } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    locale,
    baseURL,
    timezoneId: 'Asia/Shanghai',
    isMobile: width < 600,
    hasTouch: width < 600,
  })
  // The app remembers the language; start every context in the language asked for.
  await context.addInitScript((l) => {
    try {
      if (!sessionStorage.getItem('cloop.e2e.init')) {
        localStorage.setItem('cloop.locale', l)
        sessionStorage.setItem('cloop.e2e.init', '1')
      }
    } catch {
      /* about:blank */
    }
  }, locale)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.setDefaultNavigationTimeout(30_000)
  const problems = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.problems = problems
  return page
}

/** Saves <repo>/test-output/screens/<name>.png (full page). */
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENS, { recursive: true })
  const path = join(SCREENS, `${name}.png`)
  // Let transitions and fonts settle.
  await page.evaluate(() => document.fonts?.ready).catch(() => {})
  await page.waitForTimeout(250)
  await page.screenshot({ path, fullPage, animations: 'disabled' })
  return path
}

export function fileSize(path) {
  return statSync(path).size
}

// --- API (for set-up, checks, and steps a screen does not cover yet) ---------------------------

export class ApiSession {
  constructor(baseUrl) {
    this.baseUrl = baseUrl
    this.cookie = ''
    this.csrf = ''
    this.user = null
  }

  static async login(baseUrl, username, password = DEMO_PASSWORD) {
    const s = new ApiSession(baseUrl)
    const r = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    const body = await r.json()
    if (!r.ok) throw new Error(`e2e: login ${username} failed: ${r.status} ${JSON.stringify(body)}`)
    s.cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    s.csrf = body.csrf_token
    s.user = body.user
    s.permissions = (body.permissions ?? []).map((p) => p.code)
    return s
  }

  /** Returns { status, body }; never throws on HTTP errors. */
  async call(method, path, body) {
    const headers = { accept: 'application/json', cookie: this.cookie }
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf
    if (body !== undefined) headers['content-type'] = 'application/json'
    const r = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    let parsed = null
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = text
    }
    return { status: r.status, body: parsed }
  }

  async ok(method, path, body) {
    const r = await this.call(method, path, body)
    if (r.status >= 400) throw new Error(`e2e: ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
}

/** Unauthenticated JSON call (the public API). */
export async function publicCall(baseUrl, method, path, body) {
  const r = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await r.text()
  return { status: r.status, body: text ? JSON.parse(text) : null }
}
