// The GPU boards the simulator can be, with what nvidia-smi and DCGM print about each. Values come from the
// real captures in packages/gpu/test/fixtures (H100, H200 and L40S from nvidia_gpu_exporter, A100 from telegraf);
// the few a capture does not show (absolute temperature thresholds, benchmark figures) are marked below.

export const GPU_MODEL_KEYS = ['H100', 'H200', 'A100', 'L40S'] as const
export type GpuModelKey = (typeof GPU_MODEL_KEYS)[number]

export interface GpuModelSpec {
  key: GpuModelKey
  productName: string
  architecture: string
  /** `pci_device_id` as printed (device id then vendor 10DE); DCGM's "GPU Device IDs" use the first four digits. */
  pciDeviceId: string
  pciSubSystemId: string
  memoryTotalMiB: number
  memoryReservedMiB: number
  bar1MiB: number
  powerLimitW: number
  minPowerLimitW: number
  idlePowerW: number
  vbios: string
  inforom: { image: string; oem: string; ecc: string }
  boardPartNumber: string
  gpuPartNumber: string
  pcieGen: number
  clocksMHz: { idleGraphics: number; maxGraphics: number; memory: number; idleVideo: number; maxVideo: number }
  /** Idle temperature, and headroom below T.Limit at that temperature (drivers 550+ print the headroom). */
  idleTempC: number
  idleTlimitC: number
  /** Absolute thresholds drivers before 550 print (shutdown, slowdown, max operating). A100: telegraf capture. */
  thresholdsC: { shutdown: number; slowdown: number; maxOperating: number }
  /** Whether 550+ drivers print T.Limit headroom for this board instead of absolute thresholds. */
  reportsTlimit: boolean
  migCapable: boolean
  /** Bank remap histogram maximum (`Max : 2560 bank(s)`). */
  remapBanks: number
  computeCapability: string
  /** Sustained BF16 GEMM throughput per GPU for `cabinet-node perf`: a simulator figure, not a measurement. */
  perfTflopsPerGpu: number
  /** Bus numbers of the platform's GPU slots in PCI order; real nodes of one platform share them. */
  busNumbers: readonly string[]
}

/** HGX/DGX baseboards order their eight SXM GPUs by bus number; these are a common HGX H100 layout. */
const HGX_HOPPER_BUSES = ['18', '2A', '3A', '5D', '9A', 'AB', 'BA', 'DB'] as const
/** DGX A100 slot order. */
const DGX_A100_BUSES = ['07', '0F', '47', '4E', '87', '90', 'B7', 'BD'] as const
/** PCIe servers with L40S cards, one card per root port. */
const PCIE_BUSES = ['01', '21', '41', '61', '81', 'A1', 'C1', 'E1'] as const

