import { onBeforeUnmount, onMounted, ref, watch } from 'vue'
import { locale } from './i18n.js'
import { auth } from './api.js'

/**
 * Runs `load` now, then again after `delay()` milliseconds (re-read after every load, so a page
 * refreshes quickly only while something is calling); again at once when the language or the
 * API token changes. Answers `refresh()` and the time of the last successful load. A refresh
 * asked for while a load runs (a search typed meanwhile) runs as soon as that load ends.
 */
export function usePolling(load, delay) {
  const updatedAt = ref(null)
  let timer = null
  let running = false
  let again = false
  let stopped = false

  async function refresh() {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = true
    clearTimeout(timer)
    try {
      if (await load()) updatedAt.value = new Date()
    } finally {
      running = false
      if (again) {
        again = false
        refresh()
      } else if (!stopped) {
        timer = setTimeout(refresh, delay())
      }
    }
  }

  onMounted(refresh)
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
  })
  watch([locale, () => auth.version], refresh)
  return { refresh, updatedAt }
}
