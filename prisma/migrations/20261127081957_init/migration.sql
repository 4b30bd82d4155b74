-- CreateEnum
CREATE TYPE "Role" AS ENUM ('requester', 'cab_member', 'change_manager', 'implementer', 'auditor', 'admin');

-- CreateEnum
CREATE TYPE "GroupKind" AS ENUM ('technical', 'business', 'security', 'financial', 'executive', 'ecab', 'gpu_platform');

-- CreateEnum
CREATE TYPE "ChangeType" AS ENUM ('standard', 'normal', 'emergency');

-- CreateEnum
CREATE TYPE "ChangeState" AS ENUM ('new', 'assess', 'authorize', 'scheduled', 'implement', 'review', 'closed', 'canceled');

-- CreateEnum
CREATE TYPE "ChangeCategory" AS ENUM ('infrastructure', 'software', 'configuration', 'model', 'security');

-- CreateEnum
CREATE TYPE "RiskLevel" AS ENUM ('low', 'moderate', 'high', 'critical');

-- CreateEnum
CREATE TYPE "CloseCode" AS ENUM ('successful', 'successful_with_issues', 'failed', 'rolled_back');

-- CreateEnum
CREATE TYPE "ConfigItemKind" AS ENUM ('service', 'cluster', 'node');

-- CreateEnum
CREATE TYPE "GpuModel" AS ENUM ('A100', 'H100', 'H200', 'B200', 'L40S', 'other');

-- CreateEnum
CREATE TYPE "NodeTransport" AS ENUM ('local', 'ssh', 'simulated');

-- CreateEnum
CREATE TYPE "NodeScheduler" AS ENUM ('none', 'slurm', 'kubernetes');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "roles" "Role"[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "groups" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "kind" "GroupKind" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_memberships" (
    "group_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "group_memberships_pkey" PRIMARY KEY ("group_id","user_id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reauthenticated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "services" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "criticality" INTEGER NOT NULL,
    "user_count" INTEGER NOT NULL,
    "owner_group_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "services_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT '',
    "cuda_versions" TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_clusters" (
    "service_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,

    CONSTRAINT "service_clusters_pkey" PRIMARY KEY ("service_id","cluster_id")
);

-- CreateTable
CREATE TABLE "nodes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hostname" TEXT NOT NULL,
    "cluster_id" UUID NOT NULL,
    "gpu_model" "GpuModel" NOT NULL,
    "gpu_count" INTEGER NOT NULL,
    "driver_version" TEXT,
    "cuda_version" TEXT,
    "firmware_version" TEXT,
    "transport" "NodeTransport" NOT NULL DEFAULT 'simulated',
    "scheduler" "NodeScheduler" NOT NULL DEFAULT 'none',
    "address" TEXT,
    "last_probe_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dependencies" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "from_kind" "ConfigItemKind" NOT NULL,
    "from_id" UUID NOT NULL,
    "to_kind" "ConfigItemKind" NOT NULL,
    "to_id" UUID NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dependencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" TEXT NOT NULL,
    "type" "ChangeType" NOT NULL,
    "category" "ChangeCategory" NOT NULL,
    "subcategory" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "justification" TEXT NOT NULL,
    "planned_start" TIMESTAMPTZ(3) NOT NULL,
    "planned_end" TIMESTAMPTZ(3) NOT NULL,
    "requester_id" UUID NOT NULL,
    "implementer_id" UUID,
    "implementation_plan" TEXT NOT NULL,
    "test_evidence" TEXT NOT NULL DEFAULT '',
    "rollback_plan" TEXT NOT NULL,
    "risk_questionnaire" JSONB NOT NULL,
    "target_driver_version" TEXT,
    "state" "ChangeState" NOT NULL DEFAULT 'new',
    "risk_level" "RiskLevel" NOT NULL,
    "risk_score" INTEGER NOT NULL,
    "close_code" "CloseCode",
    "close_notes" TEXT,
    "cancel_reason" TEXT,
    "review_required" BOOLEAN NOT NULL DEFAULT false,
    "review_completed" BOOLEAN NOT NULL DEFAULT false,
    "break_fix_allowed" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),
    "implemented_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "change_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_items" (
    "change_id" UUID NOT NULL,
    "kind" "ConfigItemKind" NOT NULL,
    "item_id" UUID NOT NULL,

    CONSTRAINT "change_items_pkey" PRIMARY KEY ("change_id","kind","item_id")
);

