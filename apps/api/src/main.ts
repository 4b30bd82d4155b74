// The API process: read the configuration once, connect, serve, and shut down cleanly on SIGTERM.
import pino from 'pino'
import { createDb } from '@cabinet/db'
import { createJobProducer } from '@cabinet/queue'
import { buildApp } from './app'
import { readConfig } from './config/env'
import { systemClock } from './infra/clock'
import { createRedis } from './infra/redis'

const config = readConfig()
const logger = pino({
  level: config.LOG_LEVEL,
  name: 'cabinet-api',
  // Credentials never reach the log, whatever a future log line passes in.
  redact: [
    'req.headers.cookie',
    'req.headers.authorization',
    'req.headers["x-csrf-token"]',
    '*.password',
    '*.passwordHash',
  ],
})
const db = createDb({ connectionString: config.DATABASE_URL, maxConnections: config.DB_POOL_SIZE })
const redis = createRedis(config.REDIS_URL, 'cabinet-api')
// ioredis reconnects by itself; say so once per failure instead of an unhandled-error trace.
redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'))
const jobs = createJobProducer({ connection: redis, prefix: config.REDIS_PREFIX })
const app = await buildApp({ config, db, redis, clock: systemClock, logger, jobs })

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down')
  try {
    await app.close()
    await jobs.close()
    await redis.quit()
    await db.$disconnect()
    process.exit(0)
  } catch (error) {
    logger.error({ err: error }, 'unclean shutdown')
    process.exit(1)
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

await app.listen({ host: config.HOST, port: config.PORT })
