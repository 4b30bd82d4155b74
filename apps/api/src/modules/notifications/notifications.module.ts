// Registers webhook notifications: admin routes, and a change hook that writes one delivery per
// matching subscription inside each transition's transaction and enqueues them after commit.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import type { ChangeHooks } from '../changes/change-hooks'
import { writeTransitionEvents } from './notification-events'
import { registerNotificationRoutes } from './notifications.routes'
import { createNotificationsService, type NotificationsService } from './notifications.service'
import { createSecretBox, readWebhookKey, type SecretBox } from './secret-box'

export async function registerNotificationsModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger' | 'jobs' | 'config'> & { changeHooks: ChangeHooks },
): Promise<{ notifications: NotificationsService; secrets: SecretBox }> {
  const keyFile = deps.config.WEBHOOK_SECRET_KEY_FILE
  const secrets = createSecretBox(keyFile ? readWebhookKey(keyFile) : null)
  const notifications = createNotificationsService({ db: deps.db, jobs: deps.jobs, logger: deps.logger, secrets })
  deps.changeHooks.register({
    name: 'notifications',
    async apply(input) {
      await writeTransitionEvents(input.tx, input)
    },
    async afterTransition(committed) {
      await notifications.enqueueNewFor(committed.changeId)
    },
  })
  await registerNotificationRoutes(app, { notifications, clock: deps.clock })
  return { notifications, secrets }
}
