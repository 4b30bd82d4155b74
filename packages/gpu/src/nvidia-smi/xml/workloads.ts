// MIG mode, MIG devices and processes from `nvidia-smi -q -x`. Empty lists are printed as
// `<processes />`, `<processes></processes>`, "None" or "N/A"; each reads as no entries.
import { type Reading, readFlag, readNumber, readText } from '../../common/readings'
import type { GpuProcess, MigDevice } from '../../model'
import { child, children, text, textAt, type XmlElement } from './tree'

export function readMigMode(gpu: XmlElement): Reading<boolean> {
  return readFlag(textAt(gpu, 'mig_mode', 'current_mig'))
}

export function readMigDevices(gpu: XmlElement, where: string, warnings: string[]): MigDevice[] {
  return children(child(gpu, 'mig_devices'), 'mig_device').map((device, position) => {
    const index = readNumber(text(device, 'index'))
    if (!index.known) warnings.push(`${where}/mig_devices/mig_device[${position}]: no index, using its position`)
    return {
      index: index.known ? index.value : position,
      gpuInstanceId: readNumber(text(device, 'gpu_instance_id')),
      computeInstanceId: readNumber(text(device, 'compute_instance_id')),
      memoryTotalMiB: readNumber(textAt(device, 'fb_memory_usage', 'total'), 'MiB'),
    }
  })
}

export function readProcesses(gpu: XmlElement, where: string, warnings: string[]): GpuProcess[] {
  const processes: GpuProcess[] = []
  children(child(gpu, 'processes'), 'process_info').forEach((info, position) => {
    const pid = readNumber(text(info, 'pid'))
    if (!pid.known) {
      warnings.push(`${where}/processes/process_info[${position}]: no pid, entry skipped`)
      return
    }
    processes.push({
      pid: pid.value,
      name: (text(info, 'process_name') ?? '').trim(),
      type: readText(text(info, 'type')),
      usedMemoryMiB: readNumber(text(info, 'used_memory'), 'MiB'),
    })
  })
  return processes
}
