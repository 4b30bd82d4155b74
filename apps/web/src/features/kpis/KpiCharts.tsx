// The KPI dashboard's charts (recharts): success rate over time, lead time distribution, changes by
// category and risk, and time to restore of each failed change.
import type { KpiReport, RiskLevel } from '@cabinet/contracts'
import { Paper, Stack, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { categoryLabels, riskLevelLabels } from '../../lib/labels'

const HEIGHT = 260
const RISK_COLORS: Record<RiskLevel, string> = {
  low: '#40c057',
  moderate: '#fab005',
  high: '#fd7e14',
  critical: '#fa5252',
}
const RISKS: RiskLevel[] = ['low', 'moderate', 'high', 'critical']

export function ChartCard({
  title,
  caption,
  children,
  testId,
}: {
  title: string
  caption?: string
  children: ReactNode
  testId: string
}) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title} data-testid={testId}>
      <Stack gap={4}>
        <Title order={5}>{title}</Title>
        {caption && (
          <Text size="xs" c="dimmed">
            {caption}
          </Text>
        )}
        <div style={{ width: '100%', height: HEIGHT }}>{children}</div>
      </Stack>
    </Paper>
  )
}

const shortDate = (iso: string) => iso.slice(5, 10)
const binLabel = (from: number, to: number | null) => {
  const text = (hours: number) => (hours < 24 ? `${hours}h` : `${Math.round(hours / 24)}d`)
  return to === null ? `> ${text(from)}` : `${text(from)}–${text(to)}`
}

export function SuccessRateChart({ report }: { report: KpiReport }) {
  const data = report.weekly.map((week) => ({
    week: shortDate(week.weekStart),
    closed: week.closed,
    successRate: week.successRate === null ? null : Math.round(week.successRate * 1000) / 10,
  }))
  return (
    <ChartCard
      title="Success rate over time"
      caption="Per week: changes closed, and the share that succeeded (%)"
      testId="chart-success-rate"
    >
      <ResponsiveContainer>
        <ComposedChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" fontSize={11} />
          <YAxis yAxisId="rate" domain={[0, 105]} ticks={[0, 25, 50, 75, 100]} unit="%" fontSize={11} />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="count" dataKey="closed" name="Closed" fill="#a5d8ff" />
          <Line
            yAxisId="rate"
            dataKey="successRate"
            name="Success rate"
            stroke="#2f9e44"
            strokeWidth={2}
            connectNulls
            dot={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

export function LeadTimeChart({ report }: { report: KpiReport }) {
  const data = report.leadTimeHistogram.map((bin) => ({
    bin: binLabel(bin.fromHours, bin.toHours),
    changes: bin.count,
  }))
  return (
    <ChartCard
      title="Lead time distribution"
      caption="Submitted to implemented, changes implemented in the period"
      testId="chart-lead-time"
    >
      <ResponsiveContainer>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bin" fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Bar dataKey="changes" name="Changes" fill="#4dabf7" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

export function CategoryRiskChart({ report }: { report: KpiReport }) {
  const byCategory = new Map<string, Record<string, string | number>>()
  for (const row of report.byCategoryRisk) {
    const entry = byCategory.get(row.category) ?? { category: categoryLabels[row.category] }
    entry[row.riskLevel] = row.submitted
    byCategory.set(row.category, entry)
  }
  return (
    <ChartCard title="Changes by category and risk" caption="Submitted in the period" testId="chart-category-risk">
      <ResponsiveContainer>
        <BarChart data={[...byCategory.values()]}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="category" fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend />
          {RISKS.map((risk) => (
            <Bar key={risk} dataKey={risk} name={riskLevelLabels[risk]} stackId="risk" fill={RISK_COLORS[risk]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

export function TimeToRestoreChart({ report }: { report: KpiReport }) {
  const data = report.restores.map((row) => ({ change: row.number, hours: row.hours, outcome: row.closeCode }))
  return (
    <ChartCard
      title="Time to restore"
      caption="Failed and rolled-back changes: hours from the end of implementation to the rollback or close"
      testId="chart-time-to-restore"
    >
      <ResponsiveContainer>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="change" fontSize={10} />
          <YAxis unit="h" fontSize={11} />
          <Tooltip />
          <Bar dataKey="hours" name="Hours to restore" fill="#ff8787" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
