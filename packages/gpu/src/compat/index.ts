// Driver/CUDA compatibility as data: NVIDIA's minimum driver per CUDA release, minor-version and forward
// compatibility, and the check that refuses a driver target its clusters' CUDA releases cannot run on.
export * from './check'
export * from './cuda-drivers'
export * from './gpu-class'
export * from './versions'
