// What each job does, joined from one file per domain under ./jobs. A handler receives a parsed
// payload and is idempotent: running it twice changes nothing twice, because BullMQ may deliver a
// job again after a crash. The JobHandlers type makes a job without a handler a compile error.
import type { JobHandlers } from './handler-types'
import { approvalsHandlers } from './jobs/approvals.jobs'
import { emergencyHandlers } from './jobs/emergency.jobs'
import { fleetHandlers } from './jobs/fleet.jobs'
import { maintenanceHandlers } from './jobs/maintenance.jobs'
import { notificationsHandlers } from './jobs/notifications.jobs'
import { reviewsHandlers } from './jobs/reviews.jobs'
import { scheduleHandlers } from './jobs/schedule.jobs'

export type { HandlerDeps, JobHandler, JobHandlers } from './handler-types'

export const jobHandlers: JobHandlers = {
  ...approvalsHandlers,
  ...emergencyHandlers,
  ...maintenanceHandlers,
  ...notificationsHandlers,
  ...fleetHandlers,
  ...reviewsHandlers,
  ...scheduleHandlers,
}
