// Durations as pipelines write them: 90s, 15m, 2h, 1h30m, 500ms.
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)]
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text)
    throw new Error(`${flag} must be a duration like 90s, 15m, 2h or 1h30m, not ${text}`)
  return parts.reduce((total, part) => total + Number(part[1]) * (UNITS[part[2] as string] as number), 0)
}
