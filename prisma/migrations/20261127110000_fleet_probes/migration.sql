-- CreateEnum
CREATE TYPE "FleetProbeStatus" AS ENUM ('ok', 'error', 'timeout');

-- CreateEnum
CREATE TYPE "FleetVerdict" AS ENUM ('pass', 'fail', 'inconclusive');

-- CreateEnum
CREATE TYPE "FleetDriftField" AS ENUM ('driver', 'firmware', 'cuda', 'gpu_count');

-- CreateEnum
CREATE TYPE "FleetDriftStatus" AS ENUM ('open', 'accepted', 'resolved');

-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "sim_state_dir" TEXT,
ADD COLUMN     "ssh_host_key_sha256" TEXT,
ADD COLUMN     "ssh_key_ref" TEXT,
ADD COLUMN     "ssh_port" INTEGER,
ADD COLUMN     "ssh_user" TEXT;

-- CreateTable
CREATE TABLE "fleet_probes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "node_id" UUID NOT NULL,
    "job_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "status" "FleetProbeStatus" NOT NULL,
    "verdict" "FleetVerdict" NOT NULL,
    "transport" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    "driver_version" TEXT,
    "cuda_version" TEXT,
    "gpus_seen" INTEGER,
    "reasons" TEXT[],
    "detail" JSONB NOT NULL,
    "raw_gzip" BYTEA,

CONSTRAINT "fleet_probes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fleet_node_states" (
    "node_id" UUID NOT NULL,
    "health" "FleetVerdict" NOT NULL,
    "health_reasons" TEXT[],
    "driver_version" TEXT,
    "cuda_version" TEXT,
    "firmware" TEXT,
    "gpus_seen" INTEGER,
    "last_probe_id" UUID NOT NULL,
    "last_probed_at" TIMESTAMPTZ(3) NOT NULL,
    "open_drift" INTEGER NOT NULL DEFAULT 0,

CONSTRAINT "fleet_node_states_pkey" PRIMARY KEY ("node_id")
);

-- CreateTable
CREATE TABLE "fleet_drift" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "node_id" UUID NOT NULL,
    "field" "FleetDriftField" NOT NULL,
    "expected" TEXT,
    "expected_change_id" UUID,
    "expected_change_number" TEXT,
    "observed" TEXT,
    "detected_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_probe_id" UUID NOT NULL,
    "status" "FleetDriftStatus" NOT NULL DEFAULT 'open',
    "note" TEXT NOT NULL DEFAULT '',
    "reviewed_by_id" UUID,
    "reviewed_by_name" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,

CONSTRAINT "fleet_drift_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "fleet_probes_job_id_key" ON "fleet_probes"("job_id");

-- CreateIndex
CREATE INDEX "fleet_probes_node_id_started_at_id_idx" ON "fleet_probes"("node_id", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "fleet_node_states_health_idx" ON "fleet_node_states"("health");

-- CreateIndex
CREATE INDEX "fleet_node_states_driver_version_idx" ON "fleet_node_states"("driver_version");

-- CreateIndex
CREATE INDEX "fleet_node_states_cuda_version_idx" ON "fleet_node_states"("cuda_version");

-- CreateIndex
CREATE INDEX "fleet_node_states_last_probed_at_idx" ON "fleet_node_states"("last_probed_at");

-- CreateIndex
CREATE INDEX "fleet_drift_status_detected_at_id_idx" ON "fleet_drift"("status", "detected_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "fleet_drift_node_id_field_status_idx" ON "fleet_drift"("node_id", "field", "status");

-- AddForeignKey
ALTER TABLE "fleet_probes" ADD CONSTRAINT "fleet_probes_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet_node_states" ADD CONSTRAINT "fleet_node_states_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet_drift" ADD CONSTRAINT "fleet_drift_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written
-- At most one open drift record per node and field: a second detection updates it (ON CONFLICT), never duplicates.
CREATE UNIQUE INDEX "fleet_drift_one_open_per_node_field" ON "fleet_drift"("node_id", "field") WHERE "status" = 'open';
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_ssh_port_range" CHECK ("ssh_port" IS NULL OR "ssh_port" BETWEEN 1 AND 65535);
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_ssh_key_ref_shape" CHECK ("ssh_key_ref" IS NULL OR "ssh_key_ref" ~ '^(file:/.+|env:[A-Za-z_][A-Za-z0-9_]*)$');
ALTER TABLE "fleet_node_states" ADD CONSTRAINT "fleet_node_states_open_drift_nonnegative" CHECK ("open_drift" >= 0);
