// One entry for every simulated tool: picks the tool, runs it, and turns a refusal into the exit status and
// message the real tool would give. In-process callers (tests, the demo fleet) use this directly.
import { renderDmesg } from '../render/kernel-log'
import { fail, ok, SimError, type ToolResult } from '../result'
import { readState } from '../state/store'
import { runCabinetNode } from './cabinet-node'
import type { ToolContext } from './context'
import { runDcgmi } from './dcgmi'
import { runNvidiaSmi } from './nvidia-smi'

export const TOOL_NAMES = ['nvidia-smi', 'dcgmi', 'cabinet-node', 'dmesg'] as const
export type ToolName = (typeof TOOL_NAMES)[number]

export function isToolName(value: string): value is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(value)
}

function dispatch(tool: ToolName, argv: readonly string[], context: ToolContext): Promise<ToolResult> {
  switch (tool) {
    case 'nvidia-smi':
      return runNvidiaSmi(argv, context)
    case 'dcgmi':
      return runDcgmi(argv, context)
    case 'cabinet-node':
      return runCabinetNode(argv, context)
    case 'dmesg':
      // The kernel log on its own, so a probe's plain `dmesg` reads the simulated one.
      return Promise.resolve(ok(renderDmesg(readState(context.stateDir).kernelLog)))
  }
}

export async function runTool(tool: ToolName, argv: readonly string[], context: ToolContext): Promise<ToolResult> {
  try {
    return await dispatch(tool, argv, context)
  } catch (error) {
    if (error instanceof SimError) {
      const message = error.message.endsWith('\n') ? error.message : `${error.message}\n`
      return fail(message, error.exitCode)
    }
    throw error
  }
}
