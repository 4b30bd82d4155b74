// Which GPUs count as NVIDIA datacenter GPUs, the only ones where forward compatibility (cuda-compat) is
// supported. Read from the product name nvidia-smi prints; anything not recognised is "unknown", never datacenter.

export type GpuClass = 'datacenter' | 'workstation' | 'consumer' | 'unknown'

/** GeForce and TITAN boards: consumer, whatever their size. */
const CONSUMER = /\b(geforce|titan)\b/i

/** Quadro, RTX A-series and RTX Ada/Blackwell workstation boards (RTX A6000, RTX 4000 SFF Ada, RTX PRO 6000). */
const WORKSTATION = /\bquadro\b|\brtx\s+(a\d{3,4}|\d{4}\b|pro\b)/i

/**
 * Datacenter products by model: Kepler to Blackwell Tesla-class boards, including GH200/GB200 superchips and
 * the China-market variants. "Tesla" alone also marks the older datacenter names (Tesla T4, Tesla V100).
 */
const DATACENTER =
  /\btesla\b|\b(k80|m40|m60|p4|p40|p100|v100|t4|a2|a10|a10g|a16|a30|a40|a100|a800|h20|h100|h800|h200|gh200|b100|b200|b300|gb200|gb300|l4|l20|l40|l40s)\b/i

/** "RTX PRO 6000 Blackwell Server Edition" is a datacenter board despite the RTX name. */
const SERVER_EDITION_RTX = /\brtx\s+pro\s+\d{4}\b.*\bserver edition\b/i

export function classifyGpu(productName: string): GpuClass {
  const name = productName.trim()
  if (name === '') return 'unknown'
  if (CONSUMER.test(name)) return 'consumer'
  if (SERVER_EDITION_RTX.test(name)) return 'datacenter'
  if (WORKSTATION.test(name)) return 'workstation'
  if (DATACENTER.test(name)) return 'datacenter'
  return 'unknown'
}

export function isDatacenterGpu(productName: string): boolean {
  return classifyGpu(productName) === 'datacenter'
}
