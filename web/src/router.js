import { reactive } from 'vue'

/**
 * Hash routing (`#/`, `#/tasks/12`): the service owns every real path (`/tasks/12` is the API),
 * so the dashboard's own places live after the `#`.
 */
export const route = reactive(parse(window.location.hash))

function parse(hash) {
  const path = hash.replace(/^#/, '') || '/'
  const match = path.match(/^\/tasks\/(\d+)\/?$/)
  if (match) return { name: 'task', taskId: Number(match[1]) }
  return { name: 'list', taskId: null }
}

window.addEventListener('hashchange', () => Object.assign(route, parse(window.location.hash)))

export function taskHref(id) {
  return `#/tasks/${id}`
}
