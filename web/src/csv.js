// Leads from a CSV file, read in the browser the way `dialtrack import-leads` reads one
// (src/cli/csv_commands.cpp, csv_rows.cpp): UTF-8 (a BOM dropped) or else GBK; a header row
// whose names are trimmed and lower-cased; `phone` required, `name` and `job_id` read, every
// other named column kept in the lead's `attrs`; fields trimmed, empty ones left out; a row
// whose field count is not the header's is bad. Each bad row is reported with its line (the
// line it starts on, the header being line 1) and why. No imports: tests run it under node.

/** The text of a file's bytes: UTF-8 when they are valid UTF-8, else GBK. */
export function decodeCsv(bytes) {
  let text
  let encoding = 'utf-8'
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    encoding = 'gbk'
    text = new TextDecoder('gbk').decode(bytes)
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return { text, encoding }
}

/**
 * Rows of CSV text (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks),
 * each `{ line, fields }`; `unclosed` is the line of a quote never closed, else null.
 */
export function parseCsv(text) {
  const rows = []
  let fields = []
  let field = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let quoteLine = 0
  let rowStarted = false
  const endRow = () => {
    fields.push(field)
    rows.push({ line: rowLine, fields })
    fields = []
    field = ''
    rowStarted = false
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else {
          quoted = false
        }
      } else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (!rowStarted) {
      rowStarted = true
      rowLine = line
    }
    if (c === '"' && field.trim() === '') {
      quoted = true
      quoteLine = line
      field = ''
    } else if (c === ',') {
      fields.push(field)
      field = ''
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++
      // A blank line is no row.
      if (fields.length === 0 && field === '') {
        rowStarted = false
      } else {
        endRow()
      }
      line++
    } else {
      field += c
    }
  }
  if (quoted) return { rows, unclosed: quoteLine }
  if (rowStarted && (fields.length > 0 || field !== '')) endRow()
  return { rows, unclosed: null }
}

const kMaxName = 200
const kMaxJobId = 128

/** The phone as the service normalises it, or null when it is not a phone (domain/phone.cpp). */
export function normalizePhone(raw) {
  let out = ''
  let digits = 0
  for (const c of raw) {
    if (' -()[]'.includes(c)) continue
    if (c === '+') {
      if (out !== '') return null
      out += c
      continue
    }
    if (c < '0' || c > '9') return null
    out += c
    digits++
  }
  return digits >= 3 && digits <= 20 ? out : null
}

/**
 * Leads and bad rows of CSV text: `{ leads, lines, bad, header, error }`. `lines[i]` is the line
 * of `leads[i]`; `bad` is `[{ line, reason }]` with `reason` a key of i18n (`upload.bad.*`) and
 * its parameters; `error` stops the whole file (no header, no phone column, an open quote).
 */
export function leadsFromCsv(text) {
  const { rows, unclosed } = parseCsv(text)
  const result = { leads: [], lines: [], bad: [], header: [], error: null }
  if (rows.length === 0) {
    result.error = { key: 'upload.error.empty' }
    return result
  }
  const header = rows[0].fields.map((name) => name.trim().toLowerCase())
  result.header = header
  if (!header.includes('phone')) {
    result.error = { key: 'upload.error.noPhone' }
    return result
  }
  for (const row of rows.slice(1)) {
    if (row.fields.length !== header.length) {
      result.bad.push({ line: row.line, key: 'upload.bad.fields', params: { n: row.fields.length, m: header.length } })
      continue
    }
    const lead = {}
    const attrs = {}
    header.forEach((name, i) => {
      const value = row.fields[i].trim()
      if (value === '' || name === '') return
      if (name === 'phone' || name === 'name' || name === 'job_id') lead[name] = value
      else attrs[name] = value
    })
    if (!lead.phone) {
      result.bad.push({ line: row.line, key: 'upload.bad.noPhone', params: {} })
      continue
    }
    if (normalizePhone(lead.phone) === null) {
      result.bad.push({ line: row.line, key: 'upload.bad.phone', params: { value: lead.phone } })
      continue
    }
    if (lead.name && [...lead.name].length > kMaxName) {
      result.bad.push({ line: row.line, key: 'upload.bad.long', params: { field: 'name', n: kMaxName } })
      continue
    }
    if (lead.job_id && [...lead.job_id].length > kMaxJobId) {
      result.bad.push({ line: row.line, key: 'upload.bad.long', params: { field: 'job_id', n: kMaxJobId } })
      continue
    }
    if (Object.keys(attrs).length > 0) lead.attrs = attrs
    result.leads.push(lead)
    result.lines.push(row.line)
  }
  if (unclosed !== null) {
    result.error = { key: 'upload.error.quote', params: { line: unclosed } }
  }
  return result
}
