// The demo organisation's catalogue: people, CAB groups, services, three clusters and 48 simulated GPU nodes.
import type { GpuModel, GroupKind, Role } from '@cabinet/db'

export const DEMO_USERS: { email: string; name: string; roles: Role[] }[] = [
  { email: 'requester@example.com', name: 'Riley Requester', roles: ['requester'] },
  { email: 'cab@example.com', name: 'Casey CAB', roles: ['cab_member'] },
  { email: 'manager@example.com', name: 'Morgan Manager', roles: ['change_manager'] },
  { email: 'oncall@example.com', name: 'Omar On-call', roles: ['implementer'] },
  { email: 'auditor@example.com', name: 'Avery Auditor', roles: ['auditor'] },
  { email: 'admin@example.com', name: 'Ada Admin', roles: ['admin'] },
]

export const DEMO_GROUPS: { name: string; kind: GroupKind; description: string; members: string[] }[] = [
  {
    name: 'Technical CAB',
    kind: 'technical',
    description: 'Reviews technical risk',
    members: ['cab@example.com', 'manager@example.com'],
  },
  { name: 'Business CAB', kind: 'business', description: 'Reviews business impact', members: ['manager@example.com'] },
  { name: 'Security', kind: 'security', description: 'Reviews security impact', members: ['cab@example.com'] },
  { name: 'Executive', kind: 'executive', description: 'Signs off critical risk', members: ['admin@example.com'] },
  { name: 'ECAB', kind: 'ecab', description: 'Emergency CAB', members: ['cab@example.com', 'manager@example.com'] },
  {
    name: 'GPU Platform Owners',
    kind: 'gpu_platform',
    description: 'Own drivers, CUDA and firmware',
    members: ['cab@example.com'],
  },
]

export interface DemoCluster {
  name: string
  region: string
  description: string
  cudaVersions: string[]
  nodes: {
    prefix: string
    count: number
    gpuModel: GpuModel
    gpuCount: number
    driver: string
    cuda: string
    scheduler: 'slurm' | 'kubernetes'
  }[]
}

export const DEMO_CLUSTERS: DemoCluster[] = [
  {
    name: 'train-h100-east',
    region: 'us-east',
    description: 'Large-scale training, Slurm',
    cudaVersions: ['12.4', '12.8'],
    nodes: [
      {
        prefix: 'h100-e',
        count: 16,
        gpuModel: 'H100',
        gpuCount: 8,
        driver: '550.127.05',
        cuda: '12.4',
        scheduler: 'slurm',
      },
      {
        prefix: 'h200-e',
        count: 4,
        gpuModel: 'H200',
        gpuCount: 8,
        driver: '570.133.20',
        cuda: '12.8',
        scheduler: 'slurm',
      },
    ],
  },
  {
    name: 'infer-h200-west',
    region: 'us-west',
    description: 'Production inference, Kubernetes',
    cudaVersions: ['12.8'],
    nodes: [
      {
        prefix: 'h200-w',
        count: 12,
        gpuModel: 'H200',
        gpuCount: 8,
        driver: '570.133.20',
        cuda: '12.8',
        scheduler: 'kubernetes',
      },
      {
        prefix: 'h100-w',
        count: 4,
        gpuModel: 'H100',
        gpuCount: 8,
        driver: '570.86.15',
        cuda: '12.8',
        scheduler: 'kubernetes',
      },
    ],
  },
  {
    name: 'research-a100',
    region: 'eu-central',
    description: 'Research and evaluation, Slurm',
    cudaVersions: ['12.2', '12.4'],
    nodes: [
      {
        prefix: 'a100-r',
        count: 10,
        gpuModel: 'A100',
        gpuCount: 8,
        driver: '550.54.15',
        cuda: '12.4',
        scheduler: 'slurm',
      },
      {
        prefix: 'a100-r-mig',
        count: 2,
        gpuModel: 'A100',
        gpuCount: 4,
        driver: '550.54.15',
        cuda: '12.2',
        scheduler: 'slurm',
      },
    ],
  },
]

export const DEMO_SERVICES: {
  name: string
  description: string
  criticality: number
  userCount: number
  owner: string
  clusters: string[]
}[] = [
  {
    name: 'inference-api',
    description: 'Public model inference API',
    criticality: 5,
    userCount: 250_000,
    owner: 'Business CAB',
    clusters: ['infer-h200-west'],
  },
  {
    name: 'training-platform',
    description: 'Foundation model training jobs',
    criticality: 4,
    userCount: 400,
    owner: 'GPU Platform Owners',
    clusters: ['train-h100-east'],
  },
  {
    name: 'notebooks',
    description: 'Interactive research notebooks',
    criticality: 2,
    userCount: 1_200,
    owner: 'Technical CAB',
    clusters: ['research-a100'],
  },
  {
    name: 'eval-harness',
    description: 'Nightly model evaluation',
    criticality: 3,
    userCount: 150,
    owner: 'Technical CAB',
    clusters: ['research-a100', 'train-h100-east'],
  },
  {
    name: 'feature-store',
    description: 'Online features for inference',
    criticality: 4,
    userCount: 30_000,
    owner: 'Business CAB',
    clusters: [],
  },
]
