// One attempt of one webhook delivery. The attempt is claimed first (attempt_count N-1 → N, only
// while pending), so a job that runs twice, or a job for an attempt already made, never POSTs twice;
// the outcome is recorded; a failure schedules attempt N + 1 with exponential backoff, and the last
// failure moves the delivery to the dead-letter list (status dead) for an admin to replay. Only public
// addresses are contacted unless configured otherwise (destinations.ts); a refused one is dead at once.
import {
  JOBS,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMEOUT_MS,
  WEBHOOK_TIMESTAMP_HEADER,
  type WebhookPayload,
} from '@cabinet/contracts'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { jobId } from '@cabinet/queue'
import type { HandlerDeps } from '../handler-types'
import { checkLiteralHost, DestinationRefused, guardedLookup } from './destinations'
import { openSecret } from './keyring'
import { renderBody, signBody } from './render'

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead' | 'skipped'

export interface DeliverOptions {
  /** Base of the exponential backoff between attempts; the catalog's backoffMs unless a test says. */
  backoffMs?: number
  timeoutMs?: number
}

const MAX_ERROR_LENGTH = 500
const CLAIM_DEADLINE_MS = WEBHOOK_TIMEOUT_MS + 60_000

interface PostResult {
  statusCode: number | null
  error: string | null
  durationMs: number
  /** The policy refused the destination: no attempt will do better, so it is not retried. */
  refused: boolean
}

/** One POST through node:http(s), so the connection's address is the one `guardedLookup` checked. */
function postOnce(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  checkLiteralHost(url)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Cabinet-Webhooks/1',
          ...headers,
        },
        lookup: guardedLookup,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        // The body is not needed, but it must be read (or dropped) to free the connection.
        response.resume()
        response.once('end', () => resolve(response.statusCode ?? 0))
        response.once('error', reject)
        response.once('close', () => {
          if (!response.complete) reject(new Error('the receiver closed the connection mid-response'))
        })
      },
    )
    request.once('error', reject)
    request.end(body)
  })
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const started = performance.now()
  const took = () => Math.round(performance.now() - started)
  try {
    // Redirects are not followed (a 3xx is a failed attempt): a redirect could point anywhere.
    const statusCode = await postOnce(new URL(url), body, headers, timeoutMs)
    const ok = statusCode >= 200 && statusCode < 300
    return { statusCode, error: ok ? null : `HTTP ${statusCode}`, durationMs: took(), refused: false }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return {
      statusCode: null,
      error: message.slice(0, MAX_ERROR_LENGTH),
      durationMs: took(),
      refused: error instanceof DestinationRefused,
    }
  }
}

export async function deliverWebhook(
  payload: { deliveryId: string; attempt: number },
  deps: HandlerDeps,
  options: DeliverOptions = {},
): Promise<{ deliveryId: string; attempt: number; outcome: DeliveryOutcome }> {
  const { db, jobs, logger } = deps
  const { deliveryId, attempt } = payload
  const claimed = await db.webhookDelivery.updateMany({
    where: { id: deliveryId, status: 'pending', attemptCount: attempt - 1, attemptLimit: { gte: attempt } },
    // The claim's deadline: past it with no outcome, the worker died mid-POST and the sweep moves on.
    data: { attemptCount: attempt, nextAttemptAt: new Date(deps.now().getTime() + CLAIM_DEADLINE_MS) },
  })
  if (claimed.count !== 1) return { deliveryId, attempt, outcome: 'skipped' }
  const delivery = await db.webhookDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    include: { subscription: { select: { url: true, format: true, secretCipher: true } } },
  })
  const sentAt = deps.now()
  const body = renderBody(delivery.subscription.format, delivery.payload as WebhookPayload, sentAt)
  const result = await post(
    delivery.subscription.url,
    body,
    {
      [WEBHOOK_SIGNATURE_HEADER]: signBody(openSecret(delivery.subscription.secretCipher), body),
      [WEBHOOK_TIMESTAMP_HEADER]: String(Math.floor(sentAt.getTime() / 1000)),
      [WEBHOOK_DELIVERY_HEADER]: delivery.id,
      [WEBHOOK_EVENT_HEADER]: delivery.event,
    },
    options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
  )
  const finishedAt = deps.now()
  const delivered = result.error === null
  const last = attempt >= delivery.attemptLimit || result.refused
  // Backoff restarts after a replay: the first attempt of each set waits base, then 2x, 4x...
  const ofThisSet = attempt - (delivery.attemptLimit - JOBS['notifications.deliver'].attempts)
  const delayMs = (options.backoffMs ?? JOBS['notifications.deliver'].backoffMs) * 2 ** Math.max(0, ofThisSet - 1)
  const outcome: DeliveryOutcome = delivered ? 'delivered' : last ? 'dead' : 'retrying'
  await db.$transaction([
    db.webhookAttempt.create({
      data: {
        deliveryId,
        attempt,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: result.durationMs,
        at: finishedAt,
      },
    }),
    db.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        status: delivered ? 'delivered' : last ? 'dead' : 'pending',
        lastError: result.error,
        deliveredAt: delivered ? finishedAt : null,
        nextAttemptAt: outcome === 'retrying' ? new Date(finishedAt.getTime() + delayMs) : null,
      },
    }),
  ])
  if (outcome === 'retrying') {
    await jobs.enqueue(
      'notifications.deliver',
      { deliveryId, attempt: attempt + 1 },
      { jobId: jobId('webhook', deliveryId, String(attempt + 1)), delayMs },
    )
  }
  if (outcome === 'dead')
    logger.warn({ deliveryId, attempts: attempt, error: result.error }, 'webhook delivery dead-lettered')
  return { deliveryId, attempt, outcome }
}
