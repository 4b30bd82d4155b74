// Each fault, set through `cabinet-node fault` and observed the way Cabinet will observe it: through the
// simulated tools' output read by @cabinet/gpu's parsers and judged by its health gates.
import {
  evaluateNodeHealth,
  parseDcgmDiagJson,
  parseDcgmDiscovery,
  parseDcgmHealthJson,
  parseNvidiaSmiQueryCsv,
  parseNvidiaSmiTable,
  parseNvidiaSmiXml,
  parseXidLog,
} from '@cabinet/gpu'
import { afterAll, describe, expect, it } from 'vitest'
import { kernelPciAddress } from '../src/hardware/identity'
import { GPU_MODELS } from '../src/hardware/models'
import { heldClock, knownValue, newNode, ok, parsedValue, removeTempDirs, run, status } from './helpers'

afterAll(removeTempDirs)

const SLOW = 90_000

const h100 = (hostname: string) => newNode({ hostname, model: 'H100', gpus: 8, driver: '550.54.15' })

async function snapshot(stateDir: string) {
  return parsedValue(parseNvidiaSmiXml(await ok('nvidia-smi', ['-q', '-x'], { stateDir })))
}

describe.concurrent('faults', () => {
  it(
    'install-fails: the installer exits 1 with its own error and the driver stays; --count 1 fails once',
    async () => {
      const stateDir = await h100('fault-install')
      await ok('cabinet-node', ['fault', 'install-fails'], { stateDir })
      const failed = await run('cabinet-node', ['install-driver', '570.124.06'], { stateDir })
      expect(failed.code).toBe(1)
      expect(failed.stderr).toContain('ERROR: Installation has failed.')
      expect(failed.stderr).toContain('"Building kernel modules"')
      let node = await status(stateDir)
      expect(node.driver.installed).toBe('550.54.15')
      expect(node.installs).toEqual({})
      expect(node.installLog).toMatchObject([{ version: '570.124.06', ok: false }])

      await ok('cabinet-node', ['fault', 'install-fails', '--count', '1'], { stateDir })
      expect((await run('cabinet-node', ['install-driver', '570.124.06'], { stateDir })).code).toBe(1)
      await ok('cabinet-node', ['install-driver', '570.124.06'], { stateDir })
      node = await status(stateDir)
      expect(node.driver.installed).toBe('570.124.06')
      expect(node.installs).toEqual({ '570.124.06': 1 })
    },
    SLOW,
  )

  it(
    'xid79-after-upgrade: after install and reboot one GPU falls off the bus, with Xid 79 in dmesg',
    async () => {
      const stateDir = await h100('fault-xid79')
      const before = await status(stateDir)
      await ok('cabinet-node', ['fault', 'xid79-after-upgrade', '--gpu', '2'], { stateDir })
      await ok('cabinet-node', ['reboot'], { stateDir })
      expect((await snapshot(stateDir)).gpus).toHaveLength(8) // no upgrade yet: nothing happens
      await ok('cabinet-node', ['install-driver', '570.124.06'], { stateDir })

      // Installed but not loaded: NVML refuses, like a real node between install and reboot.
      const mismatch = await run('nvidia-smi', ['-q', '-x'], { stateDir })
      expect(mismatch.code).toBe(18)
      const refused = parseNvidiaSmiXml(mismatch.stdout)
      expect(refused.ok).toBe(false)
      if (!refused.ok) expect(refused.error.message).toContain('Driver/library version mismatch')

      await ok('cabinet-node', ['reboot'], { stateDir })
      const listed = await run('nvidia-smi', ['-q', '-x'], { stateDir })
      expect(listed.code).toBe(0)
      expect(listed.stderr).toContain(
        `Unable to determine the device handle for GPU${before.gpus[2]?.pciBusId.slice(4)}`,
      )
      const after = parsedValue(parseNvidiaSmiXml(listed.stdout))
      expect(knownValue(after.driverVersion)).toBe('570.124.06')
      expect(knownValue(after.attachedGpus)).toBe(7)
      expect(after.gpus.map((gpu) => knownValue(gpu.uuid))).not.toContain(before.gpus[2]?.uuid)
      const table = parsedValue(parseNvidiaSmiTable((await run('nvidia-smi', [], { stateDir })).stdout))
      expect(table.gpus).toHaveLength(7)

      const xids = parsedValue(parseXidLog(await ok('cabinet-node', ['dmesg'], { stateDir })))
      expect(xids.map((event) => [event.xid, event.pciBusId])).toEqual([[79, kernelPciAddress(GPU_MODELS.H100, 2)]])
      expect(xids[0]?.message).toContain('GPU has fallen off the bus')

      const verdict = evaluateNodeHealth({
        snapshot: after,
        expected: { driverVersion: '570.124.06', gpuCount: 8 },
        xids: { events: xids },
      })
      expect(verdict.verdict).toBe('fail')
      const failedGates = verdict.gates.filter((gate) => gate.verdict === 'fail').map((gate) => gate.gate)
      expect(failedGates).toEqual(['gpus-visible', 'critical-xid'])

      // Clearing the fault is the repair: the GPU is back.
      await ok('cabinet-node', ['fault', 'xid79-after-upgrade', '--off'], { stateDir })
      expect((await snapshot(stateDir)).gpus).toHaveLength(8)
    },
    SLOW,
  )

  it(
    'ecc-errors: volatile and aggregate uncorrectable errors on one GPU in every format, DCGM fails it',
    async () => {
      const stateDir = await h100('fault-ecc')
      await ok('cabinet-node', ['fault', 'ecc-errors', '--gpu', '3', '--count', '5'], { stateDir })
      const xml = await snapshot(stateDir)
      expect(xml.gpus.map((gpu) => knownValue(gpu.ecc.volatile.uncorrectable))).toEqual([0, 0, 0, 5, 0, 0, 0, 0])
      expect(knownValue(xml.gpus[3]?.ecc.aggregate.uncorrectable ?? xml.attachedGpus)).toBe(5)

      const fields = 'index,uuid,ecc.errors.uncorrected.volatile.total,ecc.errors.uncorrected.aggregate.total'
      const csv = parsedValue(
        parseNvidiaSmiQueryCsv(await ok('nvidia-smi', [`--query-gpu=${fields}`, '--format=csv'], { stateDir })),
      )
      expect(csv.gpus.map((gpu) => knownValue(gpu.ecc.volatile.uncorrectable))).toEqual([0, 0, 0, 5, 0, 0, 0, 0])
      const table = parsedValue(parseNvidiaSmiTable(await ok('nvidia-smi', [], { stateDir })))
      expect(table.gpus.map((gpu) => knownValue(gpu.ecc.volatile.uncorrectable))).toEqual([0, 0, 0, 5, 0, 0, 0, 0])

      const level1 = parsedValue(parseDcgmDiagJson(await ok('dcgmi', ['diag', '-r', '1', '-j'], { stateDir })))
      expect(level1.overall).toBe('pass') // deployment checks do not look at ECC counters
      const diag = parsedValue(parseDcgmDiagJson(await ok('dcgmi', ['diag', '-r', '2', '-j'], { stateDir })))
      expect(diag.overall).toBe('fail')
      const memory = diag.tests.find((test) => test.name === 'GPU Memory')
      expect(memory?.gpus.filter((gpu) => gpu.verdict === 'fail').map((gpu) => gpu.gpuId)).toEqual([3])
      expect(memory?.errors).toMatchObject([
        { gpuId: 3, errorId: 4, message: 'Detected 5 volatile double-bit ECC error(s) in GPU 3.' },
      ])

      const health = parsedValue(parseDcgmHealthJson(await ok('dcgmi', ['health', '-c', '-j'], { stateDir })))
      expect(health.overall).toBe('failure')
      expect(health.incidents).toMatchObject([{ gpuId: 3, system: 'Memory system', status: 'failure' }])

      const xids = parsedValue(parseXidLog(await ok('cabinet-node', ['dmesg'], { stateDir })))
      expect(xids.map((event) => event.xid)).toEqual([48])

      const verdict = evaluateNodeHealth({ snapshot: xml, expected: { gpuCount: 8 }, diag })
      const ecc = verdict.gates.find((gate) => gate.gate === 'ecc')
      expect(ecc?.verdict).toBe('fail')
      expect(ecc?.reasons.map((reason) => reason.gpuIndex)).toEqual([3])

      // Off: no new errors; the lifetime count stays, as on a real board.
      await ok('cabinet-node', ['fault', 'ecc-errors', '--off'], { stateDir })
      const cleared = await snapshot(stateDir)
      expect(knownValue(cleared.gpus[3]?.ecc.volatile.uncorrectable ?? cleared.attachedGpus)).toBe(0)
      expect(knownValue(cleared.gpus[3]?.ecc.aggregate.uncorrectable ?? cleared.attachedGpus)).toBe(5)
    },
    SLOW,
  )

  it(
    'gpu-missing-after-reboot: the next reboot brings up one GPU fewer, with no Xid',
    async () => {
      const stateDir = await h100('fault-missing')
      const before = await status(stateDir)
      await ok('cabinet-node', ['fault', 'gpu-missing-after-reboot', '--gpu', '7'], { stateDir })
      expect((await snapshot(stateDir)).gpus).toHaveLength(8)
      await ok('cabinet-node', ['reboot'], { stateDir })
      const after = await snapshot(stateDir)
      expect(knownValue(after.attachedGpus)).toBe(7)
      expect(after.gpus.map((gpu) => knownValue(gpu.uuid))).toEqual(before.gpus.slice(0, 7).map((gpu) => gpu.uuid))
      const discovered = parsedValue(parseDcgmDiscovery(await ok('dcgmi', ['discovery', '-l'], { stateDir })))
      expect(discovered).toHaveLength(7)
      const dmesg = await ok('cabinet-node', ['dmesg'], { stateDir })
      expect(dmesg).toContain('RmInitAdapter failed!')
      expect(parsedValue(parseXidLog(dmesg))).toEqual([])
      const verdict = evaluateNodeHealth({ snapshot: after, expected: { gpuCount: 8 } })
      expect(verdict.gates.find((gate) => gate.gate === 'gpus-visible')?.verdict).toBe('fail')
      // It stays gone over further reboots until the fault is cleared.
      await ok('cabinet-node', ['reboot'], { stateDir })
      expect((await snapshot(stateDir)).gpus).toHaveLength(7)
      await ok('cabinet-node', ['fault', 'gpu-missing-after-reboot', '--off'], { stateDir })
      expect((await snapshot(stateDir)).gpus).toHaveLength(8)
    },
    SLOW,
  )

  it(
    'slow-reboot: reboot takes the given seconds, and meanwhile the probes fail as with no driver loaded',
    async () => {
      const stateDir = await h100('fault-slow-reboot')
      await ok('cabinet-node', ['fault', 'slow-reboot', '--seconds', '6'], { stateDir })
      const bootBefore = (await status(stateDir)).boot
      // The probes run at chosen moments inside the reboot, never racing the wall clock.
      const { run: tool, status: statusAt, slept } = heldClock(stateDir)

      const rebooted = await tool('cabinet-node', ['reboot'], 0)
      expect(rebooted.exitCode).toBe(0)
      // The command returns when the node is back: after the fault's seconds.
      expect(slept).toEqual([6000])

      const node = await statusAt(1000)
      expect(node.boot.id).not.toBe(bootBefore.id)
      expect(node.boot.state).toBe('booting')
      const smi = await tool('nvidia-smi', ['-q', '-x'], 1000)
      expect(smi.exitCode).toBe(9)
      const parsed = parseNvidiaSmiXml(smi.stdout)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.error.message).toContain("couldn't communicate with the NVIDIA driver")
      const dcgmi = await tool('dcgmi', ['diag', '-r', '1', '-j'], 5999)
      expect(dcgmi.exitCode).toBe(255)
      expect(dcgmi.stderr).toContain('Unable to connect to host engine')

      expect((await statusAt(6000)).boot).toMatchObject({ count: bootBefore.count + 1, state: 'up' })
      const after = parsedValue(parseNvidiaSmiXml((await tool('nvidia-smi', ['-q', '-x'], 6000)).stdout))
      expect(after.gpus).toHaveLength(8)
    },
    SLOW,
  )

  it(
    'slow-install: install-driver takes the given seconds',
    async () => {
      const stateDir = await h100('fault-slow-install')
      await ok('cabinet-node', ['fault', 'slow-install', '--seconds', '2'], { stateDir })
      const install = await run('cabinet-node', ['install-driver', '570.124.06'], { stateDir })
      expect(install.code).toBe(0)
      expect(install.ms).toBeGreaterThanOrEqual(2000)
      expect((await status(stateDir)).installs).toEqual({ '570.124.06': 1 })
    },
    SLOW,
  )

  it(
    'hanging-probe: nvidia-smi and dcgmi block until killed; cabinet-node still answers',
    async () => {
      const stateDir = await h100('fault-hang')
      await ok('cabinet-node', ['fault', 'hanging-probe'], { stateDir })
      const [smi, dcgmi] = await Promise.all([
        run('nvidia-smi', ['-q', '-x'], { stateDir, timeoutMs: 2500 }),
        run('dcgmi', ['diag', '-r', '1', '-j'], { stateDir, timeoutMs: 2500 }),
      ])
      for (const probe of [smi, dcgmi]) {
        expect(probe.signal).toBe('SIGKILL')
        expect(probe.stdout).toBe('')
        expect(probe.ms).toBeGreaterThanOrEqual(2500)
      }
      expect((await status(stateDir)).faults).toHaveProperty('hanging-probe')
      await ok('cabinet-node', ['fault', 'hanging-probe', '--off'], { stateDir })
      expect((await snapshot(stateDir)).gpus).toHaveLength(8)
    },
    SLOW,
  )

  it(
    'perf-regression: throughput drops by the percentage once the next upgrade is loaded, and returns on rollback',
    async () => {
      const stateDir = await h100('fault-perf')
      const perf = async () => JSON.parse(await ok('cabinet-node', ['perf'], { stateDir })) as { tflops: number }
      const baseline = (await perf()).tflops
      expect(baseline).toBe(8 * GPU_MODELS.H100.perfTflopsPerGpu)
      await ok('cabinet-node', ['fault', 'perf-regression', '--percent', '25'], { stateDir })
      expect((await perf()).tflops).toBe(baseline)
      await ok('cabinet-node', ['install-driver', '570.124.06'], { stateDir })
      expect((await run('cabinet-node', ['perf'], { stateDir })).code).toBe(1) // not loaded until the reboot
      await ok('cabinet-node', ['reboot'], { stateDir })
      expect((await perf()).tflops).toBe(baseline * 0.75)
      await ok('cabinet-node', ['install-driver', '550.54.15'], { stateDir })
      await ok('cabinet-node', ['reboot'], { stateDir })
      expect((await perf()).tflops).toBe(baseline)
    },
    SLOW,
  )
})
