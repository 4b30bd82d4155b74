// Which path lets a driver run a CUDA release (native, minor-version, forward compatibility) and how a driver
// target is refused at submission when a cluster's declared CUDA release cannot run on it.
import { describe, expect, it } from 'vitest'
import {
  type CompatCode,
  type CompatMode,
  checkDriverForCuda,
  checkDriverTarget,
  classifyGpu,
  type DriverCudaQuery,
  type GpuClass,
} from '../../src/compat'

const H100 = 'NVIDIA H100 80GB HBM3'
const RTX_4090 = 'NVIDIA GeForce RTX 4090'
const minor = { allowMinorVersionCompat: true }
const forward = { allowForwardCompat: true }

type Row = [title: string, query: DriverCudaQuery, mode: CompatMode, code: CompatCode]

const ROWS: Row[] = [
  ['exact minimum', { driver: '550.54.14', cuda: '12.4', gpuModel: H100 }, 'native', 'NATIVE'],
  ['newer branch runs an older major', { driver: '570.124.06', cuda: '11.8', gpuModel: H100 }, 'native', 'NATIVE'],
  ['one patch below', { driver: '550.54.13', cuda: '12.4', gpuModel: H100 }, 'incompatible', 'DRIVER_TOO_OLD'],
  [
    'GA minimum is not enough for the update',
    { driver: '550.54.14', cuda: '12.4.1', gpuModel: H100 },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'minor-version compat off by default',
    { driver: '535.104.05', cuda: '12.4', gpuModel: H100 },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'minor-version within 12.x',
    { driver: '535.104.05', cuda: '12.4', gpuModel: H100, ...minor },
    'minor-version',
    'MINOR_VERSION_COMPAT',
  ],
  [
    'minor-version at the 12.x floor',
    { driver: '525.60.13', cuda: '12.9.1', gpuModel: H100, ...minor },
    'minor-version',
    'MINOR_VERSION_COMPAT',
  ],
  [
    'one patch below the 12.x floor',
    { driver: '525.60.12', cuda: '12.2', gpuModel: H100, ...minor },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'major mismatch: 11.x driver, CUDA 12',
    { driver: '520.61.05', cuda: '12.0', gpuModel: H100, ...minor },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'major mismatch: 12.x driver, CUDA 13',
    { driver: '575.57.08', cuda: '13.0', gpuModel: H100, ...minor },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'minor-version within 13.x',
    { driver: '580.65.06', cuda: '13.1', gpuModel: H100, ...minor },
    'minor-version',
    'MINOR_VERSION_COMPAT',
  ],
  [
    'minor-version at the 11.x floor',
    { driver: '450.80.02', cuda: '11.8', gpuModel: H100, ...minor },
    'minor-version',
    'MINOR_VERSION_COMPAT',
  ],
  [
    'below the 11.x floor',
    { driver: '450.80.01', cuda: '11.8', gpuModel: H100, ...minor },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'forward compat on H100',
    { driver: '535.104.05', cuda: '13.0', gpuModel: H100, ...forward },
    'forward-compat',
    'FORWARD_COMPAT',
  ],
  [
    'forward compat on A100',
    { driver: '535.104.05', cuda: '13.0', gpuModel: 'NVIDIA A100-SXM4-80GB', ...forward },
    'forward-compat',
    'FORWARD_COMPAT',
  ],
  [
    'forward compat on H200',
    { driver: '550.54.15', cuda: '12.8', gpuModel: 'NVIDIA H200', ...forward },
    'forward-compat',
    'FORWARD_COMPAT',
  ],
  [
    'forward compat on B200',
    { driver: '570.124.06', cuda: '13.1', gpuModel: 'NVIDIA B200', ...forward },
    'forward-compat',
    'FORWARD_COMPAT',
  ],
  [
    'forward compat on L40S',
    { driver: '535.104.05', cuda: '12.8', gpuModel: 'NVIDIA L40S', ...forward },
    'forward-compat',
    'FORWARD_COMPAT',
  ],
  [
    'no forward compat on GeForce',
    { driver: '535.104.05', cuda: '13.0', gpuModel: RTX_4090, ...forward },
    'incompatible',
    'FORWARD_COMPAT_UNSUPPORTED_GPU',
  ],
  [
    'no forward compat on workstation RTX',
    { driver: '535.104.05', cuda: '13.0', gpuModel: 'NVIDIA RTX A6000', ...forward },
    'incompatible',
    'FORWARD_COMPAT_UNSUPPORTED_GPU',
  ],
  [
    'no forward compat on an unknown model',
    { driver: '535.104.05', cuda: '13.0', gpuModel: 'Mystery Accelerator', ...forward },
    'incompatible',
    'FORWARD_COMPAT_UNSUPPORTED_GPU',
  ],
  [
    'forward compat not allowed',
    { driver: '535.104.05', cuda: '13.0', gpuModel: H100 },
    'incompatible',
    'DRIVER_TOO_OLD',
  ],
  [
    'minor-version preferred over forward',
    { driver: '535.104.05', cuda: '12.4', gpuModel: H100, ...minor, ...forward },
    'minor-version',
    'MINOR_VERSION_COMPAT',
  ],
  [
    'unknown CUDA release',
    { driver: '570.124.06', cuda: '12.7', gpuModel: H100 },
    'incompatible',
    'UNKNOWN_CUDA_VERSION',
  ],
  ['unreadable driver', { driver: 'latest', cuda: '12.4', gpuModel: H100 }, 'incompatible', 'INVALID_VERSION'],
]

