// Runs the simulator the way probes will: as a child process (`node --import tsx src/cli.ts <tool> ...`)
// against a fresh state folder, and reads its outputs with @cabinet/gpu's parsers.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ParseResult } from '@cabinet/gpu'
import { expect } from 'vitest'
import type { ToolContext } from '../src/tools/context'
import { runTool, type ToolName } from '../src/tools/run'

export const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
export const BIN = fileURLToPath(new URL('../bin', import.meta.url))
/** tsx's loader by absolute path: `--import tsx` would resolve from the child's working directory. */
export const TSX_LOADER = createRequire(import.meta.url).resolve('tsx')

export interface Run {
  stdout: string
  stderr: string
  code: number | null
  signal: NodeJS.Signals | null
  ms: number
}

export interface RunOptions {
  stateDir: string
  timeoutMs?: number
  env?: Record<string, string>
}

/** One invocation of a simulated tool; never rejects, so tests assert on status and output. */
export function run(tool: string, args: readonly string[], options: RunOptions): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX_LOADER, CLI, tool, ...args],
      {
        env: { ...process.env, GPU_SIM_STATE_DIR: options.stateDir, ...options.env },
        timeout: options.timeoutMs ?? 20_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ stdout, stderr, code, signal: error?.signal ?? null, ms: Date.now() - started })
      },
    )
  })
}

/** run() that must succeed; returns stdout. */
export async function ok(tool: string, args: readonly string[], options: RunOptions): Promise<string> {
  const result = await run(tool, args, options)
  expect(result.stderr, `${tool} ${args.join(' ')}`).toBe('')
  expect(result.code, `${tool} ${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

const tempDirs: string[] = []

/** A new empty folder under the system temp dir, removed by removeTempDirs(). */
export function tempDir(prefix = 'gpu-sim-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

export const tempStateDir = (): string => tempDir()

/** For afterAll: every folder tempDir() made in this test file. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

export interface NodeInit {
  hostname: string
  model: 'H100' | 'H200' | 'A100' | 'L40S'
  gpus: number
  driver: string
}

/** A fresh state folder holding an initialised node. */
export async function newNode(spec: NodeInit): Promise<string> {
  const stateDir = tempStateDir()
  await ok(
    'cabinet-node',
    ['init', '--hostname', spec.hostname, '--model', spec.model, '--gpus', String(spec.gpus), '--driver', spec.driver],
    { stateDir },
  )
  return stateDir
}

export interface Status {
  hostname: string
  gpuCount: number
  gpusVisible: number
  gpus: { slot: number; index: number | null; uuid: string; serial: string; pciBusId: string; lost: string | null }[]
  driver: { installed: string; loaded: string; cuda: string }
  drain: { state: string; reason: string | null; drainedBefore: boolean; slurmState: string }
  boot: { id: string; count: number; state: string }
  installs: Record<string, number>
  installLog: { version: string; ok: boolean }[]
  faults: Record<string, unknown>
}

export async function status(stateDir: string): Promise<Status> {
  return JSON.parse(await ok('cabinet-node', ['status'], { stateDir }))
}

/** The value of a successful parse; fails the test with the parser's error otherwise. */
export function parsedValue<T>(result: ParseResult<T>): T {
  if (!result.ok) expect.fail(`expected a parse, got ${result.error.message}`)
  return result.value
}

/** The value of a known reading; fails the test on an unknown one. */
export function knownValue<T>(reading: { known: true; value: T } | { known: false; raw: string | null }): T {
  if (!reading.known) expect.fail(`expected a known reading, got unknown (${String(reading.raw)})`)
  return reading.value
}

/**
 * The tools in-process on a clock the test holds (what SimClock is for): `run(tool, args, ms)` runs at
 * `ms` after the moment this was made, and a tool's waits return at once, recorded in `slept`. A test
 * of a timed state (a slow reboot, a timed drain) then probes a chosen moment inside it, and a slow
 * machine cannot push the probe past its end.
 */
export function heldClock(stateDir: string) {
  const start = Date.now()
  const slept: number[] = []
  const context = (ms: number): ToolContext => ({
    stateDir,
    clock: {
      now: () => new Date(start + ms),
      sleep: async (wait) => {
        slept.push(wait)
      },
    },
  })
  const runAt = (tool: ToolName, args: readonly string[], ms: number) => runTool(tool, args, context(ms))
  return {
    slept,
    run: runAt,
    status: async (ms: number) => JSON.parse((await runAt('cabinet-node', ['status'], ms)).stdout) as Status,
  }
}
