// Registers the pipeline gate: its routes, and a change hook that signs a callback's decision into
// the webhook outbox when a transition moves it (sent by the notifications delivery machinery).
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import type { ChangeHooks } from '../changes/change-hooks'
import type { NotificationsService } from '../notifications/notifications.service'
import type { SecretBox } from '../notifications/secret-box'
import { registerGateRoutes } from './gate.routes'
import { createGateService, writeGateCallbacks } from './gate.service'

export async function registerGateModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock'> & {
    changeHooks: ChangeHooks
    notifications: NotificationsService
    secrets: SecretBox
  },
) {
  const gate = createGateService({ db: deps.db, secrets: deps.secrets })
  deps.changeHooks.register({
    name: 'gate',
    async apply({ tx, ctx, updated }) {
      await writeGateCallbacks(tx, ctx, updated)
    },
    async afterTransition(committed) {
      await deps.notifications.enqueueNewFor(committed.changeId)
    },
  })
  await registerGateRoutes(app, { gate, clock: deps.clock })
}
