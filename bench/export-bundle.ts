// Builds the API as one plain JavaScript file (esbuild, which tsx ships with), so the export
// benchmark can also measure the API under plain `node`, without the TypeScript loader. The
// workspace's own packages are bundled (they are TypeScript); every npm package stays external and
// resolves through a node_modules folder of links beside the bundle. Bench-only: nothing deploys it.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ROOT } from './bench-setup'

const SOURCES = [
  'apps/api/node_modules',
  'packages/db/node_modules',
  'packages/contracts/node_modules',
  'packages/domain/node_modules',
  'packages/gpu/node_modules',
  'packages/queue/node_modules',
  'node_modules/.pnpm/node_modules',
]

/** Package names in a node_modules folder: `name` and `@scope/name`. */
function packagesIn(folder: string): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder).flatMap((entry) => {
    if (entry.startsWith('.')) return []
    if (!entry.startsWith('@')) return [entry]
    return readdirSync(join(folder, entry)).map((name) => `${entry}/${name}`)
  })
}

function esbuildBinary(): string {
  const store = resolve(ROOT, 'node_modules/.pnpm')
  const dir = readdirSync(store).find((entry) => /^esbuild@\d/.test(entry))
  if (!dir) throw new Error('esbuild is not installed (it comes with tsx)')
  return join(store, dir, 'node_modules/esbuild/bin/esbuild')
}

/** Returns the path of the bundled entry point (apps/api/src/main.ts as plain ESM). */
export function bundleApi(outDir: string): string {
  rmSync(outDir, { recursive: true, force: true })
  const modules = join(outDir, 'node_modules')
  mkdirSync(modules, { recursive: true })
  const externals = new Set<string>()
  for (const source of SOURCES) {
    const folder = resolve(ROOT, source)
    for (const name of packagesIn(folder)) {
      if (name.startsWith('@cabinet/') || externals.has(name)) continue
      externals.add(name)
      mkdirSync(dirname(join(modules, name)), { recursive: true })
      symlinkSync(realpathSync(join(folder, name)), join(modules, name))
    }
  }
  const outfile = join(outDir, 'main.mjs')
  execFileSync(
    esbuildBinary(),
    [
      'apps/api/src/main.ts',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${outfile}`,
      '--log-level=warning',
      ...[...externals].map((name) => `--external:${name}`),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  )
  return outfile
}
