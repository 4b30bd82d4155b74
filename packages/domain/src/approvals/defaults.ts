// The policies a new installation starts with (issue 3): the seed writes them, admins edit them.
// Ordered by priority: emergency first, then the GPU stack (which adds its platform owners to the
// risk-based stages), then risk alone; the last one catches everything that nothing else matched.
import type { RiskLevel } from '../change/vocabulary'
import type { ApprovalPolicyDefinition, PolicyStage } from './policy'

const TWO_DAYS = 2 * 24 * 60

const stage = (name: string, groupKind: PolicyStage['groupKinds'][number], count = 1): PolicyStage => ({
  name,
  groupKinds: [groupKind],
  quorum: count === 1 ? { kind: 'any' } : { kind: 'count', value: count },
  dueMinutes: TWO_DAYS,
  expiryAction: 'escalate',
})

/** The stages each risk level needs, before the GPU platform owners are added. */
const RISK_STAGES: Record<RiskLevel, PolicyStage[]> = {
  low: [stage('Technical review', 'technical')],
  moderate: [stage('Technical review', 'technical'), stage('Business sign-off', 'business')],
  high: [
    stage('Technical review', 'technical', 2),
    stage('Security review', 'security'),
    stage('Business sign-off', 'business'),
  ],
  critical: [
    stage('Technical review', 'technical', 2),
    stage('Security review', 'security'),
    stage('Business sign-off', 'business'),
    stage('Executive sign-off', 'executive'),
  ],
}

export const GPU_STACK_SUBCATEGORIES = ['gpu-driver', 'cuda', 'gpu-firmware'] as const

type DefaultPolicy = Omit<ApprovalPolicyDefinition, 'id'> & { description: string; breakFixAllowed: boolean }

const LEVELS: RiskLevel[] = ['critical', 'high', 'moderate', 'low']

export const DEFAULT_APPROVAL_POLICIES: DefaultPolicy[] = [
  {
    name: 'Emergency: ECAB',
    description: 'Any emergency change: one ECAB member within 2 hours, else the change managers are alerted.',
    priority: 10,
    enabled: true,
    breakFixAllowed: true,
    conditions: { types: ['emergency'] },
    stages: [{ ...stage('ECAB decision', 'ecab'), dueMinutes: 120 }],
  },
  ...LEVELS.map(
    (level, index): DefaultPolicy => ({
      name: `GPU stack: ${level} risk`,
      description: `Driver, CUDA and firmware changes at ${level} risk: the ${level}-risk stages plus the GPU platform owners.`,
      priority: 20 + index,
      enabled: true,
      breakFixAllowed: false,
      conditions: { subcategories: [...GPU_STACK_SUBCATEGORIES], riskLevels: [level] },
      stages: [...RISK_STAGES[level], stage('GPU platform owners', 'gpu_platform')],
    }),
  ),
  ...LEVELS.filter((level) => level !== 'low').map(
    (level, index): DefaultPolicy => ({
      name: `${level[0]?.toUpperCase()}${level.slice(1)} risk`,
      description: `Changes at ${level} risk.`,
      priority: 100 + index,
      enabled: true,
      breakFixAllowed: false,
      conditions: { riskLevels: [level] },
      stages: RISK_STAGES[level],
    }),
  ),
  {
    name: 'Default: low risk',
    description: 'Everything else: one technical approval.',
    priority: 1000,
    enabled: true,
    breakFixAllowed: false,
    conditions: {},
    stages: RISK_STAGES.low,
  },
]
