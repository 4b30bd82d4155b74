// A meeting's minutes as Markdown: who attended, the agenda with each change's risk and planned
// start, what each member voted (and what the approvals module refused), the outcomes and actions.
import type { CabMeetingView, MeetingItemView } from '@cabinet/contracts'

const DECISION_WORDS = { approve: 'approved', reject: 'rejected', request_info: 'asked for information' } as const
const OUTCOME_WORDS: Record<MeetingItemView['outcome'], string> = {
  awaiting: 'still awaiting authorization',
  authorized: 'authorized',
  rejected: 'rejected (back to new)',
  withdrawn: 'withdrawn (canceled)',
}

/** Markdown special characters in user text are escaped so a title cannot restructure the minutes. */
export function escapeMarkdown(value: string): string {
  return value.replace(/([\\`*_[\]{}()#+\-.!|<>~])/g, '\\$1').replace(/\r?\n/g, ' ')
}

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

export function renderMinutes(meeting: CabMeetingView, generatedAt: Date): string {
  const lines: string[] = []
  lines.push(`# CAB meeting: ${escapeMarkdown(meeting.title)}`, '')
  lines.push(`- When: ${utc(meeting.startsAt)} to ${utc(meeting.endsAt)}`)
  lines.push(`- Status: ${meeting.status.replace('_', ' ')}`)
  lines.push(`- Agenda horizon: changes planned to start before ${utc(meeting.horizonEnd)}`)
  lines.push(`- Chair: ${escapeMarkdown(meeting.createdBy.name)}`)
  lines.push(`- Generated: ${utc(generatedAt.toISOString())}`, '')

  lines.push('## Attendees', '')
  for (const attendee of meeting.attendees)
    lines.push(`- ${escapeMarkdown(attendee.name)} (${attendee.email}): ${attendee.present ? 'present' : 'absent'}`)
  lines.push('')

  lines.push('## Agenda', '')
  if (meeting.items.length === 0) lines.push('No changes were awaiting authorization in the horizon.', '')
  else {
    lines.push('| # | Change | Title | Risk | Planned start | Outcome |', '| --- | --- | --- | --- | --- | --- |')
    for (const item of meeting.items)
      lines.push(
        `| ${item.position} | ${item.number} | ${escapeMarkdown(item.title)} | ${item.riskLevel} | ${utc(item.plannedStart)} | ${OUTCOME_WORDS[item.outcome]} |`,
      )
    lines.push('')
  }

  lines.push('## Decisions', '')
  for (const item of meeting.items) {
    lines.push(`### ${item.position}. ${item.number}: ${escapeMarkdown(item.title)} (${item.riskLevel} risk)`, '')
    if (item.votes.length === 0) lines.push('No decision recorded.')
    for (const vote of item.votes) {
      const said = vote.comment ? `: "${escapeMarkdown(vote.comment)}"` : ''
      if (vote.outcome === 'recorded')
        lines.push(
          `- ${escapeMarkdown(vote.user.name)} ${DECISION_WORDS[vote.decision]} (stage ${escapeMarkdown(vote.stageName ?? '')})${said}`,
        )
      else
        lines.push(
          `- ${escapeMarkdown(vote.user.name)} voted ${vote.decision}, not counted: ${vote.refusalCode} (${escapeMarkdown(vote.refusal ?? '')})`,
        )
    }
    lines.push('', `Outcome: ${OUTCOME_WORDS[item.outcome]} (the change is now ${item.state}).`)
    if (item.actions.length > 0) {
      lines.push('', 'Actions:')
      for (const action of item.actions) lines.push(`- [ ] ${escapeMarkdown(action)}`)
    }
    lines.push('')
  }
  return `${lines.join('\n').trimEnd()}\n`
}
