// One change on a meeting's agenda: its risk and planned start, the votes recorded so far (with what
// the approvals module refused, per member), and the form recording a decision for the members who voted.
import type { MeetingAttendeeView, MeetingDecisionResult, MeetingItemView } from '@cabinet/contracts'
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core'
import { useState } from 'react'
import { Link } from 'react-router'
import { RiskBadge, StateBadge } from '../../components/Badges'
import { errorMessage } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { useRecordDecision } from './api'
import { outcomeLabels } from './labels'

type Decision = 'approve' | 'reject' | 'request_info'
const DECISION_LABELS: Record<Decision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  request_info: 'Request information',
}

export function AgendaItemCard({
  meetingId,
  item,
  attendees,
  canRecord,
}: {
  meetingId: string
  item: MeetingItemView
  attendees: MeetingAttendeeView[]
  canRecord: boolean
}) {
  const record = useRecordDecision(meetingId)
  const [decision, setDecision] = useState<Decision>('approve')
  const [voters, setVoters] = useState<string[]>([])
  const [comment, setComment] = useState('')
  const [action, setAction] = useState('')
  const [last, setLast] = useState<MeetingDecisionResult['results'] | null>(null)

  const submit = () =>
    record.mutate(
      { itemId: item.id, body: { decision, comment, voterIds: voters, action } },
      {
        onSuccess: (result) => {
          setLast(result.results)
          setVoters([])
          setComment('')
          setAction('')
        },
      },
    )

  return (
    <Card withBorder padding="md" data-testid="agenda-item" aria-label={`${item.number} ${item.title}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="sm">
            <Text fw={600}>{item.position}.</Text>
            <Anchor component={Link} to={`/changes/${item.number}`} fw={600}>
              {item.number}
            </Anchor>
            <Text>{item.title}</Text>
          </Group>
          <Group gap="xs">
            <RiskBadge level={item.riskLevel} data-testid="agenda-risk" />
            <StateBadge state={item.state} />
            <Badge variant="outline" data-testid="agenda-outcome">
              {outcomeLabels[item.outcome]}
            </Badge>
          </Group>
        </Group>
        <Text size="sm" c="dimmed">
          Planned start {formatDateTime(item.plannedStart)}
        </Text>
        {item.votes.length > 0 && (
          <List size="sm" spacing={2} aria-label="Votes">
            {item.votes.map((vote) => (
              <List.Item key={vote.id}>
                {vote.user.name}: {DECISION_LABELS[vote.decision].toLowerCase()}
                {vote.outcome === 'recorded'
                  ? ` (counted on ${vote.stageName})`
                  : ` (not counted: ${vote.refusalCode})`}
                {vote.comment ? `: "${vote.comment}"` : ''}
              </List.Item>
            ))}
          </List>
        )}
        {item.actions.length > 0 && <Text size="sm">Actions: {item.actions.join('; ')}</Text>}
        {canRecord && item.outcome === 'awaiting' && (
          <Stack
            gap="xs"
            component="form"
            aria-label={`Record a decision on ${item.number}`}
            onSubmit={(event) => {
              event.preventDefault()
              submit()
            }}
          >
            <SegmentedControl
              aria-label="Decision"
              value={decision}
              onChange={(value) => setDecision(value as Decision)}
              data={Object.entries(DECISION_LABELS).map(([value, label]) => ({ value, label }))}
            />
            <Checkbox.Group label="Who voted this way" value={voters} onChange={setVoters}>
              <Group gap="md" mt={4}>
                {attendees.map((attendee) => (
                  <Checkbox key={attendee.id} value={attendee.id} label={attendee.name} />
                ))}
              </Group>
            </Checkbox.Group>
            <Textarea
              label="Comment"
              autosize
              minRows={1}
              required={decision !== 'approve'}
              value={comment}
              onChange={(event) => setComment(event.currentTarget.value)}
            />
            <TextInput
              label="Action (optional)"
              value={action}
              onChange={(event) => setAction(event.currentTarget.value)}
            />
            {record.isError && (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(record.error)}
              </Alert>
            )}
            <Group>
              <Button type="submit" size="xs" loading={record.isPending} disabled={voters.length === 0}>
                Record decision
              </Button>
            </Group>
          </Stack>
        )}
        {last?.some((result) => result.outcome === 'refused') && (
          <Alert color="yellow" variant="light" title="Not every vote counted" data-testid="vote-refusals">
            {last
              .filter((result) => result.outcome === 'refused')
              .map((result) => `${result.name}: ${result.refusal ?? result.refusalCode}`)
              .join(' · ')}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}
