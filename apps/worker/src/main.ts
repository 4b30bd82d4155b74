// The worker process: read the configuration once, connect, run the queues, stop cleanly on SIGTERM.
import { Redis } from 'ioredis'
import pino from 'pino'
import { createDb } from '@cabinet/db'
import { readWorkerConfig } from './env'
import { setWebhookDestinations } from './notifications/destinations'
import { readWebhookKeyFile, setWebhookKey } from './notifications/keyring'
import { startMetricsServer } from './metrics'
import { startWorker } from './worker'

const config = readWorkerConfig()
const logger = pino({ level: config.LOG_LEVEL, name: 'cabinet-worker' })
if (config.WEBHOOK_SECRET_KEY_FILE) setWebhookKey(readWebhookKeyFile(config.WEBHOOK_SECRET_KEY_FILE))
setWebhookDestinations({ allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS })
const db = createDb({ connectionString: config.DATABASE_URL, maxConnections: config.DB_POOL_SIZE })
const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, connectionName: 'cabinet-worker' })
const worker = await startWorker({
  db,
  connection,
  prefix: config.REDIS_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  queueConcurrency: { fleet: config.FLEET_PROBE_CONCURRENCY },
  heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
  logger,
})
// A taken metrics port must not stop the jobs: the worker runs on without /metrics and says so loudly.
const metrics =
  config.WORKER_METRICS_PORT > 0
    ? await startMetricsServer({ port: config.WORKER_METRICS_PORT, host: config.WORKER_METRICS_HOST, logger }).catch(
        (error: unknown) => {
          logger.error({ err: error, port: config.WORKER_METRICS_PORT }, 'worker metrics endpoint did not start')
          return null
        },
      )
    : null

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down: finishing running jobs')
  try {
    await worker.stop(config.SHUTDOWN_GRACE_MS)
    await metrics?.close()
    await connection.quit()
    await db.$disconnect()
    process.exit(0)
  } catch (error) {
    logger.error({ err: error }, 'unclean shutdown')
    process.exit(1)
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
