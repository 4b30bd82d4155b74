// NVIDIA XID events read from kernel logs, and which XIDs fail a change's health gate.
export { CRITICAL_XIDS, type CriticalXid, xidSeverity } from './critical'
export { parseXidLog } from './xid-log'
