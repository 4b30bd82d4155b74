// /changes/:ref (number or uuid): the whole change, what can be done with it now, and its history.
import { Button, Grid, Group, Stack, Text, Title } from '@mantine/core'
import { Link, useParams } from 'react-router'
import { RiskBadge, StateBadge } from '../../components/Badges'
import { EmptyResult, ErrorState, LoadingBlock } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { formatRelative } from '../../lib/datetime'
import { categoryLabels, changeTypeLabels, subcategoryLabels } from '../../lib/labels'
import { useChangeDetail } from './api'
import { ChangeActions } from './ChangeActions'
import { ChangeFieldsPanel } from './ChangeFieldsPanel'
import { ChangeTimeline } from './ChangeTimeline'
import { ChangeHistoryButton } from '../audit/ChangeHistoryButton'
import { RiskPanel } from './RiskPanel'
import { ApprovalsPanel } from '../approvals/ApprovalsPanel'
import { ReviewPanel } from '../reviews/ReviewPanel'
import { BreakFixBanner } from '../templates/BreakFixBanner'
import { ConflictPanel } from '../schedule/ConflictPanel'

export function ChangeDetailPage() {
  const { ref = '' } = useParams()
  const detail = useChangeDetail(ref)

  if (detail.isPending) return <LoadingBlock rows={12} label="Loading the change" />
  if (detail.isError) {
    if (isApiError(detail.error) && detail.error.status === 404) {
      return (
        <EmptyResult
          title={`No change ${ref}`}
          description="It does not exist, or you cannot see it."
          action={
            <Button component={Link} to="/changes" variant="light">
              Back to changes
            </Button>
          }
        />
      )
    }
    return <ErrorState error={detail.error} title="Could not load the change" onRetry={() => void detail.refetch()} />
  }

  const change = detail.data
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Group gap="sm">
          <Title order={2} data-testid="change-number">
            {change.number}
          </Title>
          <StateBadge state={change.state} size="lg" data-testid="change-state" />
          <RiskBadge level={change.risk.level} score={change.risk.score} size="lg" data-testid="change-risk" />
        </Group>
        <Text size="lg" fw={500} data-testid="change-title">
          {change.title}
        </Text>
        <Text size="sm" c="dimmed">
          {changeTypeLabels[change.type]} · {categoryLabels[change.category]}
          {change.subcategory ? ` / ${subcategoryLabels[change.subcategory]}` : ''} · requested by{' '}
          {change.requester.name} · updated {formatRelative(change.updatedAt)}
        </Text>
      </Stack>
      <ChangeActions change={change} />
      <ChangeHistoryButton changeRef={change.number} />
      <BreakFixBanner change={change} />
      <ReviewPanel change={change} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <ChangeFieldsPanel change={change} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            <RiskPanel risk={change.risk} size="sm" />
            <ApprovalsPanel change={change} />
            <ConflictPanel change={change} />
            <ChangeTimeline changeId={change.id} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}
