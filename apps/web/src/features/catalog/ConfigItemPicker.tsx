// The affected-items picker: searches services, clusters and nodes on the server (a fleet has
// thousands of nodes), shows each item's kind and detail, and lets a person pick many at once.
// Picking a cluster means every node in it; "Add all matching nodes" adds a whole search result.
import { ConfigItemKind, type ConfigItemOption } from '@cabinet/contracts'
import {
  Badge,
  Button,
  CloseButton,
  Combobox,
  Group,
  Loader,
  Pill,
  PillsInput,
  SegmentedControl,
  Stack,
  Text,
  useCombobox,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconCheck } from '@tabler/icons-react'
import { useQueryClient } from '@tanstack/react-query'
import { type FocusEvent, type KeyboardEvent, type ReactNode, useId, useRef, useState } from 'react'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { configItemKindColors, configItemKindLabels } from '../../lib/labels'
import { type ConfigItemSearch, catalogKeys, searchConfigItems, useConfigItemSearch } from './api'

const SEARCH_LIMIT = 50
/** The contracts cap one search at 500 items; bulk-adding beyond that needs a narrower search. */
const BULK_LIMIT = 500
const VISIBLE_PILLS = 20
const SEARCH_DEBOUNCE_MS = 250

type KindFilter = 'all' | ConfigItemKind

const itemKey = (item: { kind: ConfigItemKind; id: string }) => `${item.kind}:${item.id}`

export interface ConfigItemPickerProps {
  label: string
  value: ConfigItemOption[]
  onChange: (items: ConfigItemOption[]) => void
  error?: ReactNode
  description?: ReactNode
  required?: boolean
  disabled?: boolean
}

