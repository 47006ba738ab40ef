function pad(n) {
  return String(n).padStart(2, '0')
}

/** An RFC 3339 time in the browser's time zone, `YYYY-MM-DD HH:mm:ss`; '—' when absent. */
export function formatTime(value) {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function formatHour(value) {
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:00`
}

export function percent(ratio) {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio)) return '—'
  return `${(ratio * 100).toFixed(1)}%`
}

const kUnits = {
  zh: { d: '天', h: '小时', m: '分', s: '秒', sep: '' },
  en: { d: 'd', h: 'h', m: 'm', s: 's', sep: ' ' },
}

/**
 * A duration in its two largest units, `2天3小时` / `2d 3h`, `5分7秒` / `5m 7s`, `42秒` / `42s`
 * (a total talk time of 3,380 hours reads `140天20小时`, not `3380:34:07`).
 */
export function duration(seconds, lang = 'zh') {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—'
  const u = kUnits[lang] ?? kUnits.zh
  const s = Math.max(0, Math.round(seconds))
  const parts = [
    [Math.floor(s / 86400), u.d],
    [Math.floor((s % 86400) / 3600), u.h],
    [Math.floor((s % 3600) / 60), u.m],
    [s % 60, u.s],
  ]
  const first = parts.findIndex(([n]) => n > 0)
  if (first < 0) return `0${u.s}`
  return parts
    .slice(first, first + 2)
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(u.sep)
}

/** A shorter time for tight places, `MM-DD HH:mm`. */
export function formatShort(value) {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
