// The dashboard's files are compressed at build time and served with Content-Encoding by what
// the client accepts: the gzip and brotli bodies decompress (node's zlib) to the very bytes
// served without encoding; and Chromium's first load of the dashboard transfers the script
// compressed.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { chromiumMissing, launchBrowser, startServer } from './support.mjs'

/** GET with exactly these headers; the body as raw bytes (node's fetch would decompress it). */
function rawGet(base, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}${path}`, { headers }, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }))
    })
    request.on('error', reject)
  })
}

describe('compressed dashboard files', () => {
  let server
  let script
  let style

  before(async () => {
    server = await startServer()
    const index = (await rawGet(server.base, '/')).body.toString()
    script = index.match(/\/assets\/[\w.-]+\.js/)[0]
    style = index.match(/\/assets\/[\w.-]+\.css/)[0]
  })

  after(async () => {
    await server?.stop()
  })

  test('gzip and brotli bodies are the identity body, with Vary and an ETag of their own', async () => {
    for (const path of [script, style, '/docs/swagger-ui-bundle.js']) {
      const plain = await rawGet(server.base, path)
      assert.equal(plain.status, 200, path)
      assert.equal(plain.headers['content-encoding'], undefined, path)
      assert.equal(plain.headers.vary, 'Accept-Encoding', path)

      const gzip = await rawGet(server.base, path, { 'Accept-Encoding': 'gzip, deflate' })
      assert.equal(gzip.headers['content-encoding'], 'gzip', path)
      assert.equal(gzip.headers.vary, 'Accept-Encoding', path)
      assert.ok(gzip.body.length < plain.body.length / 2, `${path}: ${gzip.body.length} of ${plain.body.length}`)
      assert.ok(gunzipSync(gzip.body).equals(plain.body), `${path}: gunzip differs`)

      const br = await rawGet(server.base, path, { 'Accept-Encoding': 'gzip, deflate, br' })
      assert.equal(br.headers['content-encoding'], 'br', path)
      assert.ok(br.body.length <= gzip.body.length, path)
      assert.ok(brotliDecompressSync(br.body).equals(plain.body), `${path}: brotli differs`)

      const tags = new Set([plain.headers.etag, gzip.headers.etag, br.headers.etag])
      assert.equal(tags.size, 3, `${path}: ${[...tags]}`)
      // A cached encoded copy is revalidated against its own tag.
      const again = await rawGet(server.base, path, { 'Accept-Encoding': 'gzip', 'If-None-Match': gzip.headers.etag })
      assert.equal(again.status, 304, path)
      const other = await rawGet(server.base, path, { 'Accept-Encoding': 'br', 'If-None-Match': gzip.headers.etag })
      assert.equal(other.status, 200, path)
    }
  })

  test('an encoding refused (q=0) or unknown is not used', async () => {
    const refused = await rawGet(server.base, script, { 'Accept-Encoding': 'br;q=0, gzip;q=0.5' })
    assert.equal(refused.headers['content-encoding'], 'gzip')
    const none = await rawGet(server.base, script, { 'Accept-Encoding': 'gzip;q=0, br;q=0' })
    assert.equal(none.headers['content-encoding'], undefined)
    const other = await rawGet(server.base, script, { 'Accept-Encoding': 'zstd' })
    assert.equal(other.headers['content-encoding'], undefined)
    const any = await rawGet(server.base, script, { 'Accept-Encoding': '*' })
    assert.equal(any.headers['content-encoding'], 'br')
  })

  const missing = chromiumMissing()
  test('Chromium loads the dashboard compressed', { skip: missing ?? false }, async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage()
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Network.enable')
      const responses = new Map()
      cdp.on('Network.responseReceived', ({ requestId, response }) => responses.set(requestId, { url: response.url, encoding: response.headers['content-encoding'] ?? response.headers['Content-Encoding'] }))
      const sizes = new Map()
      cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => sizes.set(requestId, encodedDataLength))
      await page.goto(`${server.base}/`, { waitUntil: 'load' })
      const entry = [...responses].find(([, r]) => r.url.endsWith(script))
      assert.ok(entry, 'the script was not loaded')
      assert.ok(['gzip', 'br'].includes(entry[1].encoding), JSON.stringify(entry[1]))
      const plain = await rawGet(server.base, script)
      assert.ok(sizes.get(entry[0]) < plain.body.length / 2, `${sizes.get(entry[0])} bytes of ${plain.body.length}`)
    } finally {
      await browser.close()
    }
  })
})
