// The dashboard on a 390 px wide phone screen, in real headless Chromium against the real
// binary: the page never scrolls sideways (wide tables scroll inside their card), the status
// legend sits beside the chart, not over it, and every status has its own colour and label.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { api, chromiumMissing, launchBrowser, screenshotPath, startServer } from './support.mjs'

const missing = chromiumMissing()
if (missing) console.log(`SKIP browser tests: ${missing}`)

const kWait = 20000
// Eight statuses, the three the first dashboard left unlabelled among them.
const kStatuses = ['SucceededFinish', 'Busy', 'NotExist', 'SuspendedOrPoweredOff', 'SucceededChatbotHangUpAfterSilence',
  'NoAnswer', 'PoweredOff', 'SucceededClientHangUp']

describe('dashboard at 390 px', { skip: missing ?? false }, () => {
  let server
  let browser
  let task

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const phones = kStatuses.map((_, i) => `1390000${String(i).padStart(4, '0')}`)
    task = await api(server.base, 'POST', '/tasks', {
      name: '手机屏幕上的一个名字相当长的外呼任务',
      leads: phones.map((phone, i) => ({ phone, name: `客户${i}` })),
    })
    await api(server.base, 'POST', '/outbound_call_records', {
      records: phones.map((phone, i) => ({
        call_id: `m-${i}`, task_id: task.task_id, phone, call_status: kStatuses[i],
        started_at: `2026-12-01T0${i}:00:00Z`, duration: kStatuses[i].startsWith('Succeeded') ? 200000 + i : 0,
      })),
    })
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function phonePage() {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    page.on('pageerror', (error) => console.log(`page error: ${error.message}`))
    return page
  }

  async function assertNoSidewaysScroll(page, where) {
    // A mobile browser zooms out to show a page wider than the screen (innerWidth grows too).
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }))
    assert.ok(widths.page <= 390 && widths.view === 390, `${where}: the page is ${widths.page} px wide, the view ${widths.view} px`)
  }

  test('the task list fits the screen', async () => {
    const page = await phonePage()
    await page.goto(`${server.base}/`)
    await page.locator(`tr[data-task-id="${task.task_id}"]`).waitFor({ timeout: kWait })
    await assertNoSidewaysScroll(page, 'task list')
    await page.screenshot({ path: screenshotPath('mobile-list'), fullPage: true })
    await page.context().close()
  })

  test('the task page fits, its legend is clear of the chart, each status has its label and colour', async () => {
    const page = await phonePage()
    await page.goto(`${server.base}/#/tasks/${task.task_id}`)
    const legend = page.locator('[data-test="status-legend"]')
    await legend.locator('li').nth(kStatuses.length - 1).waitFor({ timeout: kWait })
    const canvas = page.locator('[data-test="status-chart"] canvas').first()
    await canvas.waitFor({ timeout: kWait })
    await assertNoSidewaysScroll(page, 'task page')

    const chartBox = await canvas.boundingBox()
    const legendBox = await legend.boundingBox()
    const overlaps = !(legendBox.y >= chartBox.y + chartBox.height || legendBox.y + legendBox.height <= chartBox.y ||
      legendBox.x >= chartBox.x + chartBox.width || legendBox.x + legendBox.width <= chartBox.x)
    assert.ok(!overlaps, `legend ${JSON.stringify(legendBox)} over chart ${JSON.stringify(chartBox)}`)
    assert.ok(chartBox.width > 200 && chartBox.height > 150, JSON.stringify(chartBox))

    const items = await legend.locator('li').evaluateAll((els) =>
      els.map((el) => ({ status: el.dataset.status, label: el.querySelector('.legend-name').textContent, colour: el.querySelector('.swatch').dataset.colour })))
    assert.deepEqual(items.map((item) => item.status).sort(), [...kStatuses].sort())
    for (const item of items) assert.notEqual(item.label, item.status, `${item.status} has no Chinese label`)
    assert.equal(new Set(items.map((item) => item.colour)).size, items.length, JSON.stringify(items))
    // Talk time in days and hours, not 444:26:53.
    assert.match(await page.locator('[data-test="talk-total"]').innerText(), /^\d+天\d+小时$/)

    // The records table is wider than the screen: it scrolls inside its card.
    const table = await page.locator('[data-test="records"] .table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    assert.ok(table.client <= 390, JSON.stringify(table))
    await page.screenshot({ path: screenshotPath('mobile-task'), fullPage: true })

    await page.locator('[data-tab="leads"]').click()
    await page.locator('[data-test="lead-table"] tr.lead-row').nth(kStatuses.length - 1).waitFor({ timeout: kWait })
    await assertNoSidewaysScroll(page, 'leads tab')
    await page.screenshot({ path: screenshotPath('mobile-leads'), fullPage: true })
    await page.context().close()
  })
})
