// Builds the API and the worker into one plain JavaScript file each (apps/<app>/dist/main.mjs), so
// they run under plain `node` in production: no TypeScript loader in the process, which costs
// ~45 MB of resident memory and start-up time (docs/benchmarks.md, bench:export).
//
// The workspace's own packages (@cabinet/*, TypeScript sources) are bundled in. Every npm package
// stays an import, resolved at run time from the app's own node_modules; so each one the bundle
// imports must be a dependency of the app itself, at the very version its importer uses. The build
// checks exactly that and names what is missing, instead of shipping a bundle that fails at start.
//
//   pnpm exec tsx scripts/build-server.ts [api] [worker]     (both when none is named)
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '..')
export const APPS = ['api', 'worker'] as const
export type App = (typeof APPS)[number]

const BUILTINS = new Set(builtinModules)

/** `pkg` of `pkg/sub/path`, `@scope/pkg` of `@scope/pkg/sub/path`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/')
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
}

/** The folder Node's resolution finds for a package from `fromDir`, links followed; null when none. */
function packageDirFrom(fromDir: string, name: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(candidate)) return realpathSync(candidate)
    if (dirname(dir) === dir) return null
  }
}

/**
 * Keeps npm packages out of the bundle and checks that the app itself depends on each (not only as a
 * devDependency: a production install leaves those out) and resolves it to the same copy.
 */
function npmPackagesExternal(appDir: string, dependencies: string[], problems: Map<string, string>): Plugin {
  const declared = new Set(dependencies)
  return {
    name: 'npm-packages-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return { path: args.path, external: true }
        const name = packageNameOf(args.path)
        if (name.startsWith('@cabinet/')) return undefined
        const wanted = packageDirFrom(args.resolveDir, name)
        const found = packageDirFrom(join(appDir, 'dist'), name)
        const importer = relative(ROOT, args.importer)
        if (!declared.has(name)) problems.set(name, `imported by ${importer}, not in dependencies`)
        else if (!wanted || wanted !== found)
          problems.set(
            name,
            `${importer} uses ${relative(ROOT, wanted ?? '?')}, the app resolves ${relative(ROOT, found ?? '?')}`,
          )
        return { path: args.path, external: true }
      })
    },
  }
}

export interface BuildOptions {
  /** Where the bundle goes; it must stay under apps/<app>/ to resolve the app's node_modules. */
  outfile?: string
  /** The app's dependencies, read from its package.json unless given. */
  dependencies?: string[]
}

function declaredDependencies(appDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
  }
  return Object.keys(manifest.dependencies ?? {})
}

/** Bundles apps/<app>/src/main.ts; returns the bundle's path. */
export async function buildServerApp(app: App, options: BuildOptions = {}): Promise<string> {
  const appDir = join(ROOT, 'apps', app)
  const outfile = options.outfile ?? join(appDir, 'dist', 'main.mjs')
  if (relative(appDir, outfile).startsWith('..')) throw new Error(`${outfile} is not under apps/${app}/`)
  const dependencies = options.dependencies ?? declaredDependencies(appDir)
  const problems = new Map<string, string>()
  await build({
    entryPoints: [join(appDir, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Readable stack traces without a source map in memory: names and layout are kept.
    minify: false,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [npmPackagesExternal(appDir, dependencies, problems)],
  })
  if (problems.size > 0) {
    const lines = [...problems].map(([name, why]) => `  ${name}: ${why}`)
    throw new Error(
      `apps/${app}/package.json must list these dependencies itself, at the version its packages use ` +
        `(the bundle resolves them from apps/${app}/node_modules):\n${lines.join('\n')}`,
    )
  }
  return outfile
}

async function main(args: string[]) {
  const unknown = args.filter((arg) => !(APPS as readonly string[]).includes(arg))
  if (unknown.length > 0) throw new Error(`unknown app ${unknown.join(', ')} (known: ${APPS.join(', ')})`)
  const apps = args.length > 0 ? (args as App[]) : [...APPS]
  for (const app of apps) {
    const started = performance.now()
    const outfile = await buildServerApp(app)
    console.log(`built ${relative(ROOT, outfile)} in ${Math.round(performance.now() - started)} ms`)
  }
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  await main(process.argv.slice(2))
}
