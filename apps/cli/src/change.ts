// `cabinet change create`: a change from a pipeline, over nodes named by hostname, submitted at once
// (or created from a standard change template, which makes it pre-approved). Prints the number.
import { parseArgs } from 'node:util'
import { ApiError, type ApiClient } from './api'
import type { CliIo } from './probe'

export const CHANGE_EXIT = { ok: 0, failed: 3, usage: 64 } as const

export const CHANGE_USAGE = `usage: cabinet change create --title T --items node:HOST,... --start ISO --end ISO [options]

  --title T            what the change does
  --items LIST         comma-separated node:<hostname>, cluster:<uuid>, service:<uuid> (or node:<uuid>)
  --start ISO          planned start (ISO 8601, e.g. 2026-12-01T02:00:00Z)
  --end ISO            planned end (not needed with --template: the template sets the duration)
  --template ID        create it from this approved standard change template (pre-approved)
  --category C         infrastructure, software (default), configuration, model, security
  --description D      defaults to the title
  --justification J    why (default: "Requested by a pipeline")
  --plan P             implementation plan (default: "Deployed by the pipeline")
  --rollback R         rollback plan (default: "The pipeline redeploys the previous release")
  --draft              leave it in new (not submitted)
  --json               print the change as JSON

environment: CABINET_URL, CABINET_TOKEN (an API token with changes:write and catalog:read)
exit status: 0 created, 3 refused or unreachable, 64 usage error`

interface ItemRef {
  kind: 'node' | 'cluster' | 'service'
  id: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

async function resolveItems(api: ApiClient, list: string): Promise<ItemRef[]> {
  const refs: ItemRef[] = []
  for (const entry of list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [kind, name] = entry.split(':', 2) as [string, string | undefined]
    if (!name || !['node', 'cluster', 'service'].includes(kind))
      throw new Error(`--items: ${entry} is not node:<hostname>, cluster:<uuid> or service:<uuid>`)
    if (UUID.test(name)) {
      refs.push({ kind: kind as ItemRef['kind'], id: name })
      continue
    }
    if (kind !== 'node') throw new Error(`--items: ${entry}: clusters and services are named by uuid`)
    const page = (await api.get(`/nodes?q=${encodeURIComponent(name)}&limit=200`)) as {
      items: { id: string; hostname: string }[]
    }
    const node = page.items.find((item) => item.hostname === name)
    if (!node) throw new Error(`--items: no node named ${name}`)
    refs.push({ kind: 'node', id: node.id })
  }
  if (refs.length === 0) throw new Error('--items names no item')
  return refs
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      title: { type: 'string' },
      items: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      template: { type: 'string' },
      category: { type: 'string', default: 'software' },
      description: { type: 'string' },
      justification: { type: 'string', default: 'Requested by a pipeline' },
      plan: { type: 'string', default: 'Deployed by the pipeline' },
      rollback: { type: 'string', default: 'The pipeline redeploys the previous release' },
      draft: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  })
}

interface ChangeReply {
  id: string
  number: string
  state: string
  version: number
}

export async function runChange(args: string[], io: CliIo, api: ApiClient): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'create') {
    io.err(CHANGE_USAGE)
    return CHANGE_EXIT.usage
  }
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(rest).values
    if (!values.title || !values.items || !values.start || (!values.end && !values.template))
      throw new Error('--title, --items, --start and --end (or --template) are required')
    for (const flag of ['start', 'end'] as const) {
      const value = values[flag]
      if (value !== undefined && Number.isNaN(Date.parse(value))) throw new Error(`--${flag} must be an ISO 8601 time`)
    }
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${CHANGE_USAGE}`)
    return CHANGE_EXIT.usage
  }
  try {
    const affectedItems = await resolveItems(api, values.items)
    const plannedStart = new Date(values.start).toISOString()
    let change: ChangeReply
    if (values.template) {
      const template = (await api.get(`/templates/${encodeURIComponent(values.template)}`)) as {
        current: { version: number }
      }
      const reply = (await api.post(`/templates/${encodeURIComponent(values.template)}/changes`, {
        templateVersion: template.current.version,
        title: values.title,
        justification: values.justification,
        plannedStart,
        affectedItems,
      })) as { change: ChangeReply }
      change = reply.change
    } else {
      change = (await api.post('/changes', {
        type: 'normal',
        category: values.category,
        title: values.title,
        description: values.description ?? values.title,
        justification: values.justification,
        plannedStart,
        plannedEnd: new Date(values.end as string).toISOString(),
        affectedItems,
        implementationPlan: values.plan,
        rollbackPlan: values.rollback,
        riskQuestionnaire: {
          experience: 'done-before',
          automation: 'automated',
          testedInStaging: true,
          rollbackTested: true,
          requiresDowntime: false,
          userVisible: false,
        },
      })) as ChangeReply
      if (!values.draft)
        change = (await api.post(`/changes/${change.id}/transitions`, {
          event: 'submit',
          version: change.version,
        })) as ChangeReply
    }
    io.out(values.json ? JSON.stringify(change, null, 2) : change.number)
    return CHANGE_EXIT.ok
  } catch (error) {
    io.err(
      error instanceof ApiError
        ? `refused (${error.status} ${error.code}): ${error.message}`
        : (error as Error).message,
    )
    return CHANGE_EXIT.failed
  }
}
