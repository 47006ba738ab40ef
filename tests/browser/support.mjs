// Helpers of the browser tests: the real dialtrack binary on port 0 with a fresh SQLite file (or
// a fresh database on the tests' PostgreSQL cluster),
// its API over loopback HTTP, and Debian's Chromium driven by playwright-core (from web/'s
// node_modules; no browser download).
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(here, '../..')

export const chromiumPath = process.env.DIALTRACK_CHROMIUM || '/usr/bin/chromium'
export const binaryPath = process.env.DIALTRACK_BINARY || path.join(repoRoot, 'build-dev/dialtrack')
export const outputDir = process.env.DIALTRACK_BROWSER_OUTPUT || path.join(repoRoot, 'build-dev/browser-output')

/** playwright-core, installed with the dashboard's packages by `npm ci` in web/. */
export function loadPlaywright() {
  const require = createRequire(path.join(repoRoot, 'web/package.json'))
  return require('playwright-core')
}

/**
 * Starts `dialtrack serve` on 127.0.0.1:0; resolves once it printed `listening on HOST:PORT`.
 * `db`: the database (a postgresql:// URL, say); by default a fresh SQLite file of its own.
 */
export async function startServer({ env = {}, db = null } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dialtrack-browser-'))
  const child = spawn(binaryPath, ['serve', '--listen', '127.0.0.1:0', '--db', db ?? path.join(dir, 'dialtrack.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let log = ''
  child.stderr.on('data', (chunk) => {
    log += chunk
  })
  const address = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`dialtrack did not start within 30 s:\n${out}\n${log}`)), 30000)
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = out.match(/listening on (\S+):(\d+)/)
      if (match) {
        clearTimeout(timer)
        resolve(`${match[1]}:${match[2]}`)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`dialtrack exited (${code}) before it was ready:\n${out}\n${log}`))
    })
  })
  const base = `http://${address}`
  return {
    base,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** One API call; answers the envelope's data, throws on an error envelope. */
export async function api(base, method, urlPath, body, token) {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  const response = await fetch(base + urlPath, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const envelope = await response.json()
  if (!response.ok) {
    throw new Error(`${method} ${urlPath}: ${response.status} ${JSON.stringify(envelope)}`)
  }
  return envelope.data
}

/** Runs a dialtrack subcommand to its end; answers its exit code and output. */
export function runDialtrack(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binaryPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, out }))
  })
}

/**
 * Debian's Chromium, headless, without the background traffic that this machine's closed network
 * refuses. playwright-core starts it with a fresh temporary --user-data-dir of its own (it refuses
 * one given in `args`), removed when the browser closes.
 */
export async function launchBrowser() {
  const { chromium } = loadPlaywright()
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export function screenshotPath(name) {
  mkdirSync(outputDir, { recursive: true })
  return path.join(outputDir, `${name}.png`)
}

/**
 * The admin URL of the PostgreSQL cluster of the tests (ctest's `pg_cluster` fixture, see
 * tests/pg_fixture/pg_fixture.cmake): DIALTRACK_TEST_PG_URL, else the first line of the file
 * DIALTRACK_TEST_PG_URL_FILE names; null when there is none.
 */
export function pgAdminUrl() {
  if (process.env.DIALTRACK_TEST_PG_URL) return process.env.DIALTRACK_TEST_PG_URL
  const file = process.env.DIALTRACK_TEST_PG_URL_FILE
  if (!file || !existsSync(file)) return null
  return readFileSync(file, 'utf8').split('\n')[0].trim() || null
}

export const psqlPath = process.env.DIALTRACK_PSQL || '/usr/bin/psql'

/** Runs one SQL statement with psql (node has no PostgreSQL driver here); throws on failure. */
export function psql(url, sql) {
  return new Promise((resolve, reject) => {
    const child = spawn(psqlPath, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`psql ${sql}: exit ${code}\n${out}`))))
  })
}

/** `admin` (a postgresql:// URL) with its database replaced by `database`; the query is kept. */
export function withDatabase(admin, database) {
  const url = new URL(admin)
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * A fresh database on the tests' cluster: answers its `url` and `drop()`, or null (with the
 * reason in `pgMissing()`) when there is no cluster.
 */
export async function scratchDatabase(prefix = 'browser') {
  const admin = pgAdminUrl()
  if (!admin) return null
  const name = `${prefix}_${process.pid}_${Date.now()}`
  await psql(admin, `CREATE DATABASE ${name}`)
  return {
    url: withDatabase(admin, name),
    drop: () => psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}

/** Why the PostgreSQL browser tests cannot run, or null. */
export function pgMissing() {
  if (!pgAdminUrl()) return 'no PostgreSQL: set DIALTRACK_TEST_PG_URL or DIALTRACK_TEST_PG_URL_FILE (ctest fixture pg_cluster)'
  if (!existsSync(psqlPath)) return `psql not found at ${psqlPath} (apt-get install postgresql-client)`
  return null
}

export function chromiumMissing() {
  return existsSync(chromiumPath) ? null : `chromium not found at ${chromiumPath} (apt-get install chromium, or scripts/setup.sh)`
}
