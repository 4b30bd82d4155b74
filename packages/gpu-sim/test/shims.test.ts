// The bin/ shims make a PATH look like a GPU node: they run from any directory, through symlinks (also
// chains of relative ones), and default the state folder to $HOME/.gpu-sim.
import { execFile } from 'node:child_process'
import { mkdirSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { parseDcgmDiscovery, parseNvidiaSmiXml } from '@cabinet/gpu'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, CLI, knownValue, newNode, parsedValue, removeTempDirs, TSX_LOADER, tempDir } from './helpers'

afterAll(removeTempDirs)

const SHIMS = ['nvidia-smi', 'dcgmi', 'cabinet-node', 'dmesg']

function shell(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd: tmpdir(), timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : -1) : 0 })
    })
  })
}

describe.concurrent('bin shims', () => {
  it('are executable POSIX sh scripts', () => {
    for (const shim of SHIMS) {
      const mode = statSync(join(BIN, shim)).mode
      expect(mode & 0o111, shim).toBe(0o111)
    }
  })

  it('answer as nvidia-smi and dcgmi when their folder is on PATH, from any working directory', async () => {
    const stateDir = await newNode({ hostname: 'shim-01', model: 'H100', gpus: 2, driver: '550.54.15' })
    const env = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`, GPU_SIM_STATE_DIR: stateDir }
    const xml = await shell('nvidia-smi', ['-q', '-x'], env)
    expect(xml.code, xml.stderr).toBe(0)
    expect(knownValue(parsedValue(parseNvidiaSmiXml(xml.stdout)).driverVersion)).toBe('550.54.15')
    const discovery = await shell('dcgmi', ['discovery', '-l'], env)
    expect(parsedValue(parseDcgmDiscovery(discovery.stdout))).toHaveLength(2)
    const dmesg = await shell('dmesg', [], env)
    expect(dmesg.stdout).toContain('NVRM: loading NVIDIA UNIX Open Kernel Module')
  }, 60_000)

  it('resolve their own folder through a chain of symlinks', async () => {
    const stateDir = await newNode({ hostname: 'shim-02', model: 'L40S', gpus: 1, driver: '580.95.05' })
    const outer = tempDir('gpu-sim-links-')
    mkdirSync(join(outer, 'usr', 'bin'), { recursive: true })
    symlinkSync(join(BIN, 'nvidia-smi'), join(outer, 'real-nvidia-smi'))
    // A relative link to an absolute link, as package managers and alternatives systems make them.
    symlinkSync('../../real-nvidia-smi', join(outer, 'usr', 'bin', 'nvidia-smi'))
    const result = await shell(join(outer, 'usr', 'bin', 'nvidia-smi'), ['-L'], {
      ...process.env,
      GPU_SIM_STATE_DIR: stateDir,
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^GPU 0: NVIDIA L40S \(UUID: GPU-[0-9a-f-]{36}\)\n$/)
  }, 60_000)

  it('keep the node in $HOME/.gpu-sim when GPU_SIM_STATE_DIR is not set', async () => {
    const home = tempDir('gpu-sim-home-')
    const env = { ...process.env, HOME: home, GPU_SIM_STATE_DIR: undefined }
    const init = await shell(join(BIN, 'cabinet-node'), ['init', '--hostname', 'home-01', '--gpus', '1'], env)
    expect(init.code, init.stderr).toBe(0)
    expect(statSync(join(home, '.gpu-sim', 'state.json')).isFile()).toBe(true)
    const list = await shell(join(BIN, 'nvidia-smi'), ['-L'], env)
    expect(list.stdout).toContain('GPU 0: NVIDIA H100 80GB HBM3')
  }, 60_000)

  it("dispatch on the entry's own name, for a link named after a tool", async () => {
    const stateDir = await newNode({ hostname: 'shim-03', model: 'A100', gpus: 1, driver: '535.104.05' })
    const link = join(tempDir('gpu-sim-name-'), 'nvidia-smi.ts')
    symlinkSync(CLI, link)
    const result = await shell(process.execPath, ['--import', TSX_LOADER, link, '--version'], {
      ...process.env,
      GPU_SIM_STATE_DIR: stateDir,
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('DRIVER version      : 535.104.05')
  }, 60_000)
})
