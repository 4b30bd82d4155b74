// Dates in the console: the API speaks ISO 8601 with an offset; people type local date-times.
import dayjs from 'dayjs'
import relativeTime from 'dayjs/plugin/relativeTime'

dayjs.extend(relativeTime)

const LOCAL_INPUT_FORMAT = 'YYYY-MM-DDTHH:mm'

/** ISO timestamp -> the value of an `<input type="datetime-local">` in the browser's zone. */
export function toLocalInputValue(iso: string): string {
  const parsed = dayjs(iso)
  return parsed.isValid() ? parsed.format(LOCAL_INPUT_FORMAT) : ''
}

/**
 * `<input type="datetime-local">` value -> ISO timestamp, or the raw text when it is not a date
 * so the contract's validation names the field instead of the form silently dropping it.
 */
export function fromLocalInputValue(value: string): string {
  if (value.trim() === '') return ''
  const parsed = dayjs(value)
  return parsed.isValid() ? parsed.toISOString() : value
}

export function isValidTimestamp(iso: string): boolean {
  return iso !== '' && dayjs(iso).isValid()
}

export function formatDateTime(iso: string): string {
  return dayjs(iso).format('YYYY-MM-DD HH:mm')
}

export function formatRelative(iso: string): string {
  return dayjs(iso).fromNow()
}
