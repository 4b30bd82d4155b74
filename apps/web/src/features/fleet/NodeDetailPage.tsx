// /fleet/nodes/:id: who the node is and how it is reached, its latest probe per GPU, every health
// gate with its reasons, open drift, and its probe history with raw output.
import { Alert, Anchor, Badge, Button, Grid, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconActivityHeartbeat, IconArrowLeft } from '@tabler/icons-react'
import { type ReactNode, useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import { EmptyResult, ErrorState, LoadingBlock, errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { useSession } from '../auth/api'
import { useFleetNode, useProbeNow } from './api'
import { driftFieldLabels, probeStatusLabels } from './fleet-labels'
import { GpuCards } from './GpuCards'
import { HealthBadge } from './HealthBadge'
import { HealthGates } from './HealthGates'
import { canProbe } from './permissions'
import { ProbeHistory } from './ProbeHistory'
import { PROBE_POLL_MS, PROBE_RUN_TIMEOUT_MS } from './probe-run'

export function NodeDetailPage() {
  const { id = '' } = useParams()
  // The node's last-probed time when a probe was asked for here; polling stops once it moves.
  const [waitingFrom, setWaitingFrom] = useState<{ lastProbedAt: string | null; at: number } | null>(null)
  const detail = useFleetNode(id, waitingFrom ? PROBE_POLL_MS : false)
  const probe = useProbeNow()
  const mayProbe = canProbe(useSession().data?.user)
  const lastProbedAt = detail.data?.lastProbedAt ?? null

  useEffect(() => {
    if (!waitingFrom) return
    if (lastProbedAt !== waitingFrom.lastProbedAt) {
      setWaitingFrom(null)
      return
    }
    const timer = setTimeout(
      () => setWaitingFrom(null),
      Math.max(0, waitingFrom.at + PROBE_RUN_TIMEOUT_MS - Date.now()),
    )
    return () => clearTimeout(timer)
  }, [waitingFrom, lastProbedAt])

  if (detail.isPending) return <LoadingBlock rows={12} label="Loading the node" />
  if (detail.isError) {
    if (isApiError(detail.error) && (detail.error.status === 404 || detail.error.status === 400)) {
      return (
        <EmptyResult
          title="No such node"
          description="It does not exist, or it was removed from the catalog."
          action={
            <Button component={Link} to="/fleet" variant="light">
              Back to the fleet
            </Button>
          }
        />
      )
    }
    return <ErrorState error={detail.error} title="Could not load the node" onRetry={() => void detail.refetch()} />
  }

  const node = detail.data
  const latest = node.latestProbe
  const probeNow = async () => {
    try {
      const result = await probe.mutateAsync({ nodeIds: [node.id] })
      setWaitingFrom({ lastProbedAt: node.lastProbedAt, at: Date.now() })
      notifications.show({ color: 'blue', message: result.queued > 0 ? 'Probe queued.' : 'A probe is already queued.' })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not start the probe', message: errorMessage(error) })
    }
  }

  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/fleet?cluster=${node.clusterId}`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> {node.clusterName}
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2} ff="monospace" data-testid="node-hostname">
              {node.hostname}
            </Title>
            <HealthBadge health={node.health} size="lg" data-testid="node-health" />
            {node.openDrift && (
              <Badge color="orange" variant="light" size="lg">
                Drift
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {node.gpuModel} × {node.gpuCount} · {node.clusterName} ·{' '}
            {node.lastProbedAt ? `probed ${formatRelative(node.lastProbedAt)}` : 'never probed'}
          </Text>
        </Stack>
        {mayProbe && (
          <Button
            leftSection={<IconActivityHeartbeat size={16} />}
            loading={probe.isPending || waitingFrom !== null}
            onClick={() => void probeNow()}
          >
            Probe now
          </Button>
        )}
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Paper withBorder radius="md" p="sm" component="section" aria-label="Identity">
            <Title order={4} mb="xs">
              Identity
            </Title>
            <SimpleGrid cols={2} spacing={6} verticalSpacing={6}>
              <Field label="Cluster" value={node.clusterName} />
              <Field label="Transport" value={node.transport} />
              <Field label="Address" value={node.address ?? '—'} mono />
              <Field label="GPUs (expected / seen)" value={`${node.gpuCount} / ${node.gpusSeen ?? '—'}`} />
              <Field label="Driver" value={node.driverVersion ?? '—'} mono />
              <Field label="CUDA" value={node.cudaVersion ?? '—'} mono />
              <Field label="Firmware" value={node.firmwareVersion ?? '—'} mono />
              <Field
                label="Expected driver"
                value={
                  node.expectedDriverVersion ? (
                    <>
                      {node.expectedDriverVersion}
                      {node.expectedDriverChange && (
                        <>
                          {' '}
                          (
                          <Anchor component={Link} to={`/changes/${node.expectedDriverChange.number}`} size="sm">
                            {node.expectedDriverChange.number}
                          </Anchor>
                          )
                        </>
                      )}
                    </>
                  ) : (
                    'no change set one'
                  )
                }
                mono
              />
            </SimpleGrid>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {latest ? (
            <Stack gap="md">
              <Text size="sm" c="dimmed" data-testid="latest-probe">
                Latest probe {formatDateTime(latest.summary.startedAt)} over {latest.summary.transport},{' '}
                {probeStatusLabels[latest.summary.status].toLowerCase()} in{' '}
                {(latest.summary.durationMs / 1000).toFixed(1)} s
              </Text>
              {latest.summary.error && (
                <Alert color="orange" variant="light" title="The probe did not complete">
                  {latest.summary.error}
                </Alert>
              )}
              <HealthGates gates={latest.gates} />
            </Stack>
          ) : (
            <EmptyResult title="Never probed" description="Probe the node to see its GPUs and health gates." />
          )}
        </Grid.Col>
      </Grid>

      {node.openDriftRecords.length > 0 && (
        <Alert color="orange" variant="light" title="Unauthorized changes" data-testid="node-drift">
          <Stack gap={4}>
            {node.openDriftRecords.map((drift) => (
              <Text key={drift.id} size="sm">
                {driftFieldLabels[drift.field]}: expected {drift.expected ?? 'nothing recorded'}, observed{' '}
                {drift.observed ?? 'none'} (since {formatDateTime(drift.detectedAt)})
              </Text>
            ))}
            <Anchor component={Link} to="/fleet/drift" size="sm">
              Review in the drift list
            </Anchor>
          </Stack>
        </Alert>
      )}

      {latest && latest.gpus.length > 0 && (
        <Stack gap="xs" component="section" aria-label="GPUs">
          <Title order={4}>GPUs</Title>
          <GpuCards gpus={latest.gpus} />
        </Stack>
      )}

      <ProbeHistory nodeId={node.id} recent={node.recentProbes} />
    </Stack>
  )
}

function Field({ label, value, mono = false }: { label: string; value: ReactNode; mono?: boolean }) {
  return (
    <>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined}>
        {value}
      </Text>
    </>
  )
}
