import { reactive } from 'vue'
import { locale } from './i18n.js'

const kTokenKey = 'dialtrack.token'

/** The API token, asked for when the service answers 401; `version` moves when it changes. */
export const auth = reactive({ needed: false, token: readToken(), version: 0 })

function readToken() {
  try {
    return localStorage.getItem(kTokenKey) || ''
  } catch {
    return ''
  }
}

export function saveToken(token) {
  auth.token = token.trim()
  try {
    if (auth.token) localStorage.setItem(kTokenKey, auth.token)
    else localStorage.removeItem(kTokenKey)
  } catch {
    // private mode: kept for this page only
  }
  auth.needed = false
  auth.version += 1
}

export class ApiError extends Error {
  constructor(status, message, data) {
    super(message)
    this.status = status
    this.data = data
  }
}

function headers(extra = {}) {
  const result = {
    Accept: 'application/json',
    'Accept-Language': locale.value === 'en' ? 'en' : 'zh-CN',
    ...extra,
  }
  if (auth.token) result.Authorization = `Bearer ${auth.token}`
  return result
}

/**
 * Calls the API and answers the envelope's `data`; errors throw ApiError with the service's
 * message (in the page's language) and `data` (the field of a 400, the scope of a 403).
 */
export async function request(method, path, body) {
  const init = { method, headers: headers(), cache: 'no-store' }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let response
  try {
    response = await fetch(path, init)
  } catch (e) {
    throw new ApiError(0, e.message || 'network error')
  }
  let envelope = null
  try {
    envelope = await response.json()
  } catch {
    envelope = null
  }
  if (response.status === 401) {
    auth.needed = true
    throw new ApiError(401, envelope?.message || 'Unauthorized')
  }
  if (!response.ok || !envelope || typeof envelope !== 'object') {
    throw new ApiError(response.status, envelope?.message || `HTTP ${response.status}`, envelope?.data)
  }
  return envelope.data
}

/** GET an API path and answer the envelope's `data`. */
export function getJson(path) {
  return request('GET', path)
}

/**
 * What the token may do (`GET /auth/scope`): `scope` is null until known, then 'read',
 * 'write' or 'admin'. Write actions are shown only with `canWrite()`; the service refuses them
 * anyway (403) for a read token.
 */
export const session = reactive({ scope: null, version: -1 })

export async function loadScope() {
  if (session.version === auth.version && session.scope) return
  const version = auth.version
  try {
    const data = await getJson('/auth/scope')
    if (version === auth.version) {
      session.scope = data.scope
      session.version = version
    }
  } catch (e) {
    // An older service without the route: show the actions and let the service decide.
    if (e.status === 404 && version === auth.version) {
      session.scope = 'write'
      session.version = version
    }
  }
}

export function canWrite() {
  return session.scope === 'write' || session.scope === 'admin'
}

function clickLink(href, name) {
  const link = document.createElement('a')
  link.href = href
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
}

/**
 * Downloads an export. Without a token it is a plain link: the browser streams the file to disk
 * whatever its size. With one the file is fetched with the Authorization header (a link cannot
 * send it; the service takes tokens in that header only), held in memory as a blob and saved
 * under the name the service gives (Content-Disposition) or `fallback`.
 */
export async function download(path, fallback) {
  if (!auth.token) {
    clickLink(path, '')
    return
  }
  let response
  try {
    response = await fetch(path, { headers: headers({ Accept: '*/*' }), cache: 'no-store' })
  } catch (e) {
    throw new ApiError(0, e.message || 'network error')
  }
  if (!response.ok) {
    let envelope = null
    try {
      envelope = await response.json()
    } catch {
      envelope = null
    }
    if (response.status === 401) auth.needed = true
    throw new ApiError(response.status, envelope?.message || `HTTP ${response.status}`, envelope?.data)
  }
  const blob = await response.blob()
  const disposition = response.headers.get('Content-Disposition') || ''
  const match = disposition.match(/filename\*=UTF-8''([^;]+)/i) || disposition.match(/filename="?([^";]+)"?/i)
  const name = match ? decodeURIComponent(match[1]) : fallback
  const url = URL.createObjectURL(blob)
  clickLink(url, name)
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

export function query(params) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}