export const GPU_MODELS: Readonly<Record<GpuModelKey, GpuModelSpec>> = {
  H100: {
    key: 'H100',
    productName: 'NVIDIA H100 80GB HBM3',
    architecture: 'Hopper',
    pciDeviceId: '233010DE',
    pciSubSystemId: '16C110DE',
    memoryTotalMiB: 81559,
    memoryReservedMiB: 479,
    bar1MiB: 131072,
    powerLimitW: 700,
    minPowerLimitW: 200,
    idlePowerW: 69.85,
    vbios: '96.00.A5.00.01',
    inforom: { image: 'G520.0200.00.05', oem: '2.1', ecc: '7.16' },
    boardPartNumber: '692-2G520-0200-000',
    gpuPartNumber: '2330-885-A1',
    pcieGen: 5,
    clocksMHz: { idleGraphics: 345, maxGraphics: 1980, memory: 2619, idleVideo: 765, maxVideo: 1545 },
    idleTempC: 41,
    idleTlimitC: 46,
    thresholdsC: { shutdown: 92, slowdown: 89, maxOperating: 87 },
    reportsTlimit: true,
    migCapable: true,
    remapBanks: 2560,
    computeCapability: '9.0',
    perfTflopsPerGpu: 740,
    busNumbers: HGX_HOPPER_BUSES,
  },
  H200: {
    key: 'H200',
    productName: 'NVIDIA H200',
    architecture: 'Hopper',
    pciDeviceId: '233510DE',
    pciSubSystemId: '18BE10DE',
    memoryTotalMiB: 143771,
    memoryReservedMiB: 551,
    bar1MiB: 262144,
    powerLimitW: 700,
    minPowerLimitW: 200,
    idlePowerW: 77.12,
    vbios: '96.00.A5.00.03',
    inforom: { image: 'G520.0280.02.02', oem: '2.1', ecc: '7.16' },
    boardPartNumber: '695-2G520-0280-001',
    gpuPartNumber: '2335-895-A1',
    pcieGen: 5,
    clocksMHz: { idleGraphics: 345, maxGraphics: 1980, memory: 3201, idleVideo: 765, maxVideo: 1545 },
    idleTempC: 28,
    idleTlimitC: 59,
    thresholdsC: { shutdown: 92, slowdown: 89, maxOperating: 87 },
    reportsTlimit: true,
    migCapable: true,
    remapBanks: 3072,
    computeCapability: '9.0',
    perfTflopsPerGpu: 760,
    busNumbers: HGX_HOPPER_BUSES,
  },
  A100: {
    key: 'A100',
    productName: 'NVIDIA A100-SXM4-80GB',
    architecture: 'Ampere',
    pciDeviceId: '20B210DE',
    pciSubSystemId: '147F10DE',
    memoryTotalMiB: 81920,
    memoryReservedMiB: 869,
    bar1MiB: 131072,
    powerLimitW: 400,
    minPowerLimitW: 100,
    idlePowerW: 67.03,
    vbios: '92.00.36.00.02',
    inforom: { image: 'G506.0212.00.01', oem: '2.0', ecc: '6.16' },
    boardPartNumber: '692-2G506-0212-002',
    gpuPartNumber: '20B2-895-A1',
    pcieGen: 4,
    clocksMHz: { idleGraphics: 210, maxGraphics: 1410, memory: 1593, idleVideo: 585, maxVideo: 1290 },
    idleTempC: 27,
    idleTlimitC: 58,
    thresholdsC: { shutdown: 92, slowdown: 89, maxOperating: 85 },
    reportsTlimit: false,
    migCapable: true,
    remapBanks: 640,
    computeCapability: '8.0',
    perfTflopsPerGpu: 280,
    busNumbers: DGX_A100_BUSES,
  },
  L40S: {
    key: 'L40S',
    productName: 'NVIDIA L40S',
    architecture: 'Ada Lovelace',
    pciDeviceId: '26B910DE',
    pciSubSystemId: '185110DE',
    memoryTotalMiB: 46068,
    memoryReservedMiB: 522,
    bar1MiB: 65536,
    powerLimitW: 350,
    minPowerLimitW: 100,
    idlePowerW: 35.42,
    vbios: '95.02.66.00.02',
    inforom: { image: 'G133.0242.00.03', oem: '2.1', ecc: '6.16' },
    boardPartNumber: '900-2G133-0080-000',
    gpuPartNumber: '26B9-896-A1',
    pcieGen: 4,
    clocksMHz: { idleGraphics: 210, maxGraphics: 2520, memory: 9001, idleVideo: 1185, maxVideo: 1965 },
    idleTempC: 31,
    idleTlimitC: 57,
    thresholdsC: { shutdown: 95, slowdown: 92, maxOperating: 89 },
    reportsTlimit: true,
    migCapable: false,
    remapBanks: 192,
    computeCapability: '8.9',
    perfTflopsPerGpu: 300,
    busNumbers: PCIE_BUSES,
  },
}

export function isGpuModelKey(value: string): value is GpuModelKey {
  return (GPU_MODEL_KEYS as readonly string[]).includes(value)
}

/** Most nodes have 8 GPUs; 16 covers HGX-2-style and dense PCIe chassis. */
export const MAX_GPUS = 16
