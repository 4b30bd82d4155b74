// What the node looks like to a probe at one moment: the visible GPUs with their readings, the driver in the
// kernel and whether the tools can talk to it at all. Every renderer reads this, never the raw state, so the
// formats cannot disagree with each other.
import { cudaVersionFor, type DriverLayout, driverLayout } from '../hardware/driver'
import { GPU_MODELS, type GpuModelSpec } from '../hardware/models'
import type { SimGpu, SimState } from './types'

export interface GpuView {
  /** NVML's index: position among the GPUs that enumerate (a missing GPU shifts the ones after it). */
  index: number
  slot: number
  uuid: string
  serial: string
  pciBusId: string
  temperatureC: number
  /** Headroom below T.Limit at this temperature. */
  tlimitC: number
  powerDrawW: number
  instantPowerDrawW: number
  memoryUsedMiB: number
  ecc: { volatileUncorrectable: number; aggregateUncorrectable: number }
}

export type Availability =
  | { kind: 'ready' }
  /** Rebooting (slow-reboot): the driver is not loaded yet. */
  | { kind: 'booting'; readyAt: Date }
  /** A new driver is on disk but the old kernel module still runs: NVML refuses to initialise. */
  | { kind: 'version-mismatch'; installed: string; loaded: string }

export interface NodeView {
  state: SimState
  model: GpuModelSpec
  /** The driver in the kernel, which is what every tool reports. */
  driver: string
  cuda: string
  layout: DriverLayout
  gpus: GpuView[]
  lost: SimGpu[]
  availability: Availability
  now: Date
}

/** A small, stable per-board spread so eight GPUs do not print identical sensors. */
function spread(gpu: SimGpu, modulo: number): number {
  return Number(gpu.serial.slice(-2)) % modulo
}

function gpuView(state: SimState, model: GpuModelSpec, gpu: SimGpu, index: number): GpuView {
  const ecc = state.faults['ecc-errors']
  const warmer = spread(gpu, 5)
  return {
    index,
    slot: gpu.slot,
    uuid: gpu.uuid,
    serial: gpu.serial,
    pciBusId: gpu.pciBusId,
    temperatureC: model.idleTempC + warmer,
    tlimitC: model.idleTlimitC - warmer,
    powerDrawW: Math.round((model.idlePowerW + spread(gpu, 7) * 0.41) * 100) / 100,
    instantPowerDrawW: Math.round((model.idlePowerW + spread(gpu, 7) * 0.41 - 0.23) * 100) / 100,
    memoryUsedMiB: 0,
    ecc: {
      volatileUncorrectable: ecc && ecc.gpu === gpu.slot ? ecc.count : 0,
      aggregateUncorrectable: gpu.aggregateUncorrectable,
    },
  }
}

export function viewNode(state: SimState, now: Date): NodeView {
  const model = GPU_MODELS[state.model]
  const driver = state.driver.loaded
  const visible = state.gpus.filter((gpu) => gpu.lost === null).sort((a, b) => a.slot - b.slot)
  const readyAt = new Date(state.boot.readyAt)
  const availability: Availability =
    readyAt.getTime() > now.getTime()
      ? { kind: 'booting', readyAt }
      : state.driver.installed !== driver
        ? { kind: 'version-mismatch', installed: state.driver.installed, loaded: driver }
        : { kind: 'ready' }
  return {
    state,
    model,
    driver,
    cuda: cudaVersionFor(driver),
    layout: driverLayout(driver, model.reportsTlimit),
    gpus: visible.map((gpu, index) => gpuView(state, model, gpu, index)),
    lost: state.gpus.filter((gpu) => gpu.lost !== null),
    availability,
    now,
  }
}

/** Benchmark throughput now: visible GPUs at the model's rate, less a regression tied to the loaded driver. */
export function perfFigure(view: NodeView): { tflops: number; perGpuTflops: number; regressionPercent: number } {
  const fault = view.state.faults['perf-regression']
  const regressionPercent = fault && fault.triggeredBy === view.driver ? fault.percent : 0
  const perGpuTflops = Math.round(view.model.perfTflopsPerGpu * (1 - regressionPercent / 100) * 10) / 10
  return { tflops: Math.round(perGpuTflops * view.gpus.length * 10) / 10, perGpuTflops, regressionPercent }
}
