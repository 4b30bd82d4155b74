// The state folder: state.json replaced atomically (write a temp file, fsync, rename) so a reader never sees a
// half-written file, and changes serialised by an O_EXCL lock file so concurrent commands never lose one.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isGpuModelKey } from '../hardware/models'
import { SimError } from '../result'
import { SIM_STATE_SCHEMA, type SimState } from './types'

const STATE_FILE = 'state.json'
const LOCK_FILE = 'state.lock'
/** Long enough for a queue of concurrent installs on a slow CI machine; a lock is held for milliseconds. */
const LOCK_TIMEOUT_MS = 30_000
/** A lock file without a readable pid (a writer died between create and write) is stale after this. */
const UNREADABLE_LOCK_STALE_MS = 5_000

/** `GPU_SIM_STATE_DIR`, else `$HOME/.gpu-sim`. */
export function stateDirFrom(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env.GPU_SIM_STATE_DIR?.trim()
  if (explicit) return explicit
  return join(env.HOME?.trim() || homedir(), '.gpu-sim')
}

export function hasState(dir: string): boolean {
  return existsSync(join(dir, STATE_FILE))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Enough of a check to refuse a foreign or older file with a clear message; the rest was written by us. */
function isSimState(value: unknown): value is SimState {
  if (!isRecord(value) || value.schema !== SIM_STATE_SCHEMA) return false
  const { hostname, model, gpus, driver, drain, boot } = value
  return (
    typeof hostname === 'string' &&
    typeof model === 'string' &&
    isGpuModelKey(model) &&
    Array.isArray(gpus) &&
    isRecord(driver) &&
    typeof driver.installed === 'string' &&
    typeof driver.loaded === 'string' &&
    isRecord(drain) &&
    isRecord(boot)
  )
}

function noNode(dir: string): SimError {
  return new SimError(
    `gpu-sim: no simulated node in ${dir}; run \`cabinet-node init --hostname H --model H100 --gpus 8 --driver 550.54.15\` first (or set GPU_SIM_STATE_DIR)`,
    1,
  )
}

/** Reads the node; needs no lock, since writes replace the file in one rename. */
export function readState(dir: string): SimState {
  const path = join(dir, STATE_FILE)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw noNode(dir)
    throw error
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new SimError(`gpu-sim: ${path} is not valid JSON`, 1)
  }
  if (!isSimState(value))
    throw new SimError(`gpu-sim: ${path} is not a gpu-sim state file (schema ${SIM_STATE_SCHEMA})`)
  return value
}

export function writeState(dir: string, state: SimState): void {
  mkdirSync(dir, { recursive: true })
  const target = join(dir, STATE_FILE)
  const temp = join(dir, `.${STATE_FILE}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`)
  const fd = openSync(temp, 'w', 0o644)
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`)
    // Durable before it becomes visible: a crash leaves the old file or the new one, never an empty one.
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, target)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/**
 * A lock whose holder died (killed mid-command) must not wedge the node forever. Two waiters could both see
 * the same dead holder; the window is a few microseconds after a crash, which a simulator can live with.
 */
function isStale(lockPath: string): boolean {
  let text: string
  let ageMs: number
  try {
    text = readFileSync(lockPath, 'utf8')
    ageMs = Date.now() - statSync(lockPath).mtimeMs
  } catch {
    return false // gone already: the next attempt takes it
  }
  const pid = Number.parseInt(text.trim(), 10)
  if (!Number.isInteger(pid) || pid <= 0) return ageMs > UNREADABLE_LOCK_STALE_MS
  return !processAlive(pid)
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `fn` holding the node's lock; waits (with jitter) while another command holds it. */
export async function withStateLock<T>(dir: string, fn: () => T | Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true })
  const lockPath = join(dir, LOCK_FILE)
  const deadline = Date.now() + LOCK_TIMEOUT_MS
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o644)
      try {
        writeSync(fd, `${process.pid}\n`)
      } finally {
        closeSync(fd)
      }
      break
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error
      if (isStale(lockPath)) {
        try {
          unlinkSync(lockPath)
        } catch {
          // another waiter removed it first
        }
        continue
      }
      if (Date.now() > deadline) {
        throw new SimError(`gpu-sim: timed out after ${LOCK_TIMEOUT_MS / 1000}s waiting for ${lockPath}`, 1)
      }
      await pause(5 + Math.random() * 25)
    }
  }
  try {
    return await fn()
  } finally {
    unlinkSync(lockPath)
  }
}

/** Read, change and write the node under its lock; `change` mutates the state it is given. */
export async function updateState<T>(dir: string, change: (state: SimState) => T): Promise<T> {
  // Checked before locking so a mistyped folder is not created just to hold a lock file.
  if (!hasState(dir)) throw noNode(dir)
  return withStateLock(dir, () => {
    const state = readState(dir)
    const result = change(state)
    writeState(dir, state)
    return result
  })
}
