// Configuration items: services -> clusters -> nodes, their dependencies, and the item picker.
import { z } from 'zod'
import { type FieldIssue, Id, PageQuery, Timestamp, pageOf, patchOf, text } from './common'
import { ConfigItemKind, GpuModel, NodeScheduler, NodeTransport } from './vocabulary'

const slug = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-" only')
const hostname = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'must be a valid hostname')
const versionString = z
  .string()
  .trim()
  .max(32)
  .regex(/^\d+(\.\d+){0,3}$/, 'must look like 570.86.15')

export const ServiceBody = z.object({
  name: slug,
  description: text(2000).default(''),
  criticality: z.number().int().min(1).max(5),
  userCount: z.number().int().min(0).max(100_000_000),
  ownerGroupId: Id.nullable().default(null),
  clusterIds: z.array(Id).max(100).default([]),
})
export const ServiceView = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  criticality: z.number().int(),
  userCount: z.number().int(),
  ownerGroupId: Id.nullable(),
  clusterIds: z.array(Id),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type ServiceView = z.infer<typeof ServiceView>
export const ServicePatch = patchOf(ServiceBody)

export const ClusterBody = z.object({
  name: slug,
  description: text(2000).default(''),
  region: text(100).default(''),
  cudaVersions: z.array(versionString).max(20).default([]),
})
export const ClusterView = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  region: z.string(),
  cudaVersions: z.array(z.string()),
  nodeCount: z.number().int(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type ClusterView = z.infer<typeof ClusterView>
export const ClusterPatch = patchOf(ClusterBody)

/** How fleet probes reach a node (docs/fleet.md). A private key is never accepted: only where it is. */
const sshPort = z.number().int().min(1).max(65535)
const sshUser = z
  .string()
  .trim()
  .max(32)
  .regex(/^[a-z_][a-z0-9_.-]*$/, 'must be a login name (lowercase letters, digits, ".", "_" and "-")')
/** As `ssh-keygen -l -E sha256` prints it: SHA256: and 43 base64 characters (padding optional). */
const sshHostKeySha256 = z
  .string()
  .trim()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}=?$/,
    'must be a host key fingerprint as ssh-keygen -l -E sha256 prints it (SHA256:...)',
  )
/** The same shapes as the nodes_ssh_key_ref_shape CHECK: a private key pasted here fails both. */
const sshKeyRef = z
  .string()
  .trim()
  .max(1000)
  .regex(
    /^(file:\/\S+|env:[A-Za-z_][A-Za-z0-9_]*)$/,
    'must say where the private key is, file:/path or env:NAME, never the key itself',
  )
const absolutePath = z
  .string()
  .trim()
  .max(1000)
  .regex(/^\/\S*$/, 'must be an absolute path without spaces')

export const NodeBody = z.object({
  hostname,
  clusterId: Id,
  gpuModel: GpuModel,
  gpuCount: z.number().int().min(0).max(64),
  driverVersion: versionString.nullable().default(null),
  cudaVersion: versionString.nullable().default(null),
  firmwareVersion: text(64).nullable().default(null),
  transport: NodeTransport.default('simulated'),
  scheduler: NodeScheduler.default('none'),
  /** The SSH host (or the simulator's host) when it is not the hostname. */
  address: text(253).nullable().default(null),
  sshPort: sshPort.nullable().default(null),
  sshUser: sshUser.nullable().default(null),
  sshHostKeySha256: sshHostKeySha256.nullable().default(null),
  sshKeyRef: sshKeyRef.nullable().default(null),
  /** A simulated node's gpu-sim state folder. */
  simStateDir: absolutePath.nullable().default(null),
})
export const NodeView = z.object({
  id: Id,
  hostname: z.string(),
  clusterId: Id,
  clusterName: z.string(),
  gpuModel: GpuModel,
  gpuCount: z.number().int(),
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  transport: NodeTransport,
  scheduler: NodeScheduler,
  address: z.string().nullable(),
  sshPort: z.number().int().nullable(),
  sshUser: z.string().nullable(),
  sshHostKeySha256: z.string().nullable(),
  /** Where the key is (file:/path or env:NAME); the key itself is never stored or returned. */
  sshKeyRef: z.string().nullable(),
  simStateDir: z.string().nullable(),
  lastProbeAt: Timestamp.nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type NodeView = z.infer<typeof NodeView>
export const NodePatch = patchOf(NodeBody)

/**
 * Rules across a node's transport fields, checked on the node as it will be stored (a patch merged
 * onto the stored node): an SSH node is only ever contacted with its host key pinned, so one
 * without the fingerprint is refused when it is registered, not left to fail at every probe.
 */
export function nodeTransportIssues(node: {
  transport: z.infer<typeof NodeTransport>
  sshHostKeySha256: string | null
}): FieldIssue[] {
  if (node.transport === 'ssh' && !node.sshHostKeySha256) {
    return [
      {
        path: 'sshHostKeySha256',
        message:
          'is required for an SSH node: pin the host key as `ssh-keygen -l -E sha256 -f <host key>` prints it (SHA256:...)',
      },
    ]
  }
  return []
}
export const NodeListQuery = PageQuery.extend({
  clusterId: Id.optional(),
  q: text(100).optional(),
})
export const NodePage = pageOf(NodeView)

/** Bulk import: a JSON array of nodes (cluster by name), or the same columns as CSV text. */
export const NodeImportRow = NodeBody.omit({ clusterId: true }).extend({ cluster: slug })
export const NodeImportJson = z.object({ nodes: z.array(z.unknown()).min(1).max(10_000) })
export const NodeImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })),
})
export type NodeImportResult = z.infer<typeof NodeImportResult>

export const DependencyBody = z.object({
  fromKind: ConfigItemKind,
  fromId: Id,
  toKind: ConfigItemKind,
  toId: Id,
  description: text(500).default(''),
})
export const DependencyView = z.object({
  id: Id,
  fromKind: ConfigItemKind,
  fromId: Id,
  /** The item's name (a node's hostname); null if the item no longer exists. */
  fromName: z.string().nullable(),
  toKind: ConfigItemKind,
  toId: Id,
  toName: z.string().nullable(),
  description: z.string(),
  createdAt: Timestamp,
})
export type DependencyView = z.infer<typeof DependencyView>
/** Edges touching one item (either end) when `itemId` is given, else all edges, oldest first. */
export const DependencyListQuery = z.object({
  itemKind: ConfigItemKind.optional(),
  itemId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
})
export const DependencyList = z.object({ items: z.array(DependencyView) })

/** One entry of the affected-items picker; `detail` is what a human needs to tell two apart. */
export const ConfigItemRef = z.object({ kind: ConfigItemKind, id: Id })
export type ConfigItemRef = z.infer<typeof ConfigItemRef>
export const ConfigItemOption = ConfigItemRef.extend({
  name: z.string(),
  detail: z.string(),
  nodeCount: z.number().int(),
})
export type ConfigItemOption = z.infer<typeof ConfigItemOption>
export const ConfigItemSearchQuery = z.object({
  q: text(100).default(''),
  kind: ConfigItemKind.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})
export const ConfigItemSearchResult = z.object({ items: z.array(ConfigItemOption), total: z.number().int() })
export const ConfigItemResolveBody = z.object({ items: z.array(ConfigItemRef).max(5_000) })
export const ConfigItemResolveResult = z.object({ items: z.array(ConfigItemOption) })
export const ServiceList = z.object({ items: z.array(ServiceView) })
export const ClusterList = z.object({ items: z.array(ClusterView) })
