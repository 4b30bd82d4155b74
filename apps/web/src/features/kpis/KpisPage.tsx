// /kpis: the change KPI dashboard. Period, category and cluster live in the address; the figures,
// charts and scores come from one report, which also downloads as CSV.
import type { ChangeCategory, Distribution, KpiReport, Score } from '@cabinet/contracts'
import { ClusterList } from '@cabinet/contracts'
import { Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import { useQuery } from '@tanstack/react-query'
import { useSearchParams } from 'react-router'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { apiRequest } from '../../lib/api-client'
import { categoryLabels, optionsOf } from '../../lib/labels'
import { kpiCsvUrl, useKpis } from './api'
import { CategoryRiskChart, LeadTimeChart, SuccessRateChart, TimeToRestoreChart } from './KpiCharts'
import { PERIODS, kpiFiltersFromParams, periodOf, withParam } from './kpi-filters'

const percent = (value: number | null) => (value === null ? '–' : `${Math.round(value * 1000) / 10}%`)
const duration = (hours: number | null) =>
  hours === null ? '–' : hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} d`

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={`${testId}-value`}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  )
}

const spread = (d: Distribution) => `p50 ${duration(d.p50)} · p90 ${duration(d.p90)} · n=${d.count}`

function Stats({ report }: { report: KpiReport }) {
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }}>
      <Stat
        testId="kpi-success-rate"
        label="Success rate"
        value={percent(report.successRate)}
        hint={`${report.totals.closed} closed`}
      />
      <Stat
        testId="kpi-failure-rate"
        label="Failure rate"
        value={percent(report.failureRate)}
        hint={`${report.totals.failed} failed · ${report.totals.rolledBack} rolled back`}
      />
      <Stat
        testId="kpi-emergency-ratio"
        label="Emergency ratio"
        value={percent(report.emergencyRatio)}
        hint={`${report.totals.emergency} of ${report.totals.submitted} submitted`}
      />
      <Stat
        testId="kpi-lead-time"
        label="Lead time (median)"
        value={duration(report.leadTimeHours.p50)}
        hint={spread(report.leadTimeHours)}
      />
      <Stat
        testId="kpi-approval-cycle"
        label="Approval cycle (median)"
        value={duration(report.approvalCycleHours.p50)}
        hint={spread(report.approvalCycleHours)}
      />
      <Stat
        testId="kpi-time-to-restore"
        label="Time to restore (mean)"
        value={duration(report.timeToRestoreHours.mean)}
        hint={spread(report.timeToRestoreHours)}
      />
      <Stat
        testId="kpi-incidents"
        label="Incidents caused"
        value={String(report.totals.incidentsCaused)}
        hint="from completed reviews"
      />
      <Stat
        testId="kpi-submitted"
        label="Changes submitted"
        value={String(report.totals.submitted)}
        hint={`${report.weekly.length} weeks`}
      />
    </SimpleGrid>
  )
}

function Scores({ title, scores }: { title: string; scores: Score[] }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Title order={5} mb="xs">
        {title}
      </Title>
      {scores.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing closed in the period.
        </Text>
      ) : (
        <Table verticalSpacing={4} aria-label={title}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Closed</Table.Th>
              <Table.Th>Failed</Table.Th>
              <Table.Th>Incidents</Table.Th>
              <Table.Th>Score</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {scores.map((score) => (
              <Table.Tr key={score.id}>
                <Table.Td>{score.name}</Table.Td>
                <Table.Td>{score.closed}</Table.Td>
                <Table.Td>{score.failed}</Table.Td>
                <Table.Td>{score.incidentsCaused}</Table.Td>
                <Table.Td fw={600} c={score.score < 0 ? 'red' : undefined}>
                  {score.score}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  )
}

export function KpisPage() {
  const [params, setParams] = useSearchParams()
  const filters = kpiFiltersFromParams(params)
  const report = useKpis(filters)
  const clusters = useQuery({
    queryKey: ['kpis', 'clusters'],
    queryFn: ({ signal }) => apiRequest('GET', '/clusters', ClusterList, { signal }),
    staleTime: 5 * 60_000,
  })

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Change KPIs</Title>
        <Button
          component="a"
          href={kpiCsvUrl(filters)}
          download
          variant="light"
          leftSection={<IconDownload size={16} />}
        >
          Download CSV
        </Button>
      </Group>
      <Group align="flex-end" role="region" aria-label="KPI filters">
        <SegmentedControl
          aria-label="Period"
          data={PERIODS.map((period) => ({ value: period.value, label: period.label }))}
          value={periodOf(params)}
          onChange={(value) => setParams(withParam(params, 'period', value))}
        />
        <Select
          label="Category"
          placeholder="All categories"
          data={optionsOf(categoryLabels)}
          value={filters.category}
          onChange={(value) => setParams(withParam(params, 'category', value as ChangeCategory | null))}
          clearable
        />
        <Select
          label="Cluster"
          placeholder="All clusters"
          data={(clusters.data?.items ?? []).map((cluster) => ({ value: cluster.id, label: cluster.name }))}
          value={filters.clusterId}
          onChange={(value) => setParams(withParam(params, 'clusterId', value))}
          clearable
          searchable
        />
      </Group>
      {report.isPending ? (
        <LoadingBlock rows={10} label="Computing the KPIs" />
      ) : report.isError ? (
        <ErrorState error={report.error} title="Could not compute the KPIs" onRetry={() => void report.refetch()} />
      ) : (
        <Stack gap="md" aria-busy={report.isFetching}>
          <Stats report={report.data} />
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <SuccessRateChart report={report.data} />
            <LeadTimeChart report={report.data} />
            <CategoryRiskChart report={report.data} />
            <TimeToRestoreChart report={report.data} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Scores title="Success score by team" scores={report.data.scoresByTeam} />
            <Scores title="Success score by requester" scores={report.data.scoresByRequester} />
          </SimpleGrid>
        </Stack>
      )}
    </Stack>
  )
}
