// The body a receiver gets: the generic JSON payload (with the moment it was sent, which the
// signature covers, so a captured request cannot be replayed later as new) or Slack's { text, blocks }.
import { createHmac } from 'node:crypto'
import type { WebhookFormat, WebhookPayload } from '@cabinet/contracts'

const EVENT_TITLES: Record<string, string> = {
  submitted: 'submitted',
  approval_requested: 'needs CAB approval',
  approved: 'was approved',
  rejected: 'was rejected',
  scheduled: 'is scheduled',
  implementing: 'is being implemented',
  completed: 'was implemented',
  failed: 'failed',
  emergency_raised: 'was raised as an EMERGENCY',
  gate_changed: 'changed its pipeline gate',
}

export function renderBody(format: WebhookFormat, payload: WebhookPayload, sentAt: Date): string {
  if (format === 'generic') return JSON.stringify({ ...payload, sentAt: sentAt.toISOString() })
  const change = payload.change
  const what = EVENT_TITLES[payload.event] ?? payload.event
  const text = change
    ? `${change.number} ${what}: ${change.title} (${change.riskLevel} risk, by ${payload.actor.name})`
    : `Cabinet: ${what}`
  const fields = change
    ? [
        { type: 'mrkdwn', text: `*State*\n${change.state}` },
        { type: 'mrkdwn', text: `*Risk*\n${change.riskLevel}` },
        { type: 'mrkdwn', text: `*Window*\n${change.plannedStart} → ${change.plannedEnd}` },
        { type: 'mrkdwn', text: `*By*\n${payload.actor.name}` },
      ]
    : []
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      ...(fields.length > 0 ? [{ type: 'section', fields }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `delivery ${payload.id}` }] },
    ],
  })
}

/** `sha256=<hex HMAC-SHA256 of the raw body>` under the subscription's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}
