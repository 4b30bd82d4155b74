import type { CabMeetingStatus } from '@cabinet/contracts'
import { Badge } from '@mantine/core'
import { meetingStatusColors, meetingStatusLabels } from './labels'

export function MeetingStatusBadge({ status }: { status: CabMeetingStatus }) {
  return (
    <Badge color={meetingStatusColors[status]} variant="light" data-testid="meeting-status">
      {meetingStatusLabels[status]}
    </Badge>
  )
}
