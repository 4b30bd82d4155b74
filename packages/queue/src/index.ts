export { createJobProducer, type EnqueueOptions, type JobProducer, jobId } from './producer'
