import { onBeforeUnmount, onMounted, ref, watch } from 'vue'
import { locale } from './i18n.js'
import { auth } from './api.js'
import { live, onTaskEvent, shouldPoll } from './live.js'

/**
 * Runs `load` now, and again:
 * - when a task event arrives that `wants(event, payload)` (the live stream, live.js);
 * - while the stream is down or absent, after `delay()` milliseconds, but only when `delay()`
 *   answers a number (null: nothing shown can change, e.g. a completed or deleted task) and
 *   only while the page is visible (a hidden tab loads nothing; it loads at once when shown);
 * - when the language or the API token changes, or the stream (re)connects.
 * A refresh asked for while a load runs runs as soon as that load ends; events are gathered
 * into one load at most every 2 s (a calling task sends progress every second). Answers
 * `refresh()` and the time of the last load.
 */
const kEventGapMs = 2000

export function usePolling(load, delay, wants = () => true) {
  const updatedAt = ref(null)
  let timer = null
  let eventTimer = null
  let running = false
  let again = false
  let stopped = false
  let lastLoad = 0

  function schedule() {
    clearTimeout(timer)
    timer = null
    if (stopped || !shouldPoll() || document.visibilityState === 'hidden') return
    const ms = delay()
    if (typeof ms === 'number') timer = setTimeout(refresh, ms)
  }

  async function refresh() {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = true
    lastLoad = Date.now()
    clearTimeout(timer)
    try {
      if (await load()) updatedAt.value = new Date()
    } finally {
      running = false
      if (again) {
        again = false
        refresh()
      } else {
        schedule()
      }
    }
  }

  function onVisibility() {
    if (document.visibilityState === 'visible' && shouldPoll()) refresh()
    else schedule()
  }

  const unsubscribe = onTaskEvent((name, payload) => {
    if (name !== 'reconnected' && !wants(name, payload)) return
    if (eventTimer) return
    const wait = Math.max(300, lastLoad + kEventGapMs - Date.now())
    eventTimer = setTimeout(() => {
      eventTimer = null
      refresh()
    }, wait)
  })

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    refresh()
  })
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
    clearTimeout(eventTimer)
    unsubscribe()
    document.removeEventListener('visibilitychange', onVisibility)
  })
  watch([locale, () => auth.version], refresh)
  // The stream went down or turned out absent: start polling; it came back: stop.
  watch(() => live.state, schedule)
  return { refresh, updatedAt }
}
