// /changes: the change queue, filtered from the address, one cursor page at a time.
import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { IconChevronRight, IconPlus } from '@tabler/icons-react'
import { Link, useSearchParams } from 'react-router'
import { RiskBadge, StateBadge } from '../../components/Badges'
import { EmptyResult, ErrorState, SkeletonRows } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { categoryLabels, changeTypeLabels } from '../../lib/labels'
import { useSession } from '../auth/api'
import { canCreateChange } from '../auth/permissions'
import { CHANGE_PAGE_SIZE, type ChangeListFilters, useChangeList } from './api'
import { ChangeFilters } from './ChangeFilters'
import { NO_FILTERS, filtersFromParams, hasFilters, paramsFromFilters } from './list-filters'

const TABLE_MIN_WIDTH = 1100
const COLUMNS = ['Number', 'Title', 'Type', 'Category', 'State', 'Risk', 'Planned start', 'Requester'] as const

export function ChangesListPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = filtersFromParams(searchParams)
  const list = useChangeList(filters)
  const setFilters = (next: ChangeListFilters) => setSearchParams(paramsFromFilters(next))
  const mayCreate = canCreateChange(useSession().data?.user)

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Changes</Title>
        {mayCreate && (
          <Button component={Link} to="/changes/new" leftSection={<IconPlus size={16} />}>
            New change
          </Button>
        )}
      </Group>
      <ChangeFilters filters={filters} onChange={setFilters} />

      {list.isError && !list.data ? (
        <ErrorState error={list.error} title="Could not load changes" onRetry={() => void list.refetch()} />
      ) : (
        <Paper withBorder radius="md">
          {/* Wide enough for every column on one line; narrower windows scroll the table sideways. */}
          <Table.ScrollContainer minWidth={TABLE_MIN_WIDTH}>
            <Table highlightOnHover verticalSpacing="xs" aria-label="Changes" aria-busy={list.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <Table.Th key={column}>{column}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.isPending && <SkeletonRows columns={COLUMNS.length} />}
                {list.data?.items.map((change) => (
                  <Table.Tr key={change.id} data-testid="change-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/changes/${change.number}`} ff="monospace" size="sm">
                        {change.number}
                      </Anchor>
                    </Table.Td>
                    {/* Every other column keeps its words on one line; the title takes what is left and truncates. */}
                    <Table.Td style={{ width: '100%', maxWidth: 0 }}>
                      <Text size="sm" truncate title={change.title}>
                        {change.title}
                      </Text>
                    </Table.Td>
                    <Table.Td>{changeTypeLabels[change.type]}</Table.Td>
                    <Table.Td>{categoryLabels[change.category]}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <StateBadge state={change.state} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <RiskBadge level={change.riskLevel} score={change.riskScore} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" ff="monospace">
                        {formatDateTime(change.plannedStart)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{change.requester.name}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.isSuccess && list.data.items.length === 0 && (
            <EmptyResult
              title={filters.cursor ? 'No more changes' : 'No changes found'}
              description={hasFilters(filters) ? 'Nothing matches these filters.' : 'Nobody has raised a change yet.'}
              action={
                hasFilters(filters) || filters.cursor ? (
                  <Button
                    variant="light"
                    onClick={() => setFilters(filters.cursor ? { ...filters, cursor: null } : NO_FILTERS)}
                  >
                    {filters.cursor ? 'Back to the first page' : 'Clear filters'}
                  </Button>
                ) : mayCreate ? (
                  <Button component={Link} to="/changes/new" variant="light">
                    Raise the first change
                  </Button>
                ) : undefined
              }
            />
          )}
        </Paper>
      )}

      {list.isError && list.data && (
        <ErrorState error={list.error} title="Could not refresh" onRetry={() => void list.refetch()} />
      )}

      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {list.data ? `${list.data.items.length} shown, ${CHANGE_PAGE_SIZE} per page` : ''}
        </Text>
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            disabled={!filters.cursor}
            onClick={() => setFilters({ ...filters, cursor: null })}
          >
            First page
          </Button>
          <Button
            variant="default"
            size="xs"
            rightSection={<IconChevronRight size={14} />}
            disabled={!list.data?.nextCursor || list.isPlaceholderData}
            onClick={() => setFilters({ ...filters, cursor: list.data?.nextCursor ?? null })}
          >
            Next page
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}
