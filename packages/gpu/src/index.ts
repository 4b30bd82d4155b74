// Reads what NVIDIA's tools print (nvidia-smi, DCGM, kernel XID lines) into one normalised model,
// judges GPU health from it, and knows which drivers run which CUDA releases.
export * from './common/parse-error'
export * from './common/readings'
export * from './model'
export * from './compat'
export * from './health'
export * from './dcgm'
export * from './xid'
export * from './nvidia-smi'
export * from './probe-output'
export * from './transport'
