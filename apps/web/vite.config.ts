// Builds the console into dist/, which the API serves at / with an SPA fallback.
// In development the dev server forwards /api and /docs to a locally running API.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const apiTarget = `http://127.0.0.1:${process.env.CABINET_API_PORT ?? 8080}`

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/docs': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change far less often than the console: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/](@mantine|@floating-ui)[\\/]/ },
            // Only the fleet and KPI pages draw charts: other pages need not wait for recharts and d3.
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[a-z]+|victory-vendor|decimal\.js-light|internmap|@reduxjs|redux|immer|reselect|es-toolkit|eventemitter3|use-sync-external-store)[\\/]/,
            },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
})
