// Other modules take part in a change's lifecycle without the changes module knowing them: the CAB
// creates approvals when authorization is requested, the schedule refuses a conflicting `schedule`,
// reviews refuse a `close` while a required review is open. Each registers a hook here; the
// transition use case runs them in the transaction that writes the state, so a refusal rolls the
// whole transition back and every row a hook writes commits with the state change and its audit event.
import type { FastifyBaseLogger } from 'fastify'
import type { TransitionBody } from '@cabinet/contracts'
import type { Prisma } from '@cabinet/db'
import type { ChangeEffect, ChangeState } from '@cabinet/domain'
import type { RequestContext } from '../../http/request-context'
import type { ChangeRow } from './changes.repository'

export interface TransitionHookInput {
  tx: Prisma.TransactionClient
  ctx: RequestContext
  /** The change as read, inside the transaction, before the write. */
  change: ChangeRow
  body: TransitionBody
  next: ChangeState
  effects: readonly ChangeEffect[]
}

export interface CommittedTransition {
  changeId: string
  number: string
  from: ChangeState
  next: ChangeState
  event: TransitionBody['event']
  effects: readonly ChangeEffect[]
}

export interface ChangeHook {
  /** For logs and errors. */
  name: string
  /** In the transaction, before the state is written: throw an AppError to refuse the transition. */
  guard?(input: TransitionHookInput): Promise<void>
  /** In the transaction, after the state is written: write this module's rows for the transition. */
  apply?(input: TransitionHookInput & { updated: ChangeRow }): Promise<void>
  /** After commit: enqueue jobs (never write state that must be atomic with the transition here). */
  afterTransition?(transition: CommittedTransition): Promise<void>
  /** After a change is created or edited and committed: e.g. re-evaluate its conflicts. */
  afterWrite?(change: { changeId: string; number: string; created: boolean }): Promise<void>
}

export interface ChangeHooks {
  register(hook: ChangeHook): void
  list(): readonly ChangeHook[]
}

/**
 * Runs the after-commit part of every hook. The change is already committed, so a failure here
 * (Redis down while enqueueing) must not turn the reply into an error: it is logged with the hook's
 * name, and each module's recurring sweep picks up what its job would have done.
 */
export async function runAfterCommit(
  hooks: ChangeHooks,
  logger: FastifyBaseLogger,
  call: (hook: ChangeHook) => Promise<void> | undefined,
): Promise<void> {
  for (const hook of hooks.list()) {
    try {
      await call(hook)
    } catch (error) {
      logger.error({ err: error, hook: hook.name }, 'change hook failed after commit')
    }
  }
}

export function createChangeHooks(): ChangeHooks {
  const hooks: ChangeHook[] = []
  return {
    register(hook) {
      if (hooks.some((existing) => existing.name === hook.name))
        throw new Error(`change hook ${hook.name} registered twice`)
      hooks.push(hook)
    },
    list: () => hooks,
  }
}