describe('checkDriverForCuda', () => {
  it.each(ROWS)('%s', (_title, query, mode, code) => {
    const verdict = checkDriverForCuda(query)
    expect(verdict).toMatchObject({ mode, code, compatible: mode !== 'incompatible' })
    // The reason names what it judged: the driver, and the release as NVIDIA names it (12.9.1 -> "CUDA 12.9").
    if (code !== 'UNKNOWN_CUDA_VERSION') expect(verdict.reason).toContain(query.driver)
    if (code !== 'INVALID_VERSION')
      expect(verdict.reason).toContain(`CUDA ${query.cuda.split('.').slice(0, 2).join('.')}`)
  })

  it('states the caveats of minor-version compatibility, PTX JIT included', () => {
    const verdict = checkDriverForCuda({ driver: '535.104.05', cuda: '12.4', gpuModel: H100, ...minor })
    expect(verdict.reason).toMatch(/limited feature set.*PTX JIT needs the full driver/)
  })

  it('names the cuda-compat package for forward compatibility', () => {
    const verdict = checkDriverForCuda({ driver: '535.104.05', cuda: '13.0', gpuModel: H100, ...forward })
    expect(verdict.reason).toMatch(/cuda-compat package/)
  })

  it('hints at minor-version compatibility when it would have helped', () => {
    const verdict = checkDriverForCuda({ driver: '535.104.05', cuda: '12.4', gpuModel: H100 })
    expect(verdict.reason).toBe(
      'driver 535.104.05 cannot run CUDA 12.4 GA: needs >= 550.54.14 (minor-version compatibility would allow it with a limited feature set)',
    )
  })
})

describe('classifyGpu', () => {
  it.each<[string, GpuClass]>([
    ['NVIDIA A100-SXM4-80GB', 'datacenter'],
    ['NVIDIA H100 80GB HBM3', 'datacenter'],
    ['NVIDIA H200', 'datacenter'],
    ['NVIDIA B200', 'datacenter'],
    ['NVIDIA L40S', 'datacenter'],
    ['NVIDIA A10G', 'datacenter'],
    ['Tesla T4', 'datacenter'],
    ['Tesla V100-SXM2-32GB', 'datacenter'],
    ['NVIDIA GH200 480GB', 'datacenter'],
    ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 'datacenter'],
    ['NVIDIA GeForce RTX 4090', 'consumer'],
    ['NVIDIA GeForce RTX 3080', 'consumer'],
    ['NVIDIA TITAN RTX', 'consumer'],
    ['NVIDIA RTX A6000', 'workstation'],
    ['NVIDIA RTX 4000 SFF Ada Generation', 'workstation'],
    ['Quadro P2000', 'workstation'],
    ['NVIDIA RTX PRO 6000 Blackwell Workstation Edition', 'workstation'],
    ['', 'unknown'],
    ['Some Future GPU', 'unknown'],
  ])('%j is %s', (name, expected) => {
    expect(classifyGpu(name)).toBe(expected)
  })
})

