// Example changes in every state, created and moved through the real API so their risk, audit
// trail and timelines are exactly what a person would have produced in the console.
import type { CreateChangeBody, TransitionBody } from '@cabinet/contracts'

/** A transition as the seed sends it: which demo user, and the body without the version. */
type TransitionStep = (TransitionBody extends infer Body
  ? Body extends unknown
    ? Omit<Body, 'version'>
    : never
  : never) & {
  as: string
}
/** The CAB approves every stage of the change's approval round, which authorizes it (prisma/seed/approvals.ts). */
export interface ApproveStep {
  approveAllStages: true
}
type Step = TransitionStep | ApproveStep

export interface DemoChange {
  as: string
  body: (ids: DemoIds, at: (days: number, hour?: number) => string) => CreateChangeBody
  steps: Step[]
}

export interface DemoIds {
  service(name: string): string
  cluster(name: string): string
  nodes(prefix: string, count?: number): { kind: 'node'; id: string }[]
  user(email: string): string
}

const careful = {
  experience: 'done-before',
  automation: 'automated',
  testedInStaging: true,
  rollbackTested: true,
  requiresDowntime: false,
  userVisible: false,
} as const

const base = {
  implementationPlan:
    '1. Drain the nodes through the scheduler.\n2. Apply the change.\n3. Validate with DCGM diag level 1.\n4. Resume.',
  testEvidence: 'Staging run on two nodes passed DCGM diag level 3.',
  rollbackPlan: 'Reinstall the previous package from the local mirror and reboot; validated in staging.',
}

const MANAGER = 'manager@example.com'
const ONCALL = 'oncall@example.com'
const REQUESTER = 'requester@example.com'

const submit: Step = { as: REQUESTER, event: 'submit' }
const assess: Step = { as: MANAGER, event: 'request_authorization' }
const authorize: Step = { approveAllStages: true }
const start: Step = { as: ONCALL, event: 'start_implementation' }
const complete: Step = { as: ONCALL, event: 'complete_implementation' }

