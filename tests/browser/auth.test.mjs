// The dashboard of a service that requires API tokens, in real headless Chromium: the page
// asks for a token, refuses a wrong one, shows the tasks with a right one and keeps it in the
// browser until it is forgotten. Screenshots go to $DIALTRACK_BROWSER_OUTPUT.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { api, chromiumMissing, launchBrowser, screenshotPath, startServer } from './support.mjs'

const missing = chromiumMissing()
if (missing) console.log(`SKIP browser tests: ${missing}`)

const kWait = 20000
const kReadToken = 'browser-read-token-0123456789'
const kWriteToken = 'browser-write-token-0123456789'

describe('dashboard with authentication', { skip: missing ?? false }, () => {
  let server
  let browser
  let task

  before(async () => {
    server = await startServer({
      env: { DIALTRACK_AUTH_TOKENS: `dashboard:read:${kReadToken},feeder:write:${kWriteToken}` },
    })
    browser = await launchBrowser()
    await assert.rejects(api(server.base, 'GET', '/tasks'), /401/)
    task = await api(server.base, 'POST', '/tasks', { name: '需要令牌的任务', leads: [{ phone: '13700000001' }] }, kWriteToken)
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('the page asks for a token, refuses a wrong one and shows the tasks with a right one', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    const page = await context.newPage()
    page.on('pageerror', (error) => console.log(`page error: ${error.message}`))
    await page.goto(`${server.base}/`)

    const prompt = page.locator('[data-test="token-prompt"]')
    await prompt.waitFor({ timeout: kWait })
    assert.equal(await page.locator(`tr[data-task-id="${task.task_id}"]`).count(), 0)
    await page.screenshot({ path: screenshotPath('auth-token-prompt'), fullPage: true })

    await prompt.locator('input').fill('not-the-right-token-at-all')
    await prompt.locator('button[type="submit"]').click()
    // The prompt goes away while the new token is tried, and comes back on the 401.
    await prompt.waitFor({ timeout: kWait })
    assert.equal(await page.locator(`tr[data-task-id="${task.task_id}"]`).count(), 0)

    await prompt.locator('input').fill(kReadToken)
    await prompt.locator('button[type="submit"]').click()
    const row = page.locator(`tr[data-task-id="${task.task_id}"]`)
    await row.waitFor({ timeout: kWait })
    assert.equal(await row.locator('.task-link').innerText(), '需要令牌的任务')
    assert.equal(await prompt.count(), 0)
    await page.screenshot({ path: screenshotPath('auth-token-accepted'), fullPage: true })

    // Kept in this browser: a new page of the same context needs no prompt.
    const again = await context.newPage()
    await again.goto(`${server.base}/`)
    await again.locator(`tr[data-task-id="${task.task_id}"]`).waitFor({ timeout: kWait })
    assert.equal(await again.locator('[data-test="token-prompt"]').count(), 0)
    await context.close()
  })

  test('a read token sees no write action; a write token sees them', async () => {
    for (const [token, canWrite] of [[kReadToken, false], [kWriteToken, true]]) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
      await context.addInitScript((value) => localStorage.setItem('dialtrack.token', value), token)
      const page = await context.newPage()
      page.on('pageerror', (error) => console.log(`page error: ${error.message}`))
      await page.goto(`${server.base}/#/tasks/${task.task_id}`)
      await page.locator('[data-test="task-name"]').waitFor({ timeout: kWait })
      const scope = await page.evaluate(async (value) => {
        const r = await fetch('/auth/scope', { headers: { Authorization: `Bearer ${value}` } })
        return (await r.json()).data
      }, token)
      assert.deepEqual(scope, { scope: canWrite ? 'write' : 'read', tokens_required: true })
      if (canWrite) {
        await page.locator('[data-action="start"]').waitFor({ timeout: kWait })
        assert.equal(await page.locator('[data-test="read-only"]').count(), 0)
      } else {
        await page.locator('[data-test="read-only"]').waitFor({ timeout: kWait })
        assert.equal(await page.locator('[data-action]').count(), 0)
        // Reading stays: the leads tab and the export buttons.
        await page.locator('[data-tab="leads"]').click()
        await page.locator('[data-test="lead-table"] tr.lead-row').first().waitFor({ timeout: kWait })
        assert.equal(await page.locator('[data-export]').count(), 4)
        await page.goto(`${server.base}/#/`)
        await page.locator(`tr[data-task-id="${task.task_id}"]`).waitFor({ timeout: kWait })
        assert.equal(await page.locator('[data-action="new-task"]').count(), 0)
        await page.screenshot({ path: screenshotPath('auth-read-only'), fullPage: true })
        // An export is a read: fetched with the token (a link could not send it) and saved.
        await page.goto(`${server.base}/#/tasks/${task.task_id}`)
        // Whether this build exports: a bad offset is a 400 from the route, 404 without it.
        const probe = await fetch(`${server.base}/tasks/${task.task_id}/leads.csv?utc_offset=bad`, { headers: { Authorization: `Bearer ${token}` } })
        await probe.body?.cancel()
        if (probe.status !== 404) {
          const [download] = await Promise.all([
            page.waitForEvent('download', { timeout: kWait }),
            page.locator('[data-export="leads.csv"]').click(),
          ])
          const chunks = []
          for await (const chunk of await download.createReadStream()) chunks.push(chunk)
          assert.match(Buffer.concat(chunks).toString('utf8'), /13700000001/)
        }
      }
      await context.close()
    }
  })
})
