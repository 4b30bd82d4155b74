// Words for the approval vocabularies, in one place for every approvals screen.
import type { ApprovalDecisionKind, ApprovalGroupKind, ApprovalStageStatus, ExpiryAction } from '@cabinet/contracts'

export const groupKindLabels: Record<ApprovalGroupKind, string> = {
  technical: 'Technical',
  business: 'Business',
  security: 'Security',
  financial: 'Financial',
  executive: 'Executive',
  gpu_platform: 'GPU platform owners',
  ecab: 'ECAB',
}

export const stageStatusColors: Record<ApprovalStageStatus, string> = {
  pending: 'gray',
  open: 'blue',
  approved: 'green',
  rejected: 'red',
  withdrawn: 'gray',
}

export const decisionLabels: Record<ApprovalDecisionKind, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  request_info: 'Asked for information',
}

export const expiryLabels: Record<ExpiryAction, string> = {
  escalate: 'escalate to the change managers',
  reject: 'reject the change',
}

/** "2 days", "90 min": how long a stage has before its due time acts. */
export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`
  if (minutes % 60 === 0) return `${minutes / 60} h`
  return `${minutes} min`
}