export const DEMO_CHANGES: DemoChange[] = [
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'software',
      subcategory: 'framework',
      title: 'Upgrade NCCL to 2.23 on the research cluster',
      description: 'Move research-a100 from NCCL 2.21 to 2.23 for the new all-reduce algorithms.',
      justification: 'Researchers need the tree all-reduce fixes for multi-node evaluation.',
      plannedStart: at(9, 14),
      plannedEnd: at(9, 18),
      affectedItems: [{ kind: 'cluster', id: ids.cluster('research-a100') }],
      riskQuestionnaire: careful,
    }),
    steps: [],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'gpu-driver',
      title: 'Driver 570.133.20 canary on train-h100-east',
      description: 'Upgrade the NVIDIA driver on four H100 nodes as a canary for the whole cluster.',
      justification: 'Driver 550 lacks the fix for the NVLink error storms seen last month.',
      plannedStart: at(6, 2),
      plannedEnd: at(6, 6),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('h100-e', 4),
      riskQuestionnaire: { ...careful, experience: 'first-time' },
      targetDriverVersion: '570.133.20',
    }),
    steps: [submit],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'software',
      subcategory: 'cuda',
      title: 'CUDA 12.8 toolkit on research-a100',
      description: 'Install the CUDA 12.8 toolkit beside 12.4 on all research nodes.',
      justification: 'New kernels in the eval harness need 12.8.',
      plannedStart: at(12, 9),
      plannedEnd: at(12, 12),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('a100-r', 12),
      riskQuestionnaire: careful,
    }),
    steps: [submit, assess],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'gpu-firmware',
      title: 'GPU firmware 96.00.A5 on inference H100 nodes',
      description: 'Apply the VBIOS update to the four H100 nodes in the inference cluster.',
      justification: 'Vendor advisory: fixes a thermal throttling regression.',
      plannedStart: at(4, 1),
      plannedEnd: at(4, 5),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('h100-w', 4),
      riskQuestionnaire: { ...careful, requiresDowntime: true },
    }),
    steps: [submit, assess, authorize],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'security',
      subcategory: 'access-control',
      title: 'Rotate inference API TLS certificates',
      description: 'Replace the certificates on the inference gateway before they expire.',
      justification: 'Certificates expire in 10 days.',
      plannedStart: at(1, 3),
      plannedEnd: at(1, 4),
      implementerId: ids.user(ONCALL),
      affectedItems: [{ kind: 'service', id: ids.service('inference-api') }],
      riskQuestionnaire: { ...careful, experience: 'routine', userVisible: true },
    }),
    steps: [submit, assess, authorize, start],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'os-kernel',
      title: 'Kernel 6.8 on the MIG research nodes',
      description: 'Move the two MIG nodes to kernel 6.8 with the matching driver modules.',
      justification: 'Needed for the newer MIG profiles.',
      plannedStart: at(-2, 10),
      plannedEnd: at(-2, 12),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('a100-r-mig', 2),
      riskQuestionnaire: careful,
    }),
    steps: [submit, assess, authorize, start, complete],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'software',
      subcategory: 'scheduler',
      title: 'Slurm 24.05 on train-h100-east',
      description: 'Rolling upgrade of slurmd on the training cluster.',
      justification: 'Security fixes and better GRES accounting.',
      plannedStart: at(-10, 8),
      plannedEnd: at(-10, 11),
      implementerId: ids.user(ONCALL),
      affectedItems: [{ kind: 'cluster', id: ids.cluster('train-h100-east') }],
      riskQuestionnaire: careful,
    }),
    steps: [submit, assess, authorize, start, complete, { as: MANAGER, event: 'close', closeCode: 'successful' }],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'gpu-driver',
      title: 'Driver 560 trial on research A100 nodes',
      description: 'Try the 560 branch on two research nodes.',
      justification: 'Evaluate the new branch before the fleet decision.',
      plannedStart: at(-20, 9),
      plannedEnd: at(-20, 12),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('a100-r', 2),
      riskQuestionnaire: { ...careful, experience: 'first-time' },
      targetDriverVersion: '560.35.03',
    }),
    steps: [
      submit,
      assess,
      authorize,
      start,
      complete,
      { as: MANAGER, event: 'close', closeCode: 'rolled_back', notes: 'XID 79 on one node after reboot; rolled back.' },
    ],
  },
  {
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'coolant-maintenance',
      title: 'Coolant loop maintenance in us-west',
      description: 'Facility coolant loop service for the inference hall.',
      justification: 'Scheduled facility maintenance.',
      plannedStart: at(15, 0),
      plannedEnd: at(15, 6),
      affectedItems: [{ kind: 'cluster', id: ids.cluster('infer-h200-west') }],
      riskQuestionnaire: { ...careful, requiresDowntime: true, userVisible: true },
    }),
    steps: [submit, { as: REQUESTER, event: 'cancel', reason: 'Facility moved the work to next quarter.' }],
  },
  {
    as: ONCALL,
    body: (ids, at) => ({
      ...base,
      type: 'standard',
      category: 'infrastructure',
      subcategory: 'other',
      title: 'Drain and reboot h200-w-03',
      description: 'Standard change: drain, reboot and resume one inference node.',
      justification: 'Node shows stale GPU memory after a job crash.',
      plannedStart: at(2, 4),
      plannedEnd: at(2, 5),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('h200-w-03', 1),
      riskQuestionnaire: { ...careful, experience: 'routine' },
    }),
    steps: [{ as: ONCALL, event: 'submit' }],
  },
  {
    as: ONCALL,
    body: (ids, at) => ({
      ...base,
      type: 'emergency',
      category: 'infrastructure',
      subcategory: 'other',
      title: 'Emergency: replace h100-e-07 after XID 79',
      description: 'The node fell off the bus (XID 79) twice; take it out and replace the baseboard.',
      justification: 'Training jobs on this node keep failing.',
      plannedStart: at(0, 23),
      plannedEnd: at(1, 3),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('h100-e-07', 1),
      riskQuestionnaire: { ...careful, requiresDowntime: true },
    }),
    steps: [{ as: ONCALL, event: 'submit' }],
  },
  {
    // Completed: the training H200s now run 570.172.08, which is what the fleet's drift check expects of
    // them (h200-e-04 was later given 575.51.02 by hand: see DEMO_SIM_NODES in ./fleet.ts).
    as: REQUESTER,
    body: (ids, at) => ({
      ...base,
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'gpu-driver',
      title: 'Driver 570.172.08 on the training H200s',
      description: 'Move the four H200 training nodes to the 570.172.08 security release.',
      justification: 'Security fixes in the 570 branch; CUDA 12.8 stays supported.',
      plannedStart: at(-6, 9),
      plannedEnd: at(-6, 12),
      implementerId: ids.user(ONCALL),
      affectedItems: ids.nodes('h200-e', 4),
      riskQuestionnaire: careful,
      targetDriverVersion: '570.172.08',
    }),
    steps: [submit, assess, authorize, start, complete, { as: MANAGER, event: 'close', closeCode: 'successful' }],
  },
]