-- CreateTable
CREATE TABLE "risk_assessments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "change_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "probability" INTEGER NOT NULL,
    "impact" INTEGER NOT NULL,
    "score" INTEGER NOT NULL,
    "level" "RiskLevel" NOT NULL,
    "computed_level" "RiskLevel" NOT NULL,
    "reasons" JSONB NOT NULL,
    "inputs" JSONB NOT NULL,
    "override_level" "RiskLevel",
    "override_reason" TEXT,
    "override_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "risk_assessments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor_id" UUID,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "change_id" UUID,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "bench_pings" (
    "id" BIGSERIAL NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bench_pings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "groups_name_key" ON "groups"("name");

-- CreateIndex
CREATE INDEX "group_memberships_user_id_idx" ON "group_memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "services_name_key" ON "services"("name");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_name_key" ON "clusters"("name");

-- CreateIndex
CREATE INDEX "service_clusters_cluster_id_idx" ON "service_clusters"("cluster_id");

-- CreateIndex
CREATE UNIQUE INDEX "nodes_hostname_key" ON "nodes"("hostname");

-- CreateIndex
CREATE INDEX "nodes_cluster_id_hostname_idx" ON "nodes"("cluster_id", "hostname");

-- CreateIndex
CREATE INDEX "dependencies_to_kind_to_id_idx" ON "dependencies"("to_kind", "to_id");

-- CreateIndex
CREATE UNIQUE INDEX "dependencies_from_kind_from_id_to_kind_to_id_key" ON "dependencies"("from_kind", "from_id", "to_kind", "to_id");

-- CreateIndex
CREATE UNIQUE INDEX "change_requests_number_key" ON "change_requests"("number");

-- CreateIndex
CREATE INDEX "change_requests_created_at_id_idx" ON "change_requests"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "change_requests_state_created_at_idx" ON "change_requests"("state", "created_at" DESC);

-- CreateIndex
CREATE INDEX "change_requests_requester_id_created_at_idx" ON "change_requests"("requester_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "change_requests_planned_start_idx" ON "change_requests"("planned_start");

-- CreateIndex
CREATE INDEX "change_items_kind_item_id_idx" ON "change_items"("kind", "item_id");

-- CreateIndex
CREATE UNIQUE INDEX "risk_assessments_change_id_revision_key" ON "risk_assessments"("change_id", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_id_key" ON "audit_events"("id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit_events"("hash");

-- CreateIndex
CREATE INDEX "audit_events_change_id_seq_idx" ON "audit_events"("change_id", "seq");

-- CreateIndex
CREATE INDEX "audit_events_entity_type_entity_id_seq_idx" ON "audit_events"("entity_type", "entity_id", "seq");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- AddForeignKey
ALTER TABLE "group_memberships" ADD CONSTRAINT "group_memberships_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_memberships" ADD CONSTRAINT "group_memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "services" ADD CONSTRAINT "services_owner_group_id_fkey" FOREIGN KEY ("owner_group_id") REFERENCES "groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_clusters" ADD CONSTRAINT "service_clusters_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_clusters" ADD CONSTRAINT "service_clusters_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_implementer_id_fkey" FOREIGN KEY ("implementer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_items" ADD CONSTRAINT "change_items_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "risk_assessments" ADD CONSTRAINT "risk_assessments_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: what the Prisma schema cannot express.

-- Change numbers (CHG0000001) come from a sequence: gap-tolerant, never reused, no lock on a counter row.
CREATE SEQUENCE "change_number_seq" START WITH 1 INCREMENT BY 1 NO CYCLE;

-- Subcategory values contain '-', which Prisma enums cannot hold; the domain's list is enforced here.
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_subcategory_check" CHECK (
  "subcategory" IS NULL OR "subcategory" IN (
    'gpu-driver', 'cuda', 'gpu-firmware', 'framework', 'os-kernel', 'network', 'storage',
    'scheduler', 'coolant-maintenance', 'model-deployment', 'access-control', 'other'
  )
);
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_planned_window_check" CHECK ("planned_end" > "planned_start");
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_version_check" CHECK ("version" >= 1);
ALTER TABLE "services" ADD CONSTRAINT "services_criticality_check" CHECK ("criticality" BETWEEN 1 AND 5);
ALTER TABLE "services" ADD CONSTRAINT "services_user_count_check" CHECK ("user_count" >= 0);
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_gpu_count_check" CHECK ("gpu_count" >= 0);

-- The audit trail is append-only for everyone, the table owner included: an auditor must be able
-- to trust that no row was changed or removed after it was written.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
