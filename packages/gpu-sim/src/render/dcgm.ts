// dcgmi's outputs for the simulated node, in DCGM 3.x shapes: `diag -r N -j` (the "DCGM GPU Diagnostic" /
// test_categories layout of the VirtualClient capture, written with dcgmi's tab-indented JSON style),
// `health -c -j` (dcgmi's generic JSON tree) and `discovery -l` (the box table of the VirtualClient capture).
import { type NodeView, perfFigure } from '../state/view'

/** The DCGM release the simulated node runs; its JSON layout is the 3.x one. */
export const DCGM_VERSION = '3.3.9'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** dcgmi's JSON style: tabs, `"key" : value`, containers opening on their own line. */
export function dcgmiJson(value: Json, depth = 0): string {
  const indent = '\t'.repeat(depth + 1)
  const close = '\t'.repeat(depth)
  const nested = (item: Json) =>
    typeof item === 'object' && item !== null ? `\n${indent}${dcgmiJson(item, depth + 1)}` : JSON.stringify(item)
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => `${indent}${typeof item === 'object' && item !== null ? dcgmiJson(item, depth + 1) : JSON.stringify(item)}`).join(',\n')}\n${close}]`
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => `${indent}${JSON.stringify(key)} : ${nested(item)}`)
    return `{\n${entries.join(',\n')}\n${close}}`
  }
  return JSON.stringify(value)
}

interface TestSpec {
  category: string
  name: string
  level: number
  perGpu: boolean
}

/** DCGM 3.x tests by run level (DCGM user guide, "Run levels and tests"), in dcgmi's category order. */
const TESTS: TestSpec[] = [
  ...[
    'Denylist',
    'NVML Library',
    'CUDA Main Library',
    'Permissions and OS Blocks',
    'Persistence Mode',
    'Environment Variables',
    'Page Retirement/Row Remap',
    'Graphics Processes',
    'Inforom',
  ].map((name) => ({ category: 'Deployment', name, level: 1, perGpu: false })),
  { category: 'Integration', name: 'PCIe', level: 2, perGpu: true },
  { category: 'Hardware', name: 'GPU Memory', level: 2, perGpu: true },
  { category: 'Hardware', name: 'Diagnostic', level: 3, perGpu: true },
  { category: 'Hardware', name: 'EUD Test', level: 3, perGpu: true },
  { category: 'Hardware', name: 'Memtest', level: 4, perGpu: true },
  { category: 'Stress', name: 'Targeted Stress', level: 3, perGpu: true },
  { category: 'Stress', name: 'Targeted Power', level: 3, perGpu: true },
  { category: 'Stress', name: 'Memory Bandwidth', level: 3, perGpu: true },
  { category: 'Stress', name: 'Pulse Test', level: 4, perGpu: true },
]

/** dcgm_errors.h: DCGM_FR_VOLATILE_DBE_DETECTED, severity ISOLATE, category HARDWARE_MEMORY. */
const DBE_ERROR = { id: 4, severity: 2, category: 10 }

function gpuInfo(view: NodeView, test: string, index: number): string | null {
  const gpu = `GPU ${index}`
  const memoryBytes = Math.round(view.model.memoryTotalMiB * 1_048_576 * 0.975)
  const pcie = view.model.pcieGen >= 5 ? [53.61, 54.87, 101.3] : [24.87, 25.92, 46.15]
  switch (test) {
    case 'PCIe':
      return (
        `${gpu} ${gpu} GPU to Host bandwidth:\t\t${pcie[0]} GB/s, ${gpu} ${gpu} Host to GPU bandwidth:\t\t${pcie[1]} GB/s, ` +
        `${gpu} ${gpu} bidirectional bandwidth:\t${pcie[2]} GB/s`
      )
    case 'GPU Memory':
      return `${gpu} Allocated ${memoryBytes} bytes (97.5%)`
    case 'Diagnostic': {
      const gflops = (perfFigure(view).perGpuTflops * 1000 * 0.88).toFixed(2)
      return (
        `${gpu} Allocated space for 138 output matricies from ${memoryBytes} bytes available., ` +
        `${gpu} Running with precisions: FP64 1, FP32 1, FP16 1, ${gpu} ${gpu} calculated at approximately ${gflops} gigaflops during this test`
      )
    }
    case 'Targeted Stress':
      return `${gpu} ${gpu} relative stress level\t${Math.round(perfFigure(view).perGpuTflops * 4.3)}`
    case 'Targeted Power':
      return `${gpu} ${gpu} power average:\t${view.model.powerLimitW - 12} W`
    default:
      return null
  }
}

/** Per-GPU results; the GPU an ecc-errors fault hits fails GPU Memory with DCGM's volatile-DBE error. */
function gpuResults(view: NodeView, test: TestSpec): Json[] {
  return view.gpus.map((gpu) => {
    const result: { [key: string]: Json } = { gpu_ids: String(gpu.index) }
    const info = gpuInfo(view, test.name, gpu.index)
    if (info) result.info = info
    if (test.name === 'EUD Test') return { ...result, status: 'Skip' }
    const dbe = gpu.ecc.volatileUncorrectable
    if (test.name === 'GPU Memory' && dbe > 0) {
      result.status = 'Fail'
      result.warnings = [
        {
          error_category: DBE_ERROR.category,
          error_id: DBE_ERROR.id,
          error_severity: DBE_ERROR.severity,
          warning: `Detected ${dbe} volatile double-bit ECC error(s) in GPU ${gpu.index}.`,
        },
      ]
      return result
    }
    return { ...result, status: 'Pass' }
  })
}

/** `dcgmi diag -r <level> -j`. */
export function renderDiagJson(view: NodeView, level: number): string {
  const categories: { category: string; tests: Json[] }[] = []
  for (const test of TESTS.filter((candidate) => candidate.level <= level)) {
    let category = categories.find((entry) => entry.category === test.category)
    if (!category) {
      category = { category: test.category, tests: [] }
      categories.push(category)
    }
    const results = test.perGpu ? gpuResults(view, test) : [{ status: 'Pass' }]
    category.tests.push({ name: test.name, results })
  }
  const document: Json = {
    'DCGM GPU Diagnostic': { test_categories: categories },
    'Driver Version Detected': view.driver,
    'GPU Device IDs': view.gpus.map(() => view.model.pciDeviceId.slice(0, 4)),
    version: DCGM_VERSION,
  }
  return `${dcgmiJson(document)}\n`
}

/** `dcgmi health -c -j`: Healthy, or a Memory system failure per GPU with uncorrectable ECC errors. */
export function renderHealthJson(view: NodeView): string {
  const failing = view.gpus.filter((gpu) => gpu.ecc.volatileUncorrectable > 0)
  const body: { [key: string]: Json } = { 'Overall Health': { value: failing.length ? 'Failure' : 'Healthy' } }
  if (failing.length) {
    const children: { [key: string]: Json } = {}
    for (const gpu of failing) {
      const message = `Detected ${gpu.ecc.volatileUncorrectable} volatile double-bit ECC error(s) in GPU ${gpu.index}.`
      children[String(gpu.index)] = {
        children: { Errors: { children: { 'Memory system': { overflow: [message], value: 'Failure' } } } },
        value: 'Failure',
      }
    }
    body.GPU = { children }
  }
  return `${dcgmiJson({ body, header: ['Health Monitor Report'] })}\n`
}

/** `dcgmi discovery -l`. */
export function renderDiscovery(view: NodeView): string {
  const rule = `+--------+${'-'.repeat(70)}+`
  const row = (id: string, info: string) => `| ${id.padEnd(6)} | ${info.padEnd(68)} |`
  const count = view.gpus.length
  const lines = [`${count} ${count === 1 ? 'GPU' : 'GPUs'} found.`, rule, row('GPU ID', 'Device Information'), rule]
  for (const gpu of view.gpus) {
    lines.push(
      row(String(gpu.index), `Name: ${view.model.productName}`),
      row('', `PCI Bus ID: ${gpu.pciBusId}`),
      row('', `Device UUID: ${gpu.uuid}`),
      rule,
    )
  }
  lines.push('0 NvSwitches found.', '+-----------+', '| Switch ID |', '+-----------+', '+-----------+')
  return `${lines.join('\n')}\n`
}
