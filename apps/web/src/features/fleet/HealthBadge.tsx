// A node's or a probe's health, coloured the same way on every fleet page.
import type { FleetHealth } from '@cabinet/contracts'
import { Badge, type BadgeProps } from '@mantine/core'
import { fleetHealthColors, fleetHealthLabels } from './fleet-labels'

type Extra = Omit<BadgeProps, 'color' | 'children'> & { 'data-testid'?: string }

// A health word is never cut short in a narrow column (the same choice as the change badges).
const FULL_LABEL = { label: { overflow: 'visible', textOverflow: 'clip' } } as const

export function HealthBadge({ health, ...props }: { health: FleetHealth } & Extra) {
  return (
    <Badge
      color={fleetHealthColors[health]}
      variant={health === 'fail' ? 'filled' : 'light'}
      data-health={health}
      style={{ flexShrink: 0, overflow: 'visible' }}
      styles={FULL_LABEL}
      {...props}
    >
      {fleetHealthLabels[health]}
    </Badge>
  )
}
