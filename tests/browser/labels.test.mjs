// Every call status a dialer sends has a Chinese and an English label and a colour of its own
// in the dashboard (web/src/statuses.js): the OutboundBot statuses of the connector
// (src/dialers/alibaba/alibaba_outboundbot.cpp), those of the simulator (src/sim/dialer.cpp),
// and the table of docs/dialers.md, which must list them all. Plain node, no browser.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './support.mjs'
import { kStatuses, statusColour, statusLabel } from '../../web/src/statuses.js'

const read = (file) => readFileSync(path.join(repoRoot, file), 'utf8')

/** The quoted tokens of a C++ initializer, from `start` to the `};` that ends it. */
function quoted(source, start) {
  const from = source.indexOf(start)
  assert.ok(from >= 0, start)
  const body = source.slice(from, source.indexOf('};', from))
  return [...body.matchAll(/"(\w+)"/g)].map((m) => m[1])
}

test('every status a dialer sends has its zh and en labels and a distinct colour', () => {
  const outboundbot = quoted(read('src/dialers/alibaba/alibaba_outboundbot.cpp'), 'kTaskStatuses{')
  assert.ok(outboundbot.length >= 30, outboundbot.join())
  const sim = read('src/sim/dialer.cpp')
  const simulated = [...quoted(sim, 'connected_statuses()'), ...quoted(sim, 'failed_statuses()')]
  const documented = [...read('docs/dialers.md').matchAll(/^\| \d* \| `(\w+)` \| ([^|]+) \| ([^|]+) \|$/gm)]

  const all = new Set([...outboundbot, ...simulated])
  for (const status of all) {
    const zh = statusLabel(status, 'zh')
    const en = statusLabel(status, 'en')
    assert.notEqual(zh, status, `${status} has no Chinese label`)
    assert.match(zh, /[\u4e00-\u9fff]/, `${status}: ${zh}`)
    assert.ok(en && en !== zh, `${status} has no English label`)
    const row = documented.find((m) => m[1] === status)
    assert.ok(row, `docs/dialers.md does not list ${status}`)
    assert.equal(row[2].trim(), zh, status)
    assert.equal(row[3].trim(), en, status)
  }
  // The OutboundBot table in its code order (TaskStatus is the row number).
  assert.deepEqual(documented.slice(0, outboundbot.length).map((m) => m[1]), outboundbot)

  const colours = kStatuses.map(([status]) => statusColour(status).toLowerCase())
  assert.equal(new Set(colours).size, colours.length, 'two statuses share a colour')
  assert.equal(new Set(kStatuses.map(([status]) => status)).size, kStatuses.length)
  // An unknown status still gets a colour, the same one every time.
  assert.equal(statusColour('SomethingNew'), statusColour('SomethingNew'))
  assert.equal(statusLabel('SomethingNew', 'zh'), 'SomethingNew')
})
