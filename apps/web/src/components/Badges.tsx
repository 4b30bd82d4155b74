// State and risk badges, coloured the same way on every page.
import type { ChangeState, RiskLevel } from '@cabinet/contracts'
import { Badge, type BadgeProps } from '@mantine/core'
import { changeStateColors, riskLevelColors, riskLevelLabels } from '../lib/labels'

type Extra = Omit<BadgeProps, 'color' | 'children'> & { 'data-testid'?: string }

// Mantine ellipsizes a badge's label, so a squeezed table column showed "AUTHO…" and "CRITICA…".
// A state or a risk is never cut short: the label keeps its full width and the column makes room.
const FULL_LABEL = { label: { overflow: 'visible', textOverflow: 'clip' } } as const

/** Shows the state's own name (`assess`), the word the API, CLI and audit trail use. */
export function StateBadge({ state, ...props }: { state: ChangeState } & Extra) {
  return (
    <Badge
      color={changeStateColors[state]}
      variant="light"
      data-state={state}
      style={{ flexShrink: 0, overflow: 'visible' }}
      styles={FULL_LABEL}
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
      styles={FULL_LABEL}
      {...props}
    >
      {riskLevelLabels[level]}
      {score !== undefined ? ` · ${score}` : ''}
    </Badge>
  )
}
