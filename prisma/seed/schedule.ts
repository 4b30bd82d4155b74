// Demo schedule: a freeze on the inference cluster three weeks out, and weekly maintenance windows
// on the training and research clusters. Written after the demo changes (a freeze first would
// refuse their scheduling), then every open change is evaluated once so the console shows its
// conflicts at once rather than after the next edit.
import type { Db } from '@cabinet/db'
import { evaluateAndStore } from '../../apps/api/src/modules/schedule/conflict-store'
import { writeOccurrences } from '../../apps/api/src/modules/schedule/occurrences'

const DAY_MS = 86_400_000

export async function seedSchedule(db: Db): Promise<{ rules: number; evaluated: number }> {
  const now = new Date()
  const clusters = new Map((await db.cluster.findMany()).map((cluster) => [cluster.name, cluster.id]))
  const cluster = (name: string) => {
    const id = clusters.get(name)
    if (!id) throw new Error(`seed data has no cluster ${name}`)
    return [{ kind: 'cluster' as const, itemId: id }]
  }
  const freezeStart = new Date(now.getTime() + 20 * DAY_MS).toISOString().slice(0, 10)
  const rules = [
    {
      kind: 'freeze' as const,
      name: 'Inference launch freeze',
      reason: 'Model launch week: no changes on the serving fleet.',
      start: `${freezeStart}T00:00`,
      timeZone: 'Europe/Berlin',
      durationMinutes: 3 * 24 * 60,
      rrule: null,
      scope: 'clusters' as const,
      items: cluster('infer-h200-west'),
      overrideRoles: ['change_manager' as const, 'admin' as const],
    },
    {
      kind: 'window' as const,
      name: 'Training Saturday nights',
      reason: 'Training jobs checkpoint and pause on Saturday nights.',
      start: `${now.toISOString().slice(0, 10)}T22:00`,
      timeZone: 'Europe/Berlin',
      durationMinutes: 6 * 60,
      rrule: 'FREQ=WEEKLY;BYDAY=SA',
      scope: 'clusters' as const,
      items: cluster('train-h100-east'),
      overrideRoles: [],
    },
    {
      kind: 'window' as const,
      name: 'Research Tuesday evenings',
      reason: 'Agreed with the research groups.',
      start: `${now.toISOString().slice(0, 10)}T18:00`,
      timeZone: 'America/New_York',
      durationMinutes: 4 * 60,
      rrule: 'FREQ=WEEKLY;BYDAY=TU',
      scope: 'clusters' as const,
      items: cluster('research-a100'),
      overrideRoles: [],
    },
  ]
  for (const { items, ...rule } of rules) {
    await db.$transaction(async (tx) => {
      const created = await tx.scheduleRule.create({ data: { ...rule, exceptions: [], items: { create: items } } })
      await writeOccurrences(tx, created, now)
    })
  }
  const open = await db.changeRequest.findMany({
    where: { state: { notIn: ['review', 'closed', 'canceled'] } },
    select: { id: true },
  })
  for (const change of open) await evaluateAndStore(db, change.id, now)
  return { rules: rules.length, evaluated: open.length }
}
