// The closed vocabularies of the API. packages/domain owns the same lists for its rules;
// apps/api/src/contracts-match-domain.ts fails the typecheck if the two ever drift apart.
import { z } from 'zod'

export const ChangeType = z.enum(['standard', 'normal', 'emergency'])
export const ChangeState = z.enum([
  'new',
  'assess',
  'authorize',
  'scheduled',
  'implement',
  'review',
  'closed',
  'canceled',
])
export const ChangeCategory = z.enum(['infrastructure', 'software', 'configuration', 'model', 'security'])
export const ChangeSubcategory = z.enum([
  'gpu-driver',
  'cuda',
  'gpu-firmware',
  'framework',
  'os-kernel',
  'network',
  'storage',
  'scheduler',
  'coolant-maintenance',
  'model-deployment',
  'access-control',
  'other',
])
export const CloseCode = z.enum(['successful', 'successful_with_issues', 'failed', 'rolled_back'])
export const Role = z.enum(['requester', 'cab_member', 'change_manager', 'implementer', 'auditor', 'admin'])

/** Who may raise an emergency change: on-call (implementers), change managers and admins. */
export const EMERGENCY_RAISER_ROLES: readonly z.infer<typeof Role>[] = ['implementer', 'change_manager', 'admin']
export const mayRaiseEmergency = (roles: readonly z.infer<typeof Role>[]): boolean =>
  roles.some((role) => EMERGENCY_RAISER_ROLES.includes(role))
export const RiskLevel = z.enum(['low', 'moderate', 'high', 'critical'])
export const ChangeEventType = z.enum([
  'submit',
  'request_authorization',
  'authorize',
  'reject',
  'schedule',
  'start_implementation',
  'complete_implementation',
  'close',
  'cancel',
])
export const ConfigItemKind = z.enum(['service', 'cluster', 'node'])
export const GpuModel = z.enum(['A100', 'H100', 'H200', 'B200', 'L40S', 'other'])
export const NodeScheduler = z.enum(['none', 'slurm', 'kubernetes'])
export const NodeTransport = z.enum(['local', 'ssh', 'simulated'])

export type ChangeType = z.infer<typeof ChangeType>
export type ChangeState = z.infer<typeof ChangeState>
export type ChangeCategory = z.infer<typeof ChangeCategory>
export type ChangeSubcategory = z.infer<typeof ChangeSubcategory>
export type CloseCode = z.infer<typeof CloseCode>
export type Role = z.infer<typeof Role>
export type RiskLevel = z.infer<typeof RiskLevel>
export type ChangeEventType = z.infer<typeof ChangeEventType>
export type ConfigItemKind = z.infer<typeof ConfigItemKind>
