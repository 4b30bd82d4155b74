// Browser tests of the console against a running Cabinet (API serving the built console).
// The test script starts the server; this file only says where it is and how to drive Chromium.
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  reporter: 'list',
  use: {
    baseURL: process.env.CABINET_E2E_URL ?? 'http://127.0.0.1:8090',
    screenshot: 'only-on-failure',
    // Debian's Chromium, never a downloaded browser; these flags are what works as root here.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
})
