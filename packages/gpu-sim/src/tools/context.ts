// What a simulated tool runs against: the node's state folder and a clock.
import { type SimClock, realClock } from '../result'
import { readState, stateDirFrom } from '../state/store'
import { type NodeView, viewNode } from '../state/view'

export interface ToolContext {
  stateDir: string
  clock: SimClock
}

export function contextFromEnv(env: Readonly<Record<string, string | undefined>>): ToolContext {
  return { stateDir: stateDirFrom(env), clock: realClock }
}

/** The node as a probe sees it right now. */
export function currentView(context: ToolContext): NodeView {
  return viewNode(readState(context.stateDir), context.clock.now())
}
