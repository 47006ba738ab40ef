import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Built by CMake (`npm run build -- --outDir <build>/web-dist`) and embedded in the program,
// which serves index.html at / and the hashed files at /assets/.
// `npm run dev` serves the sources and forwards API calls to a local `dialtrack serve`.
const api = process.env.DIALTRACK_URL || 'http://127.0.0.1:8080'
const apiPaths = ['/tasks', '/task_followup_records', '/reports', '/check_task_completion',
  '/healthz', '/openapi.yaml', '/docs', '/auth', '/events']

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((p) => [p, api])),
  },
})
