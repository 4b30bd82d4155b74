-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('open', 'completed');

-- CreateEnum
CREATE TYPE "ActionItemStatus" AS ENUM ('open', 'done');

-- CreateEnum
CREATE TYPE "ReviewReminderKind" AS ENUM ('review_overdue', 'action_item_overdue');

-- CreateTable
CREATE TABLE "change_reviews" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "change_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "ReviewStatus" NOT NULL DEFAULT 'open',
    "reviewer_id" UUID,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "outcome" "CloseCode",
    "success_criteria_met" BOOLEAN,
    "timeline" TEXT NOT NULL DEFAULT '',
    "root_cause" TEXT NOT NULL DEFAULT '',
    "lessons_learned" TEXT NOT NULL DEFAULT '',
    "incidents_caused" INTEGER NOT NULL DEFAULT 0,
    "incident_refs" TEXT[],
    "completed_at" TIMESTAMPTZ(3),
    "completed_by_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_action_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "review_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "owner_id" UUID,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "ActionItemStatus" NOT NULL DEFAULT 'open',
    "done_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "review_action_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_reminders" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "ReviewReminderKind" NOT NULL,
    "subject_id" UUID NOT NULL,
    "change_id" UUID NOT NULL,
    "recipient_id" UUID,
    "day" DATE NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_reminders_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "change_reviews_change_id_key" ON "change_reviews"("change_id");

-- CreateIndex
CREATE INDEX "change_reviews_status_due_at_idx" ON "change_reviews"("status", "due_at");

-- CreateIndex
CREATE INDEX "review_action_items_review_id_created_at_idx" ON "review_action_items"("review_id", "created_at");

-- CreateIndex
CREATE INDEX "review_action_items_status_due_at_idx" ON "review_action_items"("status", "due_at");

-- CreateIndex
CREATE INDEX "review_reminders_created_at_idx" ON "review_reminders"("created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "review_reminders_kind_subject_id_day_key" ON "review_reminders"("kind", "subject_id", "day");

-- AddForeignKey
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_completed_by_id_fkey" FOREIGN KEY ("completed_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_action_items" ADD CONSTRAINT "review_action_items_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "change_reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_action_items" ADD CONSTRAINT "review_action_items_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: what the Prisma schema cannot express.
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_incidents_caused_check" CHECK ("incidents_caused" >= 0);
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_version_check" CHECK ("version" >= 1);
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_completed_check"
  CHECK (("status" = 'completed') = ("completed_at" IS NOT NULL));
ALTER TABLE "change_reviews" ADD CONSTRAINT "change_reviews_reason_check"
  CHECK ("reason" IN ('emergency', 'break_fix', 'failed', 'rolled_back', 'sampled', 'requested', 'required'));
ALTER TABLE "review_action_items" ADD CONSTRAINT "review_action_items_version_check" CHECK ("version" >= 1);
ALTER TABLE "review_action_items" ADD CONSTRAINT "review_action_items_done_check"
  CHECK (("status" = 'done') = ("done_at" IS NOT NULL));
