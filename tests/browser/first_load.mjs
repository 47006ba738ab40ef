// Measures the dashboard's first load in Debian's Chromium against the real binary: bytes
// transferred (CDP Network events, headers included) and milliseconds to the load event and
// to the first task row on screen, with the compressed files (what Chromium accepts) and
// without (Accept-Encoding: identity), on loopback and on a throttled link. Not a test (no
// timed assertions in tests): run it by hand, the numbers go to the notes.
//   DIALTRACK_BINARY=build-dev/dialtrack node tests/browser/first_load.mjs [runs]
import { api, launchBrowser, startServer } from './support.mjs'

const runs = Number(process.argv[2] || 5)
// A modest office or 4G link: 10 Mbit/s down, 40 ms latency.
const kThrottled = { offline: false, latency: 40, downloadThroughput: (10 * 1024 * 1024) / 8, uploadThroughput: (5 * 1024 * 1024) / 8 }

const server = await startServer()
const browser = await launchBrowser()
try {
  await api(server.base, 'POST', '/tasks', { name: 'first load', leads: [{ phone: '13800000001' }] })
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  for (const link of ['loopback', 'throttled']) {
    for (const encoding of ['identity', 'compressed']) {
      const bytes = []
      const loads = []
      const rows = []
      let encodings = new Set()
      for (let i = 0; i < runs; i += 1) {
        const context = await browser.newContext()
        const page = await context.newPage()
        const cdp = await context.newCDPSession(page)
        await cdp.send('Network.enable')
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
        if (link === 'throttled') await cdp.send('Network.emulateNetworkConditions', kThrottled)
        if (encoding === 'identity') await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } })
        let total = 0
        encodings = new Set()
        cdp.on('Network.loadingFinished', ({ encodedDataLength }) => {
          total += encodedDataLength
        })
        cdp.on('Network.responseReceived', ({ response }) => {
          if (!response.url.includes('/assets/')) return
          const header = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-encoding')
          encodings.add(header ? header[1] : 'none')
        })
        await page.goto(`${server.base}/`, { waitUntil: 'load' })
        // The time the first row was on screen, read in the page at that frame.
        const row = await (await page.waitForFunction(() => document.querySelector('tr.task-row') && performance.now(), null, { polling: 'raf', timeout: 60000 })).jsonValue()
        const timing = { load: await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd), row }
        // Everything the page asked for by the first row (index, script, style, API calls).
        bytes.push(total)
        loads.push(timing.load)
        rows.push(timing.row)
        await context.close()
      }
      console.log(`${link.padEnd(9)} ${encoding.padEnd(10)} bytes ${median(bytes)}  load ${median(loads).toFixed(0)} ms  first row by ${median(rows).toFixed(0)} ms  (median of ${runs}; assets ${[...encodings].join(',')})`)
    }
  }
} finally {
  await browser.close()
  await server.stop()
}
