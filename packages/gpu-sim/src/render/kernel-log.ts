// Kernel log lines the simulated node writes: the driver loading at boot, and what the faults make the
// kernel say, in the NVRM shapes of the captured logs (packages/gpu/test/fixtures/extra/kernel-xid).
import { kernelPciAddress } from '../hardware/identity'
import type { GpuModelSpec } from '../hardware/models'
import type { KernelLogLine, SimGpu } from '../state/types'

const KERNEL = '5.15.0-105-generic'

/** The lines every boot starts with; the open kernel module is what Hopper and Ada boards load since R560. */
export function bootLines(driver: string, gpus: readonly SimGpu[]): KernelLogLine[] {
  const lines: KernelLogLine[] = [
    {
      uptime: 0,
      text: `Linux version ${KERNEL} (buildd@lcy02-amd64-012) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #115-Ubuntu SMP`,
    },
    { uptime: 4.812345, text: 'nvidia: loading out-of-tree module taints kernel.' },
    { uptime: 4.835791, text: 'nvidia-nvlink: Nvlink Core is being initialized, major device number 234' },
  ]
  for (const gpu of gpus) {
    lines.push({
      uptime: 4.9 + gpu.slot * 0.012,
      text: `nvidia ${gpu.pciBusId.slice(4).toLowerCase()}: enabling device (0000 -> 0002)`,
    })
  }
  lines.push({
    uptime: 5.102934,
    text: `NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  ${driver}  Release Build  (dvs-builder@U22-I3-B10-02-5)`,
  })
  return lines
}

/** A GPU falling off the bus: the GPU banner lines, Xid 79, and the driver's own "fallen off the bus" line. */
export function xid79Lines(model: GpuModelSpec, gpu: SimGpu, uptime: number): KernelLogLine[] {
  const pci = kernelPciAddress(model, gpu.slot)
  return [
    { uptime, text: `NVRM: GPU at PCI:${pci}: ${gpu.uuid}` },
    { uptime: uptime + 0.000005, text: `NVRM: GPU Board Serial Number: ${gpu.serial}` },
    {
      uptime: uptime + 0.000009,
      text: `NVRM: Xid (PCI:${pci}): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.`,
    },
    { uptime: uptime + 0.000088, text: `NVRM: GPU ${pci}.0: GPU has fallen off the bus.` },
  ]
}

/** A GPU that does not initialise after a reboot: no Xid, only the adapter failing to come up. */
export function missingGpuLines(model: GpuModelSpec, gpu: SimGpu, uptime: number): KernelLogLine[] {
  const device = `${kernelPciAddress(model, gpu.slot)}.0`
  return [
    { uptime, text: `NVRM: GPU ${device}: RmInitAdapter failed! (0x24:0x72:1568)` },
    { uptime: uptime + 0.00026, text: `NVRM: GPU ${device}: rm_init_adapter failed, device minor number ${gpu.slot}` },
  ]
}

/** The double-bit error the kernel logs with uncorrectable ECC errors (Xid 48, as in the gpu-operator log). */
export function dbeLines(model: GpuModelSpec, gpu: SimGpu, uptime: number): KernelLogLine[] {
  const pci = kernelPciAddress(model, gpu.slot)
  return [
    {
      uptime,
      text:
        `NVRM: Xid (PCI:${pci}): 48, pid='<unknown>', name=<unknown>, An uncorrectable double bit error (DBE) ` +
        'has been detected on GPU in the framebuffer at physAddr 0x7fffa8860 partition 7, subpartition 1.',
    },
  ]
}

/** `dmesg` without options: `[ seconds.micros] text`, seconds right-aligned in five columns. */
export function renderDmesg(lines: readonly KernelLogLine[]): string {
  return lines
    .map((line) => {
      const [whole = '0', fraction = '0'] = line.uptime.toFixed(6).split('.')
      return `[${whole.padStart(5)}.${fraction}] ${line.text}\n`
    })
    .join('')
}
