// The risk matrix beside the form or on the detail page: the computed cell, the level and why.
import type { RiskAssessmentView } from '@cabinet/contracts'
import { Group, List, Loader, Paper, Stack, Text, Title } from '@mantine/core'
import { RiskBadge } from '../../components/Badges'
import { RiskMatrix } from '../../components/RiskMatrix'
import { errorMessage } from '../../components/StatusViews'
import { riskLevelLabels } from '../../lib/labels'

export interface RiskPanelProps {
  risk: RiskAssessmentView | undefined
  size?: 'sm' | 'md'
  /** A preview is being (re)computed. */
  loading?: boolean
  error?: unknown
  /** Shown while there is nothing to assess yet. */
  placeholder?: string
}

export function RiskPanel({ risk, size = 'md', loading = false, error, placeholder }: RiskPanelProps) {
  return (
    <Paper withBorder p="md" radius="md" aria-label="Risk assessment" component="section">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Risk</Title>
          <Group gap="xs">
            {loading && <Loader size="xs" aria-label="Assessing risk" />}
            {risk && <RiskBadge level={risk.level} score={risk.score} data-testid="risk-level" />}
          </Group>
        </Group>
        <RiskMatrix probability={risk?.probability ?? null} impact={risk?.impact ?? null} size={size} />
        {error !== undefined && error !== null && (
          <Text size="sm" c="red" role="alert">
            Could not assess the risk: {errorMessage(error)}
          </Text>
        )}
        {!risk && !error && placeholder && (
          <Text size="sm" c="dimmed">
            {placeholder}
          </Text>
        )}
        {risk && (
          <>
            <Text size="sm">
              Probability {risk.probability} × impact {risk.impact} = score {risk.score}
              {risk.level !== risk.computedLevel && ` (matrix says ${riskLevelLabels[risk.computedLevel]})`}
            </Text>
            {risk.override && (
              <Text size="sm" c="orange">
                Overridden to {riskLevelLabels[risk.override.level]} by {risk.override.by}: {risk.override.reason}
              </Text>
            )}
            {risk.reasons.length > 0 ? (
              <List size="sm" spacing={4} aria-label="Risk reasons">
                {risk.reasons.map((reason) => (
                  <List.Item key={reason.code}>{reason.message}</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm" c="dimmed">
                No risk conditions apply.
              </Text>
            )}
          </>
        )}
      </Stack>
    </Paper>
  )
}
