// Every parser fails the same way: a typed error naming the format, where in the input it gave up
// (line, element path or JSON path) and a short excerpt. Never a crash, never a silent empty result.

export const GPU_OUTPUT_FORMATS = [
  'nvidia-smi-xml',
  'nvidia-smi-query-csv',
  'nvidia-smi-q-text',
  'nvidia-smi-table',
  'dcgmi-diag-json',
  'dcgmi-diag-text',
  'dcgmi-health-json',
  'dcgmi-discovery',
  'kernel-log-xid',
] as const
export type GpuOutputFormat = (typeof GPU_OUTPUT_FORMATS)[number]

export class GpuParseError extends Error {
  override readonly name = 'GpuParseError'
  constructor(
    readonly format: GpuOutputFormat,
    /** Where parsing gave up: `line 42`, `nvidia_smi_log/gpu[2]/ecc_errors`, `$.DCGM GPU Diagnostic`. */
    readonly where: string,
    message: string,
    /** Up to 120 characters of the input around `where`. */
    readonly excerpt: string | null = null,
  ) {
    super(`${format}: ${message} (at ${where})`)
  }
}

export type ParseResult<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: GpuParseError }

export const parsed = <T>(value: T, warnings: string[] = []): ParseResult<T> => ({ ok: true, value, warnings })
export const failed = (error: GpuParseError): ParseResult<never> => ({ ok: false, error })