export function ConfigItemPicker({
  label,
  value,
  onChange,
  error,
  description,
  required,
  disabled,
}: ConfigItemPickerProps) {
  const inputId = useId()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const [kindFilter, setKindFilter] = useState<KindFilter>('all')
  const [showAllPills, setShowAllPills] = useState(false)
  const [bulkState, setBulkState] = useState<{ pending: boolean; error: string | null }>({
    pending: false,
    error: null,
  })
  const [debouncedSearch] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS)
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() })
  const fieldRef = useRef<HTMLInputElement>(null)
  const dropdownRef = useRef<HTMLDivElement>(null)

  const query: ConfigItemSearch = {
    q: debouncedSearch,
    kind: kindFilter === 'all' ? null : kindFilter,
    limit: SEARCH_LIMIT,
  }
  const results = useConfigItemSearch(query, combobox.dropdownOpened)
  const selectedKeys = new Set(value.map(itemKey))
  const optionsByKey = new Map((results.data?.items ?? []).map((item) => [itemKey(item), item]))

  const toggle = (key: string) => {
    const option = optionsByKey.get(key)
    if (!option) return
    onChange(selectedKeys.has(key) ? value.filter((item) => itemKey(item) !== key) : [...value, option])
  }

  const addAllMatchingNodes = async () => {
    setBulkState({ pending: true, error: null })
    const bulkQuery: ConfigItemSearch = { q: debouncedSearch, kind: 'node', limit: BULK_LIMIT }
    try {
      const page = await queryClient.fetchQuery({
        queryKey: catalogKeys.search(bulkQuery),
        queryFn: ({ signal }) => searchConfigItems(bulkQuery, signal),
      })
      if (page.total > page.items.length) {
        setBulkState({
          pending: false,
          error: `${page.total} nodes match: narrow the search to ${BULK_LIMIT} or fewer`,
        })
        return
      }
      const additions = page.items.filter((item) => !selectedKeys.has(itemKey(item)))
      onChange([...value, ...additions])
      setBulkState({ pending: false, error: null })
    } catch (failure) {
      setBulkState({ pending: false, error: errorMessage(failure) })
    }
  }

  const onFieldBlur = (event: FocusEvent<HTMLInputElement>) => {
    // Clicking the kind filter focuses its radio for a moment: that is not leaving the picker.
    if (event.relatedTarget instanceof Node && dropdownRef.current?.contains(event.relatedTarget)) return
    combobox.closeDropdown()
    setSearch('')
  }

  const onKindChange = (kind: KindFilter) => {
    setKindFilter(kind)
    fieldRef.current?.focus()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // Backspace in an empty search removes the last pick, as in Mantine's MultiSelect.
    if (event.key === 'Backspace' && search.length === 0 && value.length > 0) {
      event.preventDefault()
      onChange(value.slice(0, -1))
    }
  }

  const visiblePills = showAllPills ? value : value.slice(0, VISIBLE_PILLS)
  const hiddenCount = value.length - visiblePills.length
  const total = results.data?.total ?? 0
  const shown = results.data?.items.length ?? 0
  // In "All" the node count of the search is unknown until asked; in "Nodes" it is `total`.
  const canBulkAdd =
    (kindFilter === 'node' && total > 0) ||
    (kindFilter === 'all' && results.data?.items.some((item) => item.kind === 'node'))

  return (
    <Stack gap={4}>
      <Combobox store={combobox} onOptionSubmit={toggle}>
        <Combobox.DropdownTarget>
          <PillsInput
            id={inputId}
            label={label}
            {...(required ? requiredInput : {})}
            error={error}
            description={description ?? summarize(value)}
            disabled={disabled}
            onClick={() => combobox.openDropdown()}
            rightSection={
              value.length > 0 && !disabled ? (
                <CloseButton size="sm" aria-label="Remove every selected item" onClick={() => onChange([])} />
              ) : (
                <Combobox.Chevron />
              )
            }
          >
            <Pill.Group>
              {visiblePills.map((item) => (
                <Pill
                  key={itemKey(item)}
                  withRemoveButton={!disabled}
                  onRemove={() => onChange(value.filter((other) => itemKey(other) !== itemKey(item)))}
                >
                  {configItemKindLabels[item.kind][0]}: {item.name}
                </Pill>
              ))}
              {hiddenCount > 0 && <Pill>+{hiddenCount} more</Pill>}
              <Combobox.EventsTarget>
                <PillsInput.Field
                  id={inputId}
                  value={search}
                  placeholder={value.length === 0 ? 'Search services, clusters, nodes' : undefined}
                  onFocus={() => combobox.openDropdown()}
                  ref={fieldRef}
                  onBlur={onFieldBlur}
                  onChange={(event) => {
                    setSearch(event.currentTarget.value)
                    combobox.openDropdown()
                    combobox.updateSelectedOptionIndex()
                  }}
                  onKeyDown={onKeyDown}
                  disabled={disabled}
                />
              </Combobox.EventsTarget>
            </Pill.Group>
          </PillsInput>
        </Combobox.DropdownTarget>

        <Combobox.Dropdown ref={dropdownRef}>
          {/* Keep focus in the search field while the header and footer controls are used. */}
          <Combobox.Header onMouseDown={(event) => event.preventDefault()}>
            <SegmentedControl<KindFilter>
              size="xs"
              fullWidth
              value={kindFilter}
              onChange={onKindChange}
              data={[
                { value: 'all', label: 'All' },
                { value: 'service', label: 'Services' },
                { value: 'cluster', label: 'Clusters' },
                { value: 'node', label: 'Nodes' },
              ]}
            />
          </Combobox.Header>
          <Combobox.Options mah={320} style={{ overflowY: 'auto' }} aria-label="Matching configuration items">
            {results.isPending && (
              <Combobox.Empty>
                <Loader size="xs" aria-label="Searching" />
              </Combobox.Empty>
            )}
            {results.isError && <Combobox.Empty>{errorMessage(results.error)}</Combobox.Empty>}
            {results.isSuccess && shown === 0 && (
              <Combobox.Empty>
                {debouncedSearch ? `Nothing matches “${debouncedSearch}”` : 'No items of this kind'}
              </Combobox.Empty>
            )}
            {results.data?.items.map((item) => {
              const key = itemKey(item)
              const selected = selectedKeys.has(key)
              return (
                <Combobox.Option value={key} key={key} active={selected} aria-selected={selected}>
                  <Group gap="xs" wrap="nowrap">
                    {selected ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />}
                    <Badge size="xs" variant="light" color={configItemKindColors[item.kind]} w={64}>
                      {configItemKindLabels[item.kind]}
                    </Badge>
                    <div style={{ minWidth: 0 }}>
                      <Text size="sm" truncate>
                        {item.name}
                      </Text>
                      <Text size="xs" c="dimmed" truncate>
                        {/* The server's detail already says what it holds (a cluster's node count); a service's
                            nodeCount is always 0 because its nodes are the server's impact analysis. */}
                        {item.detail}
                      </Text>
                    </div>
                  </Group>
                </Combobox.Option>
              )
            })}
          </Combobox.Options>
          <Combobox.Footer onMouseDown={(event) => event.preventDefault()}>
            <Group justify="space-between" gap="xs">
              <Text size="xs" c="dimmed">
                {results.isFetching ? 'Searching…' : `${shown} of ${total} shown`}
                {total > shown ? ' — type to narrow' : ''}
              </Text>
              {canBulkAdd && (
                <Button
                  size="compact-xs"
                  variant="light"
                  loading={bulkState.pending}
                  disabled={kindFilter === 'node' && total > BULK_LIMIT}
                  onClick={() => void addAllMatchingNodes()}
                  title={
                    kindFilter === 'node' && total > BULK_LIMIT
                      ? `Narrow the search to ${BULK_LIMIT} nodes or fewer`
                      : undefined
                  }
                >
                  {kindFilter === 'node' ? `Add all ${total} matching nodes` : 'Add all matching nodes'}
                </Button>
              )}
            </Group>
            {bulkState.error && (
              <Text size="xs" c="red">
                {bulkState.error}
              </Text>
            )}
          </Combobox.Footer>
        </Combobox.Dropdown>
      </Combobox>
      {(hiddenCount > 0 || showAllPills) && value.length > VISIBLE_PILLS && (
        <Group>
          <Button size="compact-xs" variant="subtle" onClick={() => setShowAllPills(!showAllPills)}>
            {showAllPills ? 'Show fewer selected items' : `Show all ${value.length} selected items`}
          </Button>
        </Group>
      )}
    </Stack>
  )
}

/** "2 services, 1 cluster, 40 nodes selected · 168 nodes in all": what a long pill list hides. */
function summarize(items: ConfigItemOption[]): string | undefined {
  if (items.length === 0) return undefined
  const counts: Record<ConfigItemKind, number> = { service: 0, cluster: 0, node: 0 }
  let nodesCovered = 0
  for (const item of items) {
    counts[item.kind] += 1
    nodesCovered += item.kind === 'node' ? 1 : item.kind === 'cluster' ? item.nodeCount : 0
  }
  const parts = ConfigItemKind.options
    .filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${configItemKindLabels[kind].toLowerCase()}${counts[kind] === 1 ? '' : 's'}`)
  // Services are not counted in nodes: which of their nodes are touched is the server's impact analysis.
  const inAll = counts.cluster > 0 ? ` · ${nodesCovered} node${nodesCovered === 1 ? '' : 's'} in all` : ''
  return `${parts.join(', ')} selected${inAll}`
}
