// The plain `nvidia-smi` table, column for column after the 91-column layout of the H100/H200 captures
// (drivers 525+): banner, one three-row block per visible GPU, and the empty Processes box.
import type { NodeView } from '../state/view'
import { ctime } from './time'

const RULE = '+-----------------------------------------+------------------------+----------------------+'
const WIDE_RULE = `+${'-'.repeat(89)}+`

/** Cell text cut to its column like nvidia-smi does ("Tesla V100-SXM2..."). */
function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 3)}...` : text
}

function gpuBlock(view: NodeView, index: number): string[] {
  const gpu = view.gpus[index]
  if (!gpu) return []
  const { model } = view
  const left = `${String(gpu.index).padStart(4)}  ${fit(model.productName, 29)}`
  const identity = `${left}${'On  '.padStart(41 - left.length)}`
  const busCell = `${`${gpu.pciBusId} Off`.padStart(23)} `
  const ecc = `${String(gpu.ecc.volatileUncorrectable).padStart(21)} `
  const draw = `${Math.round(gpu.powerDrawW)}W`.padStart(16)
  const sensors = ` N/A   ${`${gpu.temperatureC}C`.padStart(3)}    P0${draw} / ${`${model.powerLimitW}W`.padStart(5)} `
  const memory = `${`${gpu.memoryUsedMiB}MiB`.padStart(11)} / ${`${model.memoryTotalMiB}MiB`.padStart(9)} `
  const utilization = `${'0%'.padStart(8)}${'Default'.padStart(13)} `
  const mig = `${(model.migCapable ? 'Disabled' : 'N/A').padStart(21)} `
  return [
    `|${identity}|${busCell}|${ecc}|`,
    `|${sensors}|${memory}|${utilization}|`,
    `|${' '.repeat(41)}|${' '.repeat(24)}|${mig}|`,
  ]
}

export function renderNvidiaSmiTable(view: NodeView): string {
  const banner =
    `| ${`NVIDIA-SMI ${view.driver}`.padEnd(34)}` +
    `${`Driver Version: ${view.driver}`.padEnd(31)}${`CUDA Version: ${view.cuda}`.padEnd(23)}|`
  const lines = [
    `${ctime(view.now)}       `,
    WIDE_RULE,
    banner,
    RULE,
    '| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |',
    '| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |',
    '|                                         |                        |               MIG M. |',
    '|=========================================+========================+======================|',
  ]
  for (let index = 0; index < view.gpus.length; index++) lines.push(...gpuBlock(view, index), RULE)
  lines.push(
    '',
    WIDE_RULE,
    `| Processes:${' '.repeat(78)}|`,
    '|  GPU   GI   CI              PID   Type   Process name                        GPU Memory |',
    '|        ID   ID                                                               Usage      |',
    `|${'='.repeat(89)}|`,
    `|  No running processes found${' '.repeat(61)}|`,
    WIDE_RULE,
  )
  return `${lines.join('\n')}\n`
}

/** `nvidia-smi -L`. */
export function renderGpuList(view: NodeView): string {
  return view.gpus.map((gpu) => `GPU ${gpu.index}: ${view.model.productName} (UUID: ${gpu.uuid})\n`).join('')
}

/** `nvidia-smi --version`, as the 590 capture prints it. */
export function renderVersion(view: NodeView): string {
  const nvml = view.driver.split('.').slice(0, 2).join('.')
  return [
    `NVIDIA-SMI version  : ${view.driver}`,
    `NVML version        : ${nvml}`,
    `DRIVER version      : ${view.driver}`,
    `CUDA Version        : ${view.cuda}`,
    '',
  ].join('\n')
}
