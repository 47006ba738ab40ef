// Writes a gzip (`X.gz`) and a brotli (`X.br`) copy beside every text file given, or found
// in a folder given, at build time: the program embeds them beside the file and serves the
// one the browser accepts (Content-Encoding), so nothing is compressed per request.
//   node scripts/precompress.mjs DIR_OR_FILE...
// Files under 1 KiB, files of other types, and copies that save less than a tenth are left
// out (the original is served).
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const kTypes = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.yaml'])
const kMinBytes = 1024

function files(target) {
  if (statSync(target).isFile()) return [target]
  return readdirSync(target, { recursive: true })
    .map((name) => path.join(target, name))
    .filter((file) => statSync(file).isFile())
}

let before = 0
let afterGzip = 0
let afterBrotli = 0
for (const target of process.argv.slice(2)) {
  for (const file of files(target)) {
    if (!kTypes.has(path.extname(file))) continue
    const body = readFileSync(file)
    for (const old of [`${file}.gz`, `${file}.br`]) {
      try {
        unlinkSync(old)
      } catch {
        // none yet
      }
    }
    if (body.length < kMinBytes) continue
    const gzip = gzipSync(body, { level: 9 })
    const brotli = brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    })
    before += body.length
    if (gzip.length < body.length * 0.9) {
      writeFileSync(`${file}.gz`, gzip)
      afterGzip += gzip.length
    }
    if (brotli.length < body.length * 0.9) {
      writeFileSync(`${file}.br`, brotli)
      afterBrotli += brotli.length
    }
  }
}
console.log(`precompress: ${before} bytes -> gzip ${afterGzip}, brotli ${afterBrotli}`)
