import { reactive } from 'vue'
import { auth } from './api.js'

/**
 * Live task changes from `GET /events` (Server-Sent Events: `task.status_changed`,
 * `task.completed`, `task.progress`), read with fetch rather than EventSource because
 * EventSource cannot send the Authorization header a token needs. One stream for the whole
 * page; views subscribe with `onTaskEvent`. `live.state`:
 * - 'connecting', 'open': the stream runs, views need not poll;
 * - 'disconnected': it dropped; it is retried (1 s, doubling to 30 s) and views poll meanwhile;
 * - 'absent': the service has no /events (404): views poll, only what can still change and
 *   only while the page is visible (polling.js).
 */
export const live = reactive({ state: 'connecting', lastEventId: '' })

const listeners = new Set()
let controller = null
let retryMs = 1000
let retryTimer = null
let tokenVersion = -1

export function onTaskEvent(listener) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** True while views should poll instead of waiting for events. */
export function shouldPoll() {
  return live.state === 'absent' || live.state === 'disconnected'
}

function dispatch(name, data, id) {
  if (id) live.lastEventId = id
  let payload = null
  try {
    payload = data ? JSON.parse(data) : null
  } catch {
    payload = null
  }
  for (const listener of listeners) listener(name, payload)
}

/** Feeds SSE text to `emit(event, data, id)`; answers what is left of an unfinished event. */
function parse(buffer, emit) {
  const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/)
  const rest = blocks.pop()
  for (const block of blocks) {
    let event = 'message'
    let id = ''
    const data = []
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line === '' || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else if (field === 'id') id = value
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value)
    }
    if (data.length > 0 || id) emit(event, data.join('\n'), id)
  }
  return rest
}

async function run() {
  clearTimeout(retryTimer)
  controller?.abort()
  const mine = new AbortController()
  controller = mine
  tokenVersion = auth.version
  live.state = 'connecting'
  const headers = { Accept: 'text/event-stream' }
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`
  if (live.lastEventId) headers['Last-Event-ID'] = live.lastEventId
  try {
    const response = await fetch('/events', { headers, signal: mine.signal, cache: 'no-store' })
    if (response.status === 404) {
      live.state = 'absent'
      return
    }
    if (response.status === 401) {
      auth.needed = true
      live.state = 'disconnected'
      return // tried again when a token is saved (see below)
    }
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
    live.state = 'open'
    retryMs = 1000
    // Changes while the stream was down are not replayed without an id: reload once.
    dispatch('reconnected', null, '')
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer = parse(buffer + value, dispatch)
    }
    throw new Error('stream ended')
  } catch {
    if (controller !== mine) return // replaced by a newer stream
    live.state = 'disconnected'
    retryTimer = setTimeout(run, retryMs)
    retryMs = Math.min(retryMs * 2, 30000)
  }
}

/** Starts the stream once; a new token restarts it. */
export function startLive() {
  if (controller && tokenVersion === auth.version) return
  run()
}
