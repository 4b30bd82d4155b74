// Registers post-implementation reviews: their use cases, their part in a change's lifecycle, their routes.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import type { ChangeHooks } from '../changes/change-hooks'
import { createReviewHook } from './review-hook'
import { registerReviewRoutes } from './reviews.routes'
import { createReviewService } from './reviews.service'

export async function registerReviewsModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'config'> & { changeHooks: ChangeHooks },
) {
  const dueDays = deps.config.REVIEW_DUE_DAYS
  deps.changeHooks.register(createReviewHook({ samplePercent: deps.config.REVIEW_SAMPLE_PERCENT, dueDays }))
  await registerReviewRoutes(app, { reviews: createReviewService({ db: deps.db, dueDays }), clock: deps.clock })
}
