// The state folder and the node's life: concurrent commands never lose an update, readers never see a torn
// file, identities follow the hostname, drivers load only at reboot, and drain/resume behave like Slurm's.
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseNvidiaSmiXml } from '@cabinet/gpu'
import { afterAll, describe, expect, it } from 'vitest'
import { heldClock, knownValue, newNode, ok, parsedValue, removeTempDirs, run, status, tempStateDir } from './helpers'

afterAll(removeTempDirs)

const SLOW = 90_000

describe('state folder', () => {
  it(
    'serialises concurrent commands: 10 install-driver runs at once record 10 installs, reads stay whole',
    async () => {
      const stateDir = await newNode({ hostname: 'lock-01', model: 'H100', gpus: 8, driver: '550.54.15' })
      const installs = Array.from({ length: 10 }, () =>
        run('cabinet-node', ['install-driver', '570.124.06'], { stateDir }),
      )
      const reads = Array.from({ length: 5 }, () => run('cabinet-node', ['status'], { stateDir }))
      const results = await Promise.all([...installs, ...reads])
      for (const result of results) expect(result.code, result.stderr).toBe(0)
      // Each read saw a complete state file (status parses it and prints JSON).
      for (const read of results.slice(10)) expect(JSON.parse(read.stdout)).toHaveProperty('hostname', 'lock-01')
      const node = await status(stateDir)
      expect(node.installs).toEqual({ '570.124.06': 10 })
      expect(node.installLog).toHaveLength(10)
      // Nothing left behind: no lock, no temp files.
      expect(readdirSync(stateDir)).toEqual(['state.json'])
    },
    SLOW,
  )

  it(
    'takes over a lock left by a process that died',
    async () => {
      const stateDir = await newNode({ hostname: 'lock-02', model: 'L40S', gpus: 2, driver: '570.124.06' })
      // A pid that cannot exist on Linux (above pid_max's ceiling).
      writeFileSync(join(stateDir, 'state.lock'), '4194305\n')
      await ok('cabinet-node', ['install-driver', '580.95.05'], { stateDir })
      expect((await status(stateDir)).installs).toEqual({ '580.95.05': 1 })
    },
    SLOW,
  )

  it('refuses to run a probe without a node, saying how to create one', async () => {
    const result = await run('nvidia-smi', ['-q', '-x'], { stateDir: tempStateDir() })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('cabinet-node init')
  })
})

