// A simulated GPU node (nvidia-smi, dcgmi, driver install, reboot, Slurm-style drain, faults) kept in a state
// folder, for tests and the demo fleet. The command line is src/cli.ts and the shims in bin/.
export { cudaVersionFor, driverLayout, driverVersionProblem, OLDEST_SIMULATED_DRIVER } from './hardware/driver'
export { GPU_MODEL_KEYS, GPU_MODELS, type GpuModelKey, type GpuModelSpec, isGpuModelKey } from './hardware/models'
export { gpuSerial, gpuUuid, kernelPciAddress, pciBusId } from './hardware/identity'
export { DCGM_VERSION, renderDiagJson, renderDiscovery, renderHealthJson } from './render/dcgm'
export { renderDmesg } from './render/kernel-log'
export { renderNvidiaSmiXml } from './render/nvidia-smi-xml'
export { parseCsvFormat, renderQueryGpuCsv } from './render/query-csv'
export { renderGpuList, renderNvidiaSmiTable, renderVersion } from './render/table'
export { realClock, type SimClock, SimError, type ToolResult } from './result'
export {
  clearFault,
  createNodeState,
  drainNode,
  effectiveDrain,
  installDriver,
  type NodeSpec,
  reboot,
  resumeNode,
  setFault,
} from './state/lifecycle'
export { hasState, readState, stateDirFrom, updateState, withStateLock, writeState } from './state/store'
export { FAULT_NAMES, type FaultName, type FaultSettings, type SimState } from './state/types'
export { type NodeView, perfFigure, viewNode } from './state/view'
export { statusOf } from './tools/cabinet-node'
export { contextFromEnv, type ToolContext } from './tools/context'
export { isToolName, runTool, TOOL_NAMES, type ToolName } from './tools/run'
