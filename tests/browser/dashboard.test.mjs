// The dashboard in real headless Chromium against the real dialtrack binary: tasks made and
// records pushed through the HTTP API, then what a person sees. Screenshots go to
// $DIALTRACK_BROWSER_OUTPUT (default build-dev/browser-output).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { api, chromiumMissing, launchBrowser, runDialtrack, screenshotPath, startServer } from './support.mjs'

const missing = chromiumMissing()
if (missing) console.log(`SKIP browser tests: ${missing}`)

const kWait = 20000 // longest wait for something to appear on screen (the list refreshes every 3 s)

/** A record of `phone` for `taskId`; connected statuses count toward completion. */
function record(taskId, phone, callId, status, startedAt, duration) {
  return { call_id: callId, task_id: taskId, phone, call_status: status, started_at: startedAt, duration }
}

describe('dashboard', { skip: missing ?? false }, () => {
  let server
  let browser
  let calling // 5 leads: 3 connected, 1 unanswered, 1 not called yet
  let fresh // 2 leads, no records
  let archived // the oldest task, 20 newer ones keep it off the list's first page

  const phones = ['13800000001', '13800000002', '13800000003', '13800000004', '13800000005']

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    archived = await api(server.base, 'POST', '/tasks', { name: '九月老客户回访 Archive' })
    for (let i = 0; i < 20; i += 1) {
      await api(server.base, 'POST', '/tasks', { name: `filler ${i}` })
    }
    fresh = await api(server.base, 'POST', '/tasks', {
      name: '新任务 fresh',
      leads: [{ phone: '13900000001' }, { phone: '13900000002' }],
    })
    calling = await api(server.base, 'POST', '/tasks', {
      name: '十一月续费回访',
      job_group_id: 'jg-browser',
      leads: phones.map((phone) => ({ phone })),
    })
    const id = calling.task_id
    const answer = await api(server.base, 'POST', '/outbound_call_records', {
      records: [
        record(id, phones[0], 'b-1', 'SucceededFinish', '2026-11-28T09:05:00Z', 61),
        record(id, phones[1], 'b-2', 'SucceededClientHangUp', '2026-11-28T09:20:00Z', 35),
        record(id, phones[2], 'b-3', 'NoAnswer', '2026-11-28T10:01:00Z', 0),
        record(id, phones[2], 'b-4', 'SucceededFinish', '2026-11-28T10:30:00Z', 120),
        record(id, phones[3], 'b-5', 'Busy', '2026-11-28T10:40:00Z', 0),
      ],
    })
    assert.equal(answer.accepted, 5, JSON.stringify(answer))
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function newPage() {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    const page = await context.newPage()
    page.on('pageerror', (error) => console.log(`page error: ${error.message}`))
    return page
  }

  test('the task list shows each task with its state and connected/total progress', async () => {
    const page = await newPage()
    const listed = []
    page.on('request', (request) => {
      const url = new URL(request.url())
      if (url.pathname === '/tasks') listed.push(url.searchParams)
    })
    await page.goto(`${server.base}/`)
    const row = page.locator(`tr[data-task-id="${calling.task_id}"]`)
    await row.locator('.progress-text', { hasText: '3/5' }).waitFor({ timeout: kWait })
    assert.equal(await row.locator('.state-badge').innerText(), '外呼中')
    assert.equal(await row.locator('.task-link').innerText(), '十一月续费回访')
    const other = page.locator(`tr[data-task-id="${fresh.task_id}"]`)
    assert.equal(await other.locator('.progress-text').innerText(), '0/2')
    assert.equal(await other.locator('.state-badge').innerText(), '待启动')

    // The state filter asks the API for calling tasks only.
    await page.locator('button[data-filter="2"]').click()
    await page.locator(`tr[data-task-id="${fresh.task_id}"]`).waitFor({ state: 'detached', timeout: kWait })
    assert.equal(await page.locator('tr.task-row').count(), 1)
    await page.locator('button[data-filter="0"]').click()
    await page.locator('tr.task-row').nth(1).waitFor({ timeout: kWait })
    const archivedRow = page.locator(`tr[data-task-id="${archived.task_id}"]`)
    assert.equal(await page.locator('tr.task-row').count(), 20)
    assert.equal(await archivedRow.count(), 0, 'the oldest task is on the first page')

    // Search by name.
    await page.locator('[data-test="search"]').fill('fresh')
    await page.locator(`tr[data-task-id="${calling.task_id}"]`).waitFor({ state: 'detached', timeout: kWait })
    assert.equal(await page.locator('tr.task-row').count(), 1)
    // The service searches every task: it finds one that is not on the list's first page.
    await page.locator('[data-test="search"]').fill('ARCHIVE')
    await archivedRow.waitFor({ timeout: kWait })
    assert.equal(await page.locator('tr.task-row').count(), 1)
    await page.locator('[data-test="search"]').fill('续费')
    await page.locator(`tr[data-task-id="${calling.task_id}"]`).waitFor({ timeout: kWait })
    assert.equal(await page.locator('tr.task-row').count(), 1)
    // Asked of the service (`q`), a page at a time.
    assert.ok(listed.some((params) => params.get('q') === 'ARCHIVE' && params.get('page_size') === '20'))
    assert.ok(listed.some((params) => params.get('q') === '续费'))
    await page.locator('[data-test="search"]').fill('')
    await page.locator(`tr[data-task-id="${calling.task_id}"]`).waitFor({ timeout: kWait })
    await page.screenshot({ path: screenshotPath('task-list'), fullPage: true })
    await page.context().close()
  })

  test('a task completes on screen while its records arrive, without reloading', async () => {
    const page = await newPage()
    await page.goto(`${server.base}/`)
    const row = page.locator(`tr[data-task-id="${calling.task_id}"]`)
    await row.locator('.state-badge', { hasText: '外呼中' }).waitFor({ timeout: kWait })
    await page.evaluate(() => {
      window.__sameDocument = true
    })

    const id = calling.task_id
    await api(server.base, 'POST', '/outbound_call_records', {
      records: [record(id, phones[3], 'b-6', 'SucceededFinish', '2026-11-28T11:10:00Z', 44)],
    })
    await row.locator('.progress-text', { hasText: '4/5' }).waitFor({ timeout: kWait })
    await api(server.base, 'POST', '/outbound_call_records', {
      records: [record(id, phones[4], 'b-7', 'SucceededFinish', '2026-11-28T11:30:00Z', 90)],
    })
    await row.locator('.state-badge', { hasText: '外呼完成' }).waitFor({ timeout: kWait })
    assert.equal(await row.locator('.progress-text').innerText(), '5/5')
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded')
    await page.screenshot({ path: screenshotPath('task-completed'), fullPage: true })
    await page.context().close()
  })

  test('a task fills up and completes on screen while the dialer simulator runs', async () => {
    const simulator = runDialtrack([
      'simulate', '--url', server.base, '--tasks', '1', '--phones', '40', '--rate', '8',
      '--batch-size', '4', '--connect-rate', '0.6', '--seed', '7', '--english-names',
    ])
    // The simulator creates and starts its task first; open the page once it is there.
    let task = null
    const deadline = Date.now() + kWait
    while (!task && Date.now() < deadline) {
      const list = await api(server.base, 'GET', '/tasks?task_type=2')
      task = list.items.find((item) => item.name.startsWith('Simulated task'))
      if (!task) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.ok(task, 'the simulator created no task')

    const page = await newPage()
    await page.goto(`${server.base}/`)
    await page.evaluate(() => {
      window.__sameDocument = true
    })
    const row = page.locator(`tr[data-task-id="${task.task_id}"]`)
    await row.locator('.state-badge', { hasText: '外呼中' }).waitFor({ timeout: kWait })
    await page.screenshot({ path: screenshotPath('simulator-running'), fullPage: true })
    await row.locator('.state-badge', { hasText: '外呼完成' }).waitFor({ timeout: 60000 })
    assert.equal(await row.locator('.progress-text').innerText(), '40/40')
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded')
    const { code, out } = await simulator
    assert.equal(code, 0, out)
    await page.screenshot({ path: screenshotPath('simulator-completed'), fullPage: true })
    await page.context().close()
  })

  test('the task page shows its records, both charts, key numbers and history', async () => {
    const page = await newPage()
    await page.goto(`${server.base}/#/tasks/${calling.task_id}`)
    await page.locator('[data-test="task-name"]', { hasText: '十一月续费回访' }).waitFor({ timeout: kWait })

    // Records: all seven, newest first.
    await page.locator('[data-test="records"] tr.record-row').nth(6).waitFor({ timeout: kWait })
    assert.equal(await page.locator('[data-test="records"] tr.record-row').count(), 7)
    const callIds = await page.locator('[data-test="records"] tr.record-row td:first-child').allInnerTexts()
    assert.deepEqual([...callIds].sort(), ['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6', 'b-7'])

    // Key numbers from the report: 5 connected of 7 calls.
    await page.locator('[data-test="connect-rate"]', { hasText: '71.4%' }).waitFor({ timeout: kWait })

    // Both charts drew something on their canvas.
    for (const chart of ['status-chart', 'hour-chart']) {
      const canvas = page.locator(`[data-test="${chart}"] canvas`).first()
      await canvas.waitFor({ timeout: kWait })
      const painted = await canvas.evaluate((el) => {
        const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data
        let count = 0
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count += 1
        return { count, width: el.width, height: el.height }
      })
      assert.ok(painted.width > 100 && painted.height > 100, `${chart}: ${JSON.stringify(painted)}`)
      assert.ok(painted.count > 1000, `${chart} looks empty: ${JSON.stringify(painted)}`)
    }

    // History: created (-> 1), 1 -> 2 on the first record, 2 -> 3 when all were connected.
    const history = page.locator('[data-test="history"] li.history-row')
    await history.nth(2).waitFor({ timeout: kWait })
    const rows = await history.allInnerTexts()
    assert.equal(rows.length, 3, rows.join(' | '))
    assert.match(rows[0], /创建任务/)
    assert.match(rows[1], /待启动\s*→\s*外呼中/)
    assert.match(rows[2], /外呼中\s*→\s*外呼完成/)
    await page.screenshot({ path: screenshotPath('task-page'), fullPage: true })
    await page.context().close()
  })

  test('the English switch changes the labels, is remembered, and asks the API in English', async () => {
    const page = await newPage()
    const languages = []
    page.on('request', (request) => {
      if (request.url().includes('/tasks')) languages.push(request.headers()['accept-language'])
    })
    await page.goto(`${server.base}/`)
    const badge = page.locator(`tr[data-task-id="${calling.task_id}"] .state-badge`)
    await badge.filter({ hasText: '外呼完成' }).waitFor({ timeout: kWait })
    assert.equal(languages.at(-1), 'zh-CN')

    await page.locator('button[data-lang="en"]').click()
    await badge.filter({ hasText: 'Completed' }).waitFor({ timeout: kWait })
    assert.equal(await page.locator('th', { hasText: 'Task name' }).count(), 1)
    assert.equal(await page.locator(`tr[data-task-id="${fresh.task_id}"] .state-badge`).innerText(), 'Not started')
    assert.equal(languages.at(-1), 'en')

    // Kept across a reload.
    await page.reload()
    await badge.filter({ hasText: 'Completed' }).waitFor({ timeout: kWait })
    await page.goto(`${server.base}/#/tasks/${calling.task_id}`)
    await page.locator('[data-test="history"]', { hasText: 'State history' }).waitFor({ timeout: kWait })
    await page.locator('[data-test="history"]', { hasText: 'Calling → Completed' }).waitFor({ timeout: kWait })
    await page.screenshot({ path: screenshotPath('task-page-en'), fullPage: true })

    await page.locator('button[data-lang="zh"]').click()
    await page.locator('[data-test="history"]', { hasText: '状态历史' }).waitFor({ timeout: kWait })
    await page.context().close()
  })

  test('an unknown task shows a clear message', async () => {
    const page = await newPage()
    await page.goto(`${server.base}/#/tasks/999999`)
    await page.locator('[data-test="error"]', { hasText: '任务不存在' }).waitFor({ timeout: kWait })
    await page.context().close()
  })

  test('/docs shows the API description', async () => {
    const page = await newPage()
    await page.goto(`${server.base}/docs`)
    await page.locator('.swagger-ui').first().waitFor({ timeout: kWait })
    const openapi = await fetch(`${server.base}/openapi.yaml`)
    if (openapi.ok) {
      await page.locator('.swagger-ui .info .title').waitFor({ timeout: kWait })
      await page.locator('.swagger-ui .opblock-summary-path', { hasText: '/tasks/{task_id}' }).first().waitFor({ timeout: kWait })
      // "Try it out" goes to this server first.
      assert.equal(await page.locator('.swagger-ui .servers select').inputValue(), server.base)
    } else {
      console.log(`/openapi.yaml answers ${openapi.status}: only the viewer itself is checked`)
    }
    await page.screenshot({ path: screenshotPath('docs'), fullPage: false })
    await page.context().close()
  })
})