describe.concurrent('node lifecycle', () => {
  it(
    'init: same hostname gives the same GPUs, another hostname others; refuses to overwrite without --force',
    async () => {
      const spec = { hostname: 'ident-01', model: 'H200', gpus: 4, driver: '570.124.06' } as const
      const [first, second, other] = await Promise.all([
        newNode(spec),
        newNode(spec),
        newNode({ ...spec, hostname: 'ident-02' }),
      ])
      const [a, b, c] = await Promise.all([status(first), status(second), status(other)])
      expect(b.gpus.map((gpu) => [gpu.uuid, gpu.serial, gpu.pciBusId])).toEqual(
        a.gpus.map((gpu) => [gpu.uuid, gpu.serial, gpu.pciBusId]),
      )
      expect(c.gpus.map((gpu) => gpu.uuid).filter((uuid) => a.gpus.some((gpu) => gpu.uuid === uuid))).toEqual([])
      expect(new Set(a.gpus.map((gpu) => gpu.uuid)).size).toBe(4)

      const again = await run('cabinet-node', ['init', '--hostname', 'x', '--driver', '550.54.15'], { stateDir: first })
      expect(again.code).toBe(1)
      expect(again.stderr).toContain('--force')
      await ok('cabinet-node', ['init', '--hostname', 'x', '--model', 'A100', '--gpus', '2', '--force'], {
        stateDir: first,
      })
      expect((await status(first)).hostname).toBe('x')
    },
    SLOW,
  )

  it('init refuses an unknown model, a bad GPU count and a driver outside the compatibility table', async () => {
    const stateDir = tempStateDir()
    const refused = await Promise.all([
      run('cabinet-node', ['init', '--model', 'V100'], { stateDir }),
      run('cabinet-node', ['init', '--gpus', '0'], { stateDir }),
      run('cabinet-node', ['init', '--driver', '470.82.01'], { stateDir }),
      run('cabinet-node', ['init', '--driver', 'latest'], { stateDir }),
    ])
    expect(refused.map((result) => result.code)).toEqual([2, 2, 2, 2])
    expect(refused[2]?.stderr).toContain('older than the oldest')
  })

  it(
    'install-driver loads only at reboot: new boot id, reboot count, then the new driver and its CUDA',
    async () => {
      const stateDir = await newNode({ hostname: 'life-01', model: 'A100', gpus: 8, driver: '535.104.05' })
      const before = await status(stateDir)
      expect(before.boot.count).toBe(0)
      expect((await ok('cabinet-node', ['install-driver', '580.95.05'], { stateDir })).trim()).toBe(
        'installed NVIDIA driver 580.95.05 (CUDA 13.0); reboot to load it',
      )
      const pending = await status(stateDir)
      expect(pending.driver).toMatchObject({ installed: '580.95.05', loaded: '535.104.05', cuda: '12.2' })
      await ok('cabinet-node', ['reboot'], { stateDir })
      const after = await status(stateDir)
      expect(after.boot.count).toBe(1)
      expect(after.boot.id).not.toBe(before.boot.id)
      expect(after.driver).toMatchObject({ installed: '580.95.05', loaded: '580.95.05', cuda: '13.0' })
      const xml = parsedValue(parseNvidiaSmiXml(await ok('nvidia-smi', ['-q', '-x'], { stateDir })))
      expect(knownValue(xml.cudaVersion)).toBe('13.0')
      expect((await ok('cabinet-node', ['dmesg'], { stateDir })).split('\n')[0]).toMatch(/^\[ {4}0\.000000\] Linux/)
      expect(await ok('cabinet-node', ['dmesg'], { stateDir })).toContain('Kernel Module for x86_64  580.95.05')
    },
    SLOW,
  )

  it(
    'drain and resume like scontrol: reason kept, drained-before noted, resume of an idle node refused',
    async ({ expect }) => {
      const stateDir = await newNode({ hostname: 'drain-01', model: 'H100', gpus: 8, driver: '550.54.15' })
      await ok('cabinet-node', ['drain', '--reason', 'driver upgrade CHG-42'], { stateDir })
      let node = await status(stateDir)
      expect(node.drain).toMatchObject({
        state: 'drained',
        reason: 'driver upgrade CHG-42',
        drainedBefore: false,
        slurmState: 'IDLE+DRAIN',
      })
      await ok('cabinet-node', ['drain', '--reason', 'second drain'], { stateDir })
      node = await status(stateDir)
      expect(node.drain).toMatchObject({ state: 'drained', reason: 'second drain', drainedBefore: true })
      await ok('cabinet-node', ['resume'], { stateDir })
      expect((await status(stateDir)).drain).toMatchObject({ state: 'none', reason: null, slurmState: 'IDLE' })
      const again = await run('cabinet-node', ['resume'], { stateDir })
      expect(again.code).toBe(1)
      expect(again.stderr).toContain('slurm_update error: Invalid node state specified')

      // A timed drain completes on its own once its seconds pass: read at moments inside and after them.
      const held = heldClock(stateDir)
      expect((await held.run('cabinet-node', ['drain', '--seconds', '2'], 0)).exitCode).toBe(0)
      expect((await held.status(1999)).drain).toMatchObject({ state: 'draining', slurmState: 'MIXED+DRAIN' })
      expect((await held.status(2000)).drain.state).toBe('drained')
    },
    SLOW,
  )
})
