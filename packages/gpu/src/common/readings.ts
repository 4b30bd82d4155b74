// A value read from GPU tool output is either known (a number in a known unit, or a string) or
// unknown, with what the tool printed instead. Unknown is never 0: a missing ECC counter is not "no errors".

export type Reading<T> = { known: true; value: T } | { known: false; raw: string | null }

export const unknown = (raw: string | null = null): Reading<never> => ({ known: false, raw })
export const known = <T>(value: T): Reading<T> => ({ known: true, value })

/** What nvidia-smi and DCGM print where a value does not exist or cannot be read. */
const NOT_AVAILABLE =
  /^\[?(n\/a|not supported|not available|unknown error|insufficient permissions|requested functionality has been deprecated|gpu requires reset|unknown)\]?$/i

export function isNotAvailable(raw: string): boolean {
  return NOT_AVAILABLE.test(raw.trim())
}

/** Reads "80 C", "350.00 W", "81559 MiB", "45 %", "1410 MHz" (unit optional) as a number. */
export function readNumber(raw: string | undefined | null, unit?: string): Reading<number> {
  if (raw === undefined || raw === null) return unknown(null)
  const text = raw.trim()
  if (text === '' || isNotAvailable(text)) return unknown(text)
  const match = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z%/]+)?$/.exec(text)
  if (!match) return unknown(text)
  if (unit && match[2] && match[2].toLowerCase() !== unit.toLowerCase()) return unknown(text)
  return known(Number(match[1]))
}

export function readText(raw: string | undefined | null): Reading<string> {
  if (raw === undefined || raw === null) return unknown(null)
  const text = raw.trim()
  return text === '' || isNotAvailable(text) ? unknown(text) : known(text)
}

/** "Active" / "Not Active", "Enabled" / "Disabled", "Yes" / "No". */
export function readFlag(raw: string | undefined | null): Reading<boolean> {
  const text = readText(raw)
  if (!text.known) return text
  const value = text.value.toLowerCase()
  if (['active', 'enabled', 'yes', 'true', 'pending'].includes(value)) return known(true)
  if (['not active', 'disabled', 'no', 'false', 'none'].includes(value)) return known(false)
  return unknown(text.value)
}
