// Timestamps in the forms the tools print, in the node's local time like the real tools.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (value: number) => String(value).padStart(2, '0')

/** C's ctime(): `Fri Aug  4 11:44:30 2023` (nvidia-smi -q -x and the table's first line). */
export function ctime(date: Date): string {
  const day = String(date.getDate()).padStart(2, ' ')
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  return `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${day} ${time} ${date.getFullYear()}`
}

/** `--query-gpu=timestamp`: `2026/07/14 08:12:38.696`. */
export function csvTimestamp(date: Date): string {
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  const millis = String(date.getMilliseconds()).padStart(3, '0')
  return `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())} ${time}.${millis}`
}
