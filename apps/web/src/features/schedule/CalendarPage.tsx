// The change calendar: a month or a week at a time, freezes shaded, maintenance windows marked,
// changes coloured by risk and linked to their page. Plain CSS grid; days are the browser's days.
import type { CalendarView } from '@cabinet/contracts'
import { Anchor, Badge, Box, Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core'
import dayjs, { type Dayjs } from 'dayjs'
import { useMemo, useState } from 'react'
import { Link } from 'react-router'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { riskLevelColors } from '../../lib/labels'
import { useCalendar } from './api'
import { CalendarFeedCard } from './CalendarFeedCard'

type Mode = 'month' | 'week'
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** Monday of the week holding `day`. */
const weekStart = (day: Dayjs) => day.startOf('day').subtract((day.day() + 6) % 7, 'day')

function daysShown(anchor: Dayjs, mode: Mode): Dayjs[] {
  const first = mode === 'month' ? weekStart(anchor.startOf('month')) : weekStart(anchor)
  const count = mode === 'month' ? 42 : 7
  return Array.from({ length: count }, (_, index) => first.add(index, 'day'))
}

const overlaps = (start: string, end: string, day: Dayjs) =>
  dayjs(start).isBefore(day.add(1, 'day')) && dayjs(end).isAfter(day)

function DayCell({ day, data, inMonth }: { day: Dayjs; data: CalendarView | undefined; inMonth: boolean }) {
  const occurrences = (data?.occurrences ?? []).filter((o) => overlaps(o.start, o.end, day))
  const frozen = occurrences.filter((o) => o.kind === 'freeze')
  const windows = occurrences.filter((o) => o.kind === 'window')
  const changes = (data?.changes ?? []).filter((c) => overlaps(c.plannedStart, c.plannedEnd, day))
  return (
    <Box
      data-testid="calendar-day"
      data-date={day.format('YYYY-MM-DD')}
      data-frozen={frozen.length > 0}
      p={4}
      style={{
        minHeight: 96,
        border: '1px solid var(--mantine-color-gray-3)',
        opacity: inMonth ? 1 : 0.55,
        background:
          frozen.length > 0
            ? 'repeating-linear-gradient(45deg, var(--mantine-color-red-0), var(--mantine-color-red-0) 6px, var(--mantine-color-red-1) 6px, var(--mantine-color-red-1) 12px)'
            : undefined,
      }}
    >
      <Text size="xs" fw={day.isSame(dayjs(), 'day') ? 700 : 400}>
        {day.format('D')}
      </Text>
      <Stack gap={2}>
        {frozen.map((o) => (
          <Text key={`${o.ruleId}-${o.start}`} size="xs" c="red.8" title={o.name} data-testid="calendar-freeze">
            ❄ {o.name}
          </Text>
        ))}
        {windows.map((o) => (
          <Text key={`${o.ruleId}-${o.start}`} size="xs" c="teal.8" title={o.name} data-testid="calendar-window">
            ◷ {dayjs(o.start).format('HH:mm')} {o.name}
          </Text>
        ))}
        {changes.map((c) => (
          <Anchor key={c.id} component={Link} to={`/changes/${c.number}`} size="xs" data-testid="calendar-change">
            <Badge size="xs" color={riskLevelColors[c.riskLevel]} variant={c.onHold ? 'outline' : 'light'}>
              {c.number}
            </Badge>{' '}
            {c.title}
          </Anchor>
        ))}
      </Stack>
    </Box>
  )
}

export function CalendarPage() {
  const [mode, setMode] = useState<Mode>('month')
  const [anchor, setAnchor] = useState(() => dayjs())
  const days = useMemo(() => daysShown(anchor, mode), [anchor, mode])
  const from = (days[0] as Dayjs).toISOString()
  const to = (days.at(-1) as Dayjs).add(1, 'day').toISOString()
  const calendar = useCalendar(from, to)
  const step = mode === 'month' ? 'month' : 'week'
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Calendar</Title>
        <Group>
          <Button variant="default" onClick={() => setAnchor((a) => a.subtract(1, step))}>
            Previous
          </Button>
          <Button variant="default" onClick={() => setAnchor(dayjs())}>
            Today
          </Button>
          <Button variant="default" onClick={() => setAnchor((a) => a.add(1, step))}>
            Next
          </Button>
          <SegmentedControl
            value={mode}
            onChange={(value) => setMode(value as Mode)}
            data={[
              { value: 'month', label: 'Month' },
              { value: 'week', label: 'Week' },
            ]}
          />
        </Group>
      </Group>
      <Text fw={600}>
        {mode === 'month' ? anchor.format('MMMM YYYY') : `Week of ${(days[0] as Dayjs).format('D MMM YYYY')}`}
      </Text>
      {calendar.isError && <ErrorState error={calendar.error} />}
      {calendar.isPending ? (
        <LoadingBlock />
      ) : (
        <Box style={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(0, 1fr))' }} data-testid="calendar-grid">
          {WEEKDAYS.map((name) => (
            <Text key={name} size="xs" fw={600} ta="center">
              {name}
            </Text>
          ))}
          {days.map((day) => (
            <DayCell
              key={day.toISOString()}
              day={day}
              data={calendar.data}
              inMonth={mode === 'week' || day.month() === anchor.month()}
            />
          ))}
        </Box>
      )}
      <CalendarFeedCard />
    </Stack>
  )
}
