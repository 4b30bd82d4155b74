-- Standard change templates (issue 3 part 4) and break-fix emergency changes (part 5).

-- CreateEnum
CREATE TYPE "ChangeTemplateStatus" AS ENUM ('proposed', 'approved', 'retired');

-- AlterTable
ALTER TABLE "approval_policies" ADD COLUMN     "retroactive_within_minutes" INTEGER NOT NULL DEFAULT 1440;

-- CreateTable
CREATE TABLE "change_templates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "status" "ChangeTemplateStatus" NOT NULL DEFAULT 'proposed',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "change_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_template_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "template_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "category" "ChangeCategory" NOT NULL,
    "subcategory" TEXT,
    "implementation_plan" TEXT NOT NULL,
    "rollback_plan" TEXT NOT NULL,
    "risk_level" "RiskLevel" NOT NULL,
    "allowed_kinds" "ConfigItemKind"[],
    "max_items" INTEGER NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "proposed_by_id" UUID NOT NULL,
    "proposed_at" TIMESTAMPTZ(3) NOT NULL,
    "approved_by_id" UUID,
    "approved_at" TIMESTAMPTZ(3),

    CONSTRAINT "change_template_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_template_uses" (
    "change_id" UUID NOT NULL,
    "template_id" UUID NOT NULL,
    "template_version" INTEGER NOT NULL,

    CONSTRAINT "change_template_uses_pkey" PRIMARY KEY ("change_id")
);

-- CreateTable
CREATE TABLE "emergency_break_fixes" (
    "change_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "approved_at" TIMESTAMPTZ(3),
    "rejected_at" TIMESTAMPTZ(3),
    "escalated_at" TIMESTAMPTZ(3),

    CONSTRAINT "emergency_break_fixes_pkey" PRIMARY KEY ("change_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "change_templates_name_key" ON "change_templates"("name");

-- CreateIndex
CREATE UNIQUE INDEX "change_template_versions_template_id_version_key" ON "change_template_versions"("template_id", "version");

-- CreateIndex
CREATE INDEX "change_template_uses_template_id_idx" ON "change_template_uses"("template_id");

-- CreateIndex
CREATE INDEX "emergency_break_fixes_due_at_idx" ON "emergency_break_fixes"("due_at");

-- AddForeignKey
ALTER TABLE "change_template_versions" ADD CONSTRAINT "change_template_versions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "change_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_template_uses" ADD CONSTRAINT "change_template_uses_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_template_uses" ADD CONSTRAINT "change_template_uses_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "change_templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emergency_break_fixes" ADD CONSTRAINT "emergency_break_fixes_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written
ALTER TABLE "change_template_versions" ADD CONSTRAINT "change_template_versions_max_items_check" CHECK ("max_items" BETWEEN 1 AND 5000);
ALTER TABLE "change_template_versions" ADD CONSTRAINT "change_template_versions_duration_check" CHECK ("duration_minutes" BETWEEN 1 AND 10080);
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_retroactive_within_minutes_check" CHECK ("retroactive_within_minutes" BETWEEN 1 AND 43200);
