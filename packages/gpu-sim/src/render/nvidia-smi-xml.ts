// `nvidia-smi -q -x` for the simulated node: element order and names after the real v12 (535, 570) and v13
// (595) captures in packages/gpu/test/fixtures, with the DTD and each renamed section following the loaded
// driver (hardware/driver.ts). Lost GPUs are absent, and attached_gpus counts only the ones that enumerate.
import type { GpuView, NodeView } from '../state/view'
import { ctime } from './time'
import { el, type XmlNode, when, xmlDocument } from './xml-doc'
import { clockReasons, clocks, DEPRECATED, memoryErrors, mib, NA, power, temperature } from './xml-sections'

const pair = (name: string, current: string, pending: string, prefix: string) =>
  el(name, [el(`current_${prefix}`, current), el(`pending_${prefix}`, pending)])

function identity(view: NodeView, gpu: GpuView): XmlNode[] {
  const { layout, model } = view
  const mig = model.migCapable ? 'Disabled' : NA
  const bus = gpu.pciBusId.split(':')[1] ?? '00'
  return [
    el('product_name', model.productName),
    el('product_brand', 'NVIDIA'),
    el('product_architecture', model.architecture),
    el('display_mode', layout.v13 ? DEPRECATED : 'Disabled'),
    ...when(layout.v13, el('display_attached', 'No')),
    el('display_active', 'Disabled'),
    el('persistence_mode', 'Enabled'),
    el('addressing_mode', 'None'),
    pair('mig_mode', mig, mig, 'mig'),
    el('mig_devices', { block: 'None' }),
    el('accounting_mode', 'Disabled'),
    el('accounting_mode_buffer_size', '4000'),
    pair('driver_model', NA, NA, 'dm'),
    el('serial', gpu.serial),
    el('uuid', gpu.uuid),
    ...when(layout.v13, el('pdi', `0x${gpu.uuid.replace(/[^0-9a-f]/g, '').slice(-16)}`)),
    el('minor_number', String(gpu.slot)),
    el('vbios_version', model.vbios),
    el('multigpu_board', 'No'),
    el('board_id', `0x${(Number.parseInt(bus, 16) << 8).toString(16)}`),
    el('board_part_number', model.boardPartNumber),
    el('gpu_part_number', model.gpuPartNumber),
    el('gpu_fru_part_number', NA),
    ...(layout.platformInfo
      ? [
          el('platformInfo', [
            el('chassis_serial_number', NA),
            el('slot_number', NA),
            el('tray_index', NA),
            el('host_id', NA),
            el('peer_type', NA),
            el('module_id', String(gpu.slot + 1)),
            el('gpu_fabric_guid', NA),
          ]),
        ]
      : [el('gpu_module_id', String(gpu.slot + 1))]),
    el('inforom_version', [
      el('img_version', model.inforom.image),
      el('oem_object', model.inforom.oem),
      el('ecc_object', model.inforom.ecc),
      el('pwr_object', NA),
    ]),
    ...when(layout.platformInfo, el('inforom_bbx_flush', [el('latest_timestamp', NA), el('latest_duration', NA)])),
    pair('gpu_operation_mode', NA, NA, 'gom'),
    ...when(layout.platformInfo, el('c2c_mode', 'Disabled')),
    el('gpu_virtualization_mode', [
      el('virtualization_mode', 'None'),
      el('host_vgpu_mode', NA),
      ...when(layout.platformInfo, el('vgpu_heterogeneous_mode', NA)),
    ]),
    ...resetStatus(view),
    el('gsp_firmware_version', view.driver),
    el('ibmnpu', [el('relaxed_ordering_mode', NA)]),
  ]
}

/** Reset status until 570; 570-579 print both (reset status "deprecated"); v13 prints the recovery action only. */
function resetStatus(view: NodeView): XmlNode[] {
  const { resetStatus: status, recoveryAction } = view.layout
  const value = status === 'deprecated' ? DEPRECATED : 'No'
  return [
    ...when(
      status !== 'absent',
      el('gpu_reset_status', [el('reset_required', value), el('drain_and_reset_recommended', value)]),
    ),
    ...when(recoveryAction, el('gpu_recovery_action', 'None')),
  ]
}

