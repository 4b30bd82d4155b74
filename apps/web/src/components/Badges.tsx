// State and risk badges, coloured the same way on every page.
import type { ChangeState, RiskLevel } from '@cabinet/contracts'
import { Badge, type BadgeProps } from '@mantine/core'
import { changeStateColors, riskLevelColors, riskLevelLabels } from '../lib/labels'

type Extra = Omit<BadgeProps, 'color' | 'children'> & { 'data-testid'?: string }

/** Shows the state's own name (`assess`), the word the API, CLI and audit trail use. */
export function StateBadge({ state, ...props }: { state: ChangeState } & Extra) {
  return (
    <Badge
      color={changeStateColors[state]}
      variant="light"
      data-state={state}
      style={{ flexShrink: 0, overflow: 'visible' }}
      {...props}
    >
      {state}
    </Badge>
  )
}

export function RiskBadge({ level, score, ...props }: { level: RiskLevel; score?: number } & Extra) {
  return (
    <Badge
      color={riskLevelColors[level]}
      variant="filled"
      data-risk={level}
      autoContrast
      style={{ flexShrink: 0, overflow: 'visible' }}
      {...props}
    >
      {riskLevelLabels[level]}
      {score !== undefined ? ` · ${score}` : ''}
    </Badge>
  )
}
