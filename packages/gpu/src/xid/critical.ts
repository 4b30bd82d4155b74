// The XIDs that fail the "no critical XID since the change began" gate (DESIGN.md), each with its
// meaning from NVIDIA's Xid catalog (docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html).

export interface CriticalXid {
  xid: number
  /** One line, after NVIDIA's catalog description. */
  meaning: string
  /** Xid 63 only counts while a row remap it recorded is still pending (not yet applied by a reset). */
  onlyWithPendingRowRemap?: true
}

const entries: CriticalXid[] = [
  { xid: 48, meaning: 'Double bit ECC error (DBE): an uncorrectable error in GPU memory' },
  { xid: 62, meaning: 'Internal micro-controller halt (GPU firmware stopped)' },
  {
    xid: 63,
    meaning: 'ECC page retirement or row remapping recording event: a bad row awaits remapping at the next reset',
    onlyWithPendingRowRemap: true,
  },
  { xid: 64, meaning: 'ECC page retirement or row remapper recording failure' },
  { xid: 74, meaning: 'NVLink error' },
  { xid: 79, meaning: 'GPU has fallen off the bus: it no longer answers on PCIe' },
  { xid: 94, meaning: 'Contained ECC error: the affected application must restart, the GPU needs a reset' },
  { xid: 95, meaning: 'Uncontained ECC error: every application on the GPU is affected, the GPU needs a reset' },
  { xid: 109, meaning: 'Context switch timeout error' },
  { xid: 119, meaning: 'GSP RPC timeout: the GPU System Processor stopped answering the driver' },
  { xid: 120, meaning: 'GSP error: the firmware on the GPU System Processor failed' },
  { xid: 140, meaning: 'Unrecovered ECC error: the driver could not retire pages or remap rows for it' },
  { xid: 143, meaning: 'GPU initialization failure' },
]

export const CRITICAL_XIDS: ReadonlyMap<number, CriticalXid> = new Map(entries.map((entry) => [entry.xid, entry]))

/**
 * Whether an XID fails the gate. Xid 63 depends on the row remap state: pending is critical, applied is
 * not, and unknown (no probe said) is inconclusive rather than a pass.
 */
export function xidSeverity(
  xid: number,
  rowRemapPending: boolean | null,
): 'critical' | 'not-critical' | 'inconclusive' {
  const entry = CRITICAL_XIDS.get(xid)
  if (!entry) return 'not-critical'
  if (!entry.onlyWithPendingRowRemap) return 'critical'
  if (rowRemapPending === null) return 'inconclusive'
  return rowRemapPending ? 'critical' : 'not-critical'
}
