// The server bundles run under plain node in production (scripts/run-server), so a bundle that
// imports a package its app does not resolve would only fail at start. These build the real apps
// and start the bundles far enough for every import to have been linked.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { APPS, buildServerApp, packageNameOf } from './build-server'

const ROOT = resolve(import.meta.dirname, '..')
const scratch = (app: string) => join(ROOT, 'apps', app, 'dist', `test-${process.pid}`)

afterAll(() => {
  for (const app of APPS) rmSync(scratch(app), { recursive: true, force: true })
})

describe('packageNameOf', () => {
  it.each([
    ['pg', 'pg'],
    ['pg/lib/client', 'pg'],
    ['@prisma/client', '@prisma/client'],
    ['@prisma/client/runtime/client', '@prisma/client'],
  ])('%s is package %s', (specifier, name) => {
    expect(packageNameOf(specifier)).toBe(name)
  })
})

describe.each(APPS)('the %s bundle', (app) => {
  it('loads under plain node: every import resolves, then its env schema refuses the empty environment', async () => {
    const outfile = await buildServerApp(app, { outfile: join(scratch(app), 'main.mjs') })
    // ESM links every static import before any module runs, so reaching the config check proves them.
    const run = spawnSync(process.execPath, [outfile], { env: { PATH: process.env.PATH }, encoding: 'utf8' })
    const output = run.stderr + run.stdout
    expect(output).not.toContain('ERR_MODULE_NOT_FOUND')
    expect(run.status).toBe(1)
    expect(output).toContain('DATABASE_URL')
    // The workspace's TypeScript is inside; npm packages are not.
    const code = readFileSync(outfile, 'utf8')
    expect(code).not.toMatch(/from ["']@cabinet\//)
    expect(code).toMatch(/from ["']bullmq["']/)
  })

  it('is refused, naming the package and its importer, when the app does not depend on what it imports', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'apps', app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    const withoutPg = Object.keys(manifest.dependencies).filter((name) => name !== 'pg')
    await expect(
      buildServerApp(app, { outfile: join(scratch(app), 'refused.mjs'), dependencies: withoutPg }),
    ).rejects.toThrow(new RegExp(`apps/${app}/package\\.json must list[\\s\\S]*  pg: imported by packages/db/src/`))
  })
})
