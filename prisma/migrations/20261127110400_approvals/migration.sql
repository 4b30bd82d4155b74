-- Approvals (issue 3 parts 1-3): policies with ordered stages, per-change stages and decisions,
-- and stored notifications. Written by hand in Prisma's own form: `migrate dev --create-only`
-- aborts in this environment's Wasm engine before writing (see docs/approvals.md).

-- CreateEnum
CREATE TYPE "ApprovalQuorum" AS ENUM ('any', 'all', 'count', 'percent');

-- CreateEnum
CREATE TYPE "ApprovalExpiryAction" AS ENUM ('escalate', 'reject');

-- CreateEnum
CREATE TYPE "ApprovalStageStatus" AS ENUM ('pending', 'open', 'approved', 'rejected', 'withdrawn');

-- CreateEnum
CREATE TYPE "ApprovalDecisionKind" AS ENUM ('approve', 'reject', 'request_info');

-- AlterTable
ALTER TABLE "change_requests" ADD COLUMN     "approval_round" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "approvals_complete" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "approval_policies" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priority" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "conditions" JSONB NOT NULL,
    "break_fix_allowed" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approval_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_policy_stages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "policy_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "group_kinds" "GroupKind"[],
    "quorum" "ApprovalQuorum" NOT NULL,
    "quorum_value" INTEGER,
    "due_minutes" INTEGER NOT NULL,
    "expiry_action" "ApprovalExpiryAction" NOT NULL,

    CONSTRAINT "approval_policy_stages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_stages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "change_id" UUID NOT NULL,
    "round" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "policy_id" UUID,
    "policy_name" TEXT NOT NULL,
    "group_kinds" "GroupKind"[],
    "quorum" "ApprovalQuorum" NOT NULL,
    "quorum_value" INTEGER,
    "required" INTEGER,
    "eligible_user_ids" UUID[],
    "due_minutes" INTEGER NOT NULL,
    "expiry_action" "ApprovalExpiryAction" NOT NULL,
    "status" "ApprovalStageStatus" NOT NULL,
    "opened_at" TIMESTAMPTZ(3),
    "due_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "info_requested_at" TIMESTAMPTZ(3),
    "escalated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_stages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_decisions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "stage_id" UUID NOT NULL,
    "change_id" UUID NOT NULL,
    "round" INTEGER NOT NULL,
    "user_id" UUID NOT NULL,
    "decision" "ApprovalDecisionKind" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "change_id" UUID,
    "recipient_role" "Role",
    "recipient_user_id" UUID,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "dedupe_key" TEXT NOT NULL,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "approval_policies_name_key" ON "approval_policies"("name");

-- CreateIndex
CREATE INDEX "approval_policies_priority_idx" ON "approval_policies"("priority");

-- CreateIndex
CREATE UNIQUE INDEX "approval_policy_stages_policy_id_position_key" ON "approval_policy_stages"("policy_id", "position");

-- CreateIndex
CREATE INDEX "approval_stages_status_due_at_idx" ON "approval_stages"("status", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "approval_stages_change_id_round_position_key" ON "approval_stages"("change_id", "round", "position");

-- CreateIndex
CREATE INDEX "approval_decisions_stage_id_created_at_idx" ON "approval_decisions"("stage_id", "created_at");

-- CreateIndex
CREATE INDEX "approval_decisions_change_id_round_idx" ON "approval_decisions"("change_id", "round");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications"("dedupe_key");

-- CreateIndex
CREATE INDEX "notifications_recipient_role_created_at_idx" ON "notifications"("recipient_role", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "approval_policy_stages" ADD CONSTRAINT "approval_policy_stages_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "approval_policies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_stages" ADD CONSTRAINT "approval_stages_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_stages" ADD CONSTRAINT "approval_stages_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "approval_policies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_stage_id_fkey" FOREIGN KEY ("stage_id") REFERENCES "approval_stages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: what the Prisma schema cannot express.
-- Segregation of duties, enforced by the database as well as the service: a person's approve or
-- reject counts once per stage, and for at most one stage of a change's approval round.
CREATE UNIQUE INDEX "approval_decisions_one_per_stage" ON "approval_decisions"("stage_id", "user_id")
  WHERE "decision" <> 'request_info';
CREATE UNIQUE INDEX "approval_decisions_one_stage_per_round" ON "approval_decisions"("change_id", "round", "user_id")
  WHERE "decision" <> 'request_info';
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_version_check" CHECK ("version" >= 1);
ALTER TABLE "approval_policy_stages" ADD CONSTRAINT "approval_policy_stages_position_check" CHECK ("position" >= 1);
ALTER TABLE "approval_policy_stages" ADD CONSTRAINT "approval_policy_stages_due_check" CHECK ("due_minutes" >= 1);
ALTER TABLE "approval_policy_stages" ADD CONSTRAINT "approval_policy_stages_groups_check"
  CHECK (cardinality("group_kinds") >= 1);
ALTER TABLE "approval_policy_stages" ADD CONSTRAINT "approval_policy_stages_quorum_check" CHECK (
  ("quorum" IN ('any', 'all') AND "quorum_value" IS NULL)
  OR ("quorum" = 'count' AND "quorum_value" >= 1)
  OR ("quorum" = 'percent' AND "quorum_value" BETWEEN 1 AND 100));
ALTER TABLE "approval_stages" ADD CONSTRAINT "approval_stages_open_check"
  CHECK ("status" = 'pending' OR ("opened_at" IS NOT NULL AND "due_at" IS NOT NULL AND "required" IS NOT NULL) OR "status" = 'withdrawn');
-- The due-time sweep reads open stages by due time only.
CREATE INDEX "approval_stages_open_due_idx" ON "approval_stages"("due_at") WHERE "status" = 'open';
