// The fleet at a glance: counts by health (each a shortcut to that filter), open drift, and small
// charts of health, driver, CUDA and GPU model distributions.
import type { FleetHealth, FleetSummary } from '@cabinet/contracts'
import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { Bar, BarChart, Cell, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { fleetHealthChartColors, fleetHealthColors, fleetHealthLabels } from './fleet-labels'
import { HealthBadge } from './HealthBadge'

const HEALTH_ORDER: readonly FleetHealth[] = ['pass', 'fail', 'inconclusive', 'never_probed']
const CHART_HEIGHT = 170
/** Bars beyond these are summed into "other", so a chart stays readable on a mixed fleet. */
const MAX_BARS = 6
const ATTENTION_ROWS = 5

export interface FleetSummaryPanelProps {
  summary: FleetSummary
  activeHealth: FleetHealth | null
  onHealth: (health: FleetHealth | null) => void
}

export function FleetSummaryPanel({ summary, activeHealth, onHealth }: FleetSummaryPanelProps) {
  const { totals } = summary
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <SummaryCard label="Nodes" value={totals.nodes} active={activeHealth === null} onClick={() => onHealth(null)} />
        {HEALTH_ORDER.map((health) => (
          <SummaryCard
            key={health}
            label={fleetHealthLabels[health]}
            value={totals[health]}
            color={fleetHealthColors[health]}
            active={activeHealth === health}
            onClick={() => onHealth(activeHealth === health ? null : health)}
            testId={`fleet-total-${health}`}
          />
        ))}
        <Paper withBorder radius="md" p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Open drift
          </Text>
          <Anchor
            component={Link}
            to="/fleet/drift"
            fz={26}
            fw={700}
            c={summary.openDrift > 0 ? 'orange' : undefined}
            data-testid="fleet-open-drift"
          >
            {summary.openDrift}
          </Anchor>
        </Paper>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2, xl: 4 }} spacing="sm">
        <ChartCard title="Health">
          <HealthDonut totals={totals} />
        </ChartCard>
        <ChartCard title="Drivers">
          <DistributionBars distribution={summary.drivers} emptyLabel="none reported" />
        </ChartCard>
        <ChartCard title="CUDA">
          <DistributionBars distribution={summary.cuda} emptyLabel="none reported" />
        </ChartCard>
        <ChartCard title="GPU models">
          <DistributionBars distribution={summary.gpuModels} emptyLabel="unknown" />
        </ChartCard>
      </SimpleGrid>
      {summary.unhealthy.length > 0 && <NeedsAttention nodes={summary.unhealthy} onHealth={onHealth} />}
    </Stack>
  )
}

/** The first few of the summary's unhealthy nodes (failing first), each a link to its detail. */
function NeedsAttention({
  nodes,
  onHealth,
}: {
  nodes: FleetSummary['unhealthy']
  onHealth: (health: FleetHealth | null) => void
}) {
  const shown = nodes.slice(0, ATTENTION_ROWS)
  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label="Needs attention">
      <Group justify="space-between" mb={4}>
        <Title order={6}>Needs attention</Title>
        <Button variant="subtle" size="compact-xs" onClick={() => onHealth('fail')}>
          Show every failing node
        </Button>
      </Group>
      <Stack gap={4}>
        {shown.map((node) => (
          <Group key={node.id} gap="xs" wrap="nowrap">
            <HealthBadge health={node.health} size="xs" />
            <Anchor component={Link} to={`/fleet/nodes/${node.id}`} ff="monospace" size="sm">
              {node.hostname}
            </Anchor>
            <Text size="xs" c="dimmed" truncate title={node.healthReasons.join('\n')}>
              {node.clusterName}
              {node.healthReasons[0] ? ` · ${node.healthReasons[0]}` : ''}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  )
}

function SummaryCard({
  label,
  value,
  color,
  active,
  onClick,
  testId,
}: {
  label: string
  value: number
  color?: string
  active: boolean
  onClick: () => void
  testId?: string
}) {
  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      style={active ? { borderColor: 'var(--mantine-primary-color-filled)' } : undefined}
    >
      <UnstyledButton onClick={onClick} aria-pressed={active} w="100%" aria-label={`${label}: ${value}`}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <Text fz={26} fw={700} c={value > 0 ? color : undefined} data-testid={testId}>
          {value.toLocaleString()}
        </Text>
      </UnstyledButton>
    </Paper>
  )
}

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="sm" component="figure" m={0} aria-label={`${title} chart`}>
      <Title order={6} mb={4} component="figcaption">
        {title}
      </Title>
      {children}
    </Paper>
  )
}

function HealthDonut({ totals }: { totals: FleetSummary['totals'] }) {
  const data = HEALTH_ORDER.map((health) => ({
    health,
    name: fleetHealthLabels[health],
    value: totals[health],
  })).filter((entry) => entry.value > 0)
  if (data.length === 0) return <NoData />
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <PieChart>
        <Pie data={data} dataKey="value" nameKey="name" innerRadius="55%" outerRadius="85%" isAnimationActive={false}>
          {data.map((entry) => (
            <Cell key={entry.health} fill={fleetHealthChartColors[entry.health]} />
          ))}
        </Pie>
        <Tooltip />
      </PieChart>
    </ResponsiveContainer>
  )
}

function DistributionBars({ distribution, emptyLabel }: { distribution: FleetSummary['drivers']; emptyLabel: string }) {
  if (distribution.length === 0) return <NoData />
  const named = distribution.map((entry) => ({ name: entry.value ?? emptyLabel, count: entry.count }))
  const shown = named.slice(0, MAX_BARS)
  const rest = named.slice(MAX_BARS).reduce((sum, entry) => sum + entry.count, 0)
  const data = rest > 0 ? [...shown, { name: 'other', count: rest }] : shown
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16, top: 4, bottom: 4 }}>
        <XAxis type="number" allowDecimals={false} hide />
        <YAxis type="category" dataKey="name" width={96} tick={{ fontSize: 12 }} />
        <Tooltip />
        <Bar dataKey="count" name="Nodes" fill="var(--mantine-color-indigo-5)" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  )
}

function NoData() {
  return (
    <Text size="sm" c="dimmed" h={CHART_HEIGHT} pt="xl" ta="center">
      No probes yet
    </Text>
  )
}
