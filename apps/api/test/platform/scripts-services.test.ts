// The set-up steps of scripts/start and scripts/test (scripts/lib/common.sh) as a fresh Debian
// machine meets them: only the Postgres client installed, or a checkout the postgres user cannot enter.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const COMMON = resolve(import.meta.dirname, '../../../../scripts/lib/common.sh')
const cleanups: string[] = []
const touchSync = (path: string) => writeFileSync(path, '')

afterEach(() => {
  for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(dir)
  return dir
}

/** Runs `script` in bash after sourcing common.sh, with `env` added to the environment. */
function bash(script: string, env: Record<string, string> = {}) {
  const result = spawnSync('bash', ['-c', `source ${JSON.stringify(COMMON)}\n${script}`], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

// apt_install stands in for apt-get: it records what it was asked for and "installs" a server.
const FAKE_APT = `apt_install() { echo "apt_install $*" >&2; mkdir -p "$PG_LIB_DIR/15/bin"; touch "$PG_LIB_DIR/15/bin/initdb"; }`

describe('finding the Postgres server', () => {
  it('installs the server when only the client is there (psql also lives in /usr/lib/postgresql/N/bin)', () => {
    const lib = tempDir('cabinet-pglib-')
    mkdirSync(join(lib, '15/bin'), { recursive: true })
    touchSync(join(lib, '15/bin/psql'))

    const result = bash(`${FAKE_APT}\npg_bin_dir`, { PG_LIB_DIR: lib })

    expect(result.stderr).toContain('apt_install postgresql')
    expect(result).toMatchObject({ status: 0, stdout: join(lib, '15/bin') })
  })

  it('picks the newest server, not a newer client, and installs nothing', () => {
    const lib = tempDir('cabinet-pglib-')
    mkdirSync(join(lib, '15/bin'), { recursive: true })
    touchSync(join(lib, '15/bin/initdb'))
    mkdirSync(join(lib, '16/bin'), { recursive: true })
    touchSync(join(lib, '16/bin/psql'))

    const result = bash(`${FAKE_APT}\npg_bin_dir`, { PG_LIB_DIR: lib })

    expect(result.stderr).not.toContain('apt_install')
    expect(result).toMatchObject({ status: 0, stdout: join(lib, '15/bin') })
  })
})

const isRoot = process.getuid?.() === 0
const hasPostgresUser = spawnSync('id', ['postgres']).status === 0

describe.runIf(isRoot && hasPostgresUser)('a private Postgres, run as root', () => {
  it('starts and stops in a checkout the postgres user cannot enter (a clone under /root)', async () => {
    const home = tempDir('cabinet-home-')
    chmodSync(home, 0o700)
    const data = join(home, 'repo/.data/pg')
    const outside = tempDir('cabinet-outside-')
    chmodSync(outside, 0o755)
    const port = await freePort()
    const env = { PG_OUTSIDE_DIR: outside }

    const started = bash(`ensure_postgres ${JSON.stringify(data)} ${port} && echo "started=$PG_STARTED_HERE"`, env)
    try {
      expect(started.stderr).not.toMatch(/failed|error/i)
      expect(started).toMatchObject({ status: 0, stdout: 'started=1' })
      expect(bash(`pg_reachable postgresql://postgres@127.0.0.1:${port}/postgres`).status).toBe(0)
      // A second run finds it running and starts nothing.
      expect(
        bash(`ensure_postgres ${JSON.stringify(data)} ${port} && echo "started=$PG_STARTED_HERE"`, env),
      ).toMatchObject({ status: 0, stdout: 'started=0' })
    } finally {
      bash(`stop_postgres ${JSON.stringify(data)}`, env)
    }
    expect(bash(`pg_reachable postgresql://postgres@127.0.0.1:${port}/postgres`).status).not.toBe(0)
  })
})
