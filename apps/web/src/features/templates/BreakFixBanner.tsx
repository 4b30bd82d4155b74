// On the change page: a break-fix emergency change awaiting its retroactive ECAB approval, with the deadline.
import type { ChangeDetail } from '@cabinet/contracts'
import { Alert } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { useBreakFix } from './api'

export function BreakFixBanner({ change }: { change: ChangeDetail }) {
  const emergency = change.type === 'emergency'
  const breakFix = useBreakFix(change.number, change.version, emergency)
  const row = breakFix.data?.breakFix
  if (!emergency || !row || row.status === 'approved') return null
  if (row.status === 'rejected')
    return (
      <Alert
        color="red"
        icon={<IconAlertTriangle />}
        title="Break-fix rejected by the ECAB"
        data-testid="break-fix-banner"
      >
        Implemented before approval, then rejected retroactively: the change managers were notified.
      </Alert>
    )
  const overdue = row.status === 'overdue'
  return (
    <Alert
      color={overdue ? 'red' : 'orange'}
      icon={<IconAlertTriangle />}
      title={overdue ? 'Retroactive approval overdue' : 'Break-fix: awaiting retroactive ECAB approval'}
      data-testid="break-fix-banner"
    >
      Implemented before approval on {formatDateTime(row.startedAt)}. The ECAB must approve it by{' '}
      {formatDateTime(row.dueAt)} ({formatRelative(row.dueAt)})
      {overdue && row.escalatedAt ? '; the change managers have been alerted.' : '.'}
    </Alert>
  )
}