describe('checkDriverTarget', () => {
  const trainA = { name: 'train-a', cudaVersions: ['12.4'], gpuModels: [H100] }

  it('refuses with the explanation the API shows at submission', () => {
    const verdict = checkDriverTarget({ targetDriver: '525.60.13', clusters: [trainA] })
    expect(verdict.accepted).toBe(false)
    expect(verdict.explanation).toBe(
      'driver 525.60.13 cannot run CUDA 12.4 declared by cluster train-a: needs >= 550.54.14',
    )
    expect(verdict.verdicts).toEqual([
      expect.objectContaining({
        cluster: 'train-a',
        cuda: '12.4',
        gpuModel: H100,
        mode: 'incompatible',
        code: 'DRIVER_TOO_OLD',
      }),
    ])
  })

  it('gives one verdict per cluster and CUDA release, and accepts when all run natively', () => {
    const verdict = checkDriverTarget({
      targetDriver: '580.95.05',
      clusters: [
        { name: 'train-a', cudaVersions: ['12.4', '12.8.1', '13.0.2'], gpuModels: [H100] },
        { name: 'infer-b', cudaVersions: ['11.8'], gpuModels: ['NVIDIA L40S', 'Tesla T4'] },
      ],
    })
    expect(verdict).toMatchObject({ accepted: true, explanation: null })
    expect(verdict.verdicts.map((v) => `${v.cluster}/${v.cuda}/${v.mode}`)).toEqual([
      'train-a/12.4/native',
      'train-a/12.8.1/native',
      'train-a/13.0.2/native',
      'infer-b/11.8/native',
    ])
  })

  it('lists every refused cluster and release in one explanation', () => {
    const verdict = checkDriverTarget({
      targetDriver: '550.54.15',
      clusters: [
        { name: 'train-a', cudaVersions: ['12.4.1', '12.8'], gpuModels: [H100] },
        { name: 'infer-b', cudaVersions: ['13.0'], gpuModels: [H100] },
      ],
    })
    expect(verdict.accepted).toBe(false)
    expect(verdict.explanation).toBe(
      'driver 550.54.15 cannot run CUDA 12.8 declared by cluster train-a: needs >= 570.26; CUDA 13.0 declared by cluster infer-b: needs >= 580.65.06',
    )
  })

  it('accepts minor-version compatibility when the change allows it', () => {
    const verdict = checkDriverTarget({ targetDriver: '535.104.05', clusters: [trainA], allowMinorVersionCompat: true })
    expect(verdict).toMatchObject({ accepted: true, explanation: null })
    expect(verdict.verdicts[0]).toMatchObject({ mode: 'minor-version' })
  })

  it('judges a mixed cluster by its least capable GPU: forward compatibility needs every GPU to be datacenter', () => {
    const verdict = checkDriverTarget({
      targetDriver: '535.104.05',
      clusters: [{ name: 'lab', cudaVersions: ['13.0'], gpuModels: [H100, RTX_4090] }],
      allowForwardCompat: true,
    })
    expect(verdict.verdicts[0]).toMatchObject({ gpuModel: RTX_4090, code: 'FORWARD_COMPAT_UNSUPPORTED_GPU' })
    expect(verdict.explanation).toBe(
      `driver 535.104.05 cannot run CUDA 13.0 declared by cluster lab: needs >= 580.65.06 (forward compatibility is not supported on ${RTX_4090})`,
    )
  })

  it('refuses a CUDA release it cannot check, saying why', () => {
    const verdict = checkDriverTarget({
      targetDriver: '580.95.05',
      clusters: [{ name: 'train-a', cudaVersions: ['12.3.2'], gpuModels: [H100] }],
    })
    expect(verdict.accepted).toBe(false)
    expect(verdict.verdicts[0]).toMatchObject({ code: 'UNKNOWN_CUDA_VERSION', requiredDriver: null })
    expect(verdict.explanation).toMatch(
      /^cluster train-a declares CUDA 12\.3\.2, which cannot be checked: CUDA 12\.3 Update 2/,
    )
  })

  it('refuses an unreadable target driver', () => {
    expect(checkDriverTarget({ targetDriver: '550-latest', clusters: [trainA] })).toEqual({
      accepted: false,
      verdicts: [],
      explanation: '"550-latest" is not an NVIDIA driver version (expected dotted numbers such as 550.54.15)',
    })
  })

  it('accepts a target when no cluster declares a CUDA release', () => {
    expect(checkDriverTarget({ targetDriver: '550.54.15', clusters: [] })).toEqual({
      accepted: true,
      verdicts: [],
      explanation: null,
    })
  })
})
