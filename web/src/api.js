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

/** GET an API path and answer the envelope's `data`; errors throw ApiError with its message. */
export async function getJson(path) {
  const headers = {
    Accept: 'application/json',
    'Accept-Language': locale.value === 'en' ? 'en' : 'zh-CN',
  }
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`
  let response
  try {
    response = await fetch(path, { headers, cache: 'no-store' })
  } catch (e) {
    throw new ApiError(0, e.message || 'network error')
  }
  let body = null
  try {
    body = await response.json()
  } catch {
    body = null
  }
  if (response.status === 401) {
    auth.needed = true
    throw new ApiError(401, body?.message || 'Unauthorized')
  }
  if (!response.ok || !body || typeof body !== 'object') {
    throw new ApiError(response.status, body?.message || `HTTP ${response.status}`, body?.data)
  }
  return body.data
}

export function query(params) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}