function pci(view: NodeView, gpu: GpuView): XmlNode {
  const { layout, model } = view
  const [, bus = '00'] = gpu.pciBusId.split(':')
  const gen = String(model.pcieGen)
  return el('pci', [
    el('pci_bus', bus),
    el('pci_device', '00'),
    el('pci_domain', '0000'),
    ...when(layout.platformInfo, el('pci_base_class', '3'), el('pci_sub_class', '2')),
    el('pci_device_id', model.pciDeviceId),
    el('pci_bus_id', gpu.pciBusId),
    el('pci_sub_system_id', model.pciSubSystemId),
    el('pci_gpu_link_info', [
      el('pcie_gen', [
        el('max_link_gen', gen),
        el('current_link_gen', gen),
        el('device_current_link_gen', gen),
        el('max_device_link_gen', gen),
        el('max_host_link_gen', gen),
      ]),
      el('link_widths', [el('max_link_width', '16x'), el('current_link_width', '16x')]),
    ]),
    el('pci_bridge_chip', [el('bridge_chip_type', NA), el('bridge_chip_fw', NA)]),
    el('replay_counter', '0'),
    el('replay_rollover_counter', '0'),
    el('tx_util', '0 KB/s'),
    el('rx_util', '0 KB/s'),
    el('atomic_caps_outbound', NA),
    el('atomic_caps_inbound', NA),
  ])
}

function memory(view: NodeView, gpu: GpuView): XmlNode[] {
  const { model, layout } = view
  const free = model.memoryTotalMiB - model.memoryReservedMiB - gpu.memoryUsedMiB
  const utilization = ['gpu_util', 'memory_util', 'encoder_util', 'decoder_util', 'jpeg_util', 'ofa_util']
  const stats = (name: string) =>
    el(name, [el('session_count', '0'), el('average_fps', '0'), el('average_latency', '0')])
  return [
    ...when(layout.platformInfo, el('sparse_operation_mode', NA)),
    el('fb_memory_usage', [
      el('total', mib(model.memoryTotalMiB)),
      el('reserved', mib(model.memoryReservedMiB)),
      el('used', mib(gpu.memoryUsedMiB)),
      el('free', mib(free)),
    ]),
    el('bar1_memory_usage', [el('total', mib(model.bar1MiB)), el('used', mib(1)), el('free', mib(model.bar1MiB - 1))]),
    el('cc_protected_memory_usage', [el('total', mib(0)), el('used', mib(0)), el('free', mib(0))]),
    el('compute_mode', 'Default'),
    el(
      'utilization',
      utilization.map((name) => el(name, '0 %')),
    ),
    stats('encoder_stats'),
    stats('fbc_stats'),
    ...when(layout.platformInfo, pair('dram_encryption_mode', NA, NA, 'dram_encryption')),
  ]
}

function gpuElement(view: NodeView, gpu: GpuView): XmlNode {
  return el(
    'gpu',
    [
      ...identity(view, gpu),
      pci(view, gpu),
      el('fan_speed', NA),
      el('performance_state', 'P0'),
      ...clockReasons(view),
      ...memory(view, gpu),
      ...memoryErrors(view, gpu),
      ...temperature(view, gpu),
      ...power(view, gpu),
      ...clocks(view),
      el('processes', []),
      el('accounted_processes', []),
      ...when(view.layout.platformInfo, el('capabilities', [el('egm', 'disabled')])),
    ],
    { id: gpu.pciBusId },
  )
}

export function renderNvidiaSmiXml(view: NodeView): string {
  const root = el('nvidia_smi_log', [
    el('timestamp', ctime(view.now)),
    el('driver_version', view.driver),
    el('cuda_version', view.cuda),
    el('attached_gpus', String(view.gpus.length)),
    ...view.gpus.map((gpu) => gpuElement(view, gpu)),
  ])
  return xmlDocument(root, view.layout.dtd)
}
