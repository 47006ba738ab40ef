// Two instances on one PostgreSQL database (docs/scaling.md): a record pushed to instance A
// moves the progress bar of a task page served by instance B within a second, through B's
// event stream (A's commit -> NOTIFY -> B's LISTEN -> B's GET /events -> the page), with no
// reload and no polling. Needs headless Chromium and the tests' PostgreSQL cluster (ctest
// fixture pg_cluster); without either it skips.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { api, chromiumMissing, launchBrowser, pgMissing, scratchDatabase, screenshotPath, startServer } from './support.mjs'

const missing = chromiumMissing() ?? pgMissing()
if (missing) console.log(`SKIP browser tests: ${missing}`)

const kWait = 20000
// The bound: the pushed record shows on the other instance's page within a second.
const kWithin = 1000
// The page gathers events into one load at most every 2 s (web/src/polling.js), and a task's
// progress goes on the stream at most once a second (docs/api.md): the push waits until both
// gaps have passed since the page's last load, so the bound measures the way from A to B's page.
const kQuietMs = 2200

describe('live updates across two instances', { skip: missing ?? false }, () => {
  let database
  let serverA
  let serverB
  let browser

  before(async () => {
    database = await scratchDatabase('browser_live')
    // One after the other: A creates the schema, B finds it.
    serverA = await startServer({ db: database.url })
    serverB = await startServer({ db: database.url })
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    await serverA?.stop()
    await serverB?.stop()
    await database?.drop()
  })

  test('a record pushed to A moves the progress bar of the page B serves within a second', async () => {
    const task = await api(serverA.base, 'POST', '/tasks', {
      name: '双实例任务',
      leads: [{ phone: '13700000021' }, { phone: '13700000022' }],
    })
    await api(serverA.base, 'POST', `/tasks/${task.task_id}/start`, {})

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    const page = await context.newPage()
    page.on('pageerror', (error) => console.log(`page error: ${error.message}`))
    const requests = []
    page.on('request', (request) => {
      requests.push({ url: new URL(request.url()), at: Date.now() })
    })
    let documents = 0
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) documents += 1
    })
    await page.goto(`${serverB.base}/#/tasks/${task.task_id}`)
    await page.locator('[data-live="open"]').waitFor({ timeout: kWait })
    const kProgress = '.task-head .task-progress .progress-text'
    // Resolves once the page's progress bar reads `text`.
    const progressShows = (text, timeout) =>
      page.waitForFunction(
        ([selector, expected]) => document.querySelector(selector)?.textContent.trim() === expected,
        [kProgress, text],
        { timeout },
      )
    await progressShows('0/2', kWait)
    // Every request of the page went to B, and B's stream is the one it reads.
    assert.ok(requests.every((r) => r.url.origin === serverB.base), 'the page talks to B only')
    assert.equal(requests.filter((r) => r.url.pathname === '/events').length, 1)

    const taskLoads = () => requests.filter((r) => r.url.pathname === `/tasks/${task.task_id}`)
    for (;;) {
      const last = taskLoads().at(-1).at
      const wait = last + kQuietMs - Date.now()
      if (wait <= 0) break
      await page.waitForTimeout(wait)
    }
    await page.evaluate(() => {
      window.__notReloaded = true
    })
    const loadsBefore = taskLoads().length
    const navigationsBefore = documents

    const pushed = Date.now()
    const response = await fetch(`${serverA.base}/outbound_call_records`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        records: [{ call_id: 'two-instances-1', task_id: task.task_id, phone: '13700000021', call_status: 'SucceededFinish' }],
      }),
    })
    assert.equal(response.status, 200, await response.text())
    await progressShows('1/2', kWithin)
    console.log(`pushed to A; B's page showed it ${Date.now() - pushed} ms later`)
    await page.screenshot({ path: screenshotPath('live-two-instances'), fullPage: false })

    // The same document, still on the stream (one /events request, never polled): the task was
    // read again once, because B's stream said it changed.
    assert.equal(await page.evaluate(() => window.__notReloaded), true)
    assert.equal(documents, navigationsBefore)
    assert.equal(await page.locator('[data-test="live"]').getAttribute('data-live'), 'open')
    assert.equal(requests.filter((r) => r.url.pathname === '/events').length, 1)
    assert.equal(taskLoads().length, loadsBefore + 1)
    assert.ok(requests.every((r) => r.url.origin === serverB.base), 'the page talks to B only')
    await context.close()
  })
})
