-- CAB meetings (issue 3 part 6): meetings, attendees, frozen agenda items, votes recorded in the meeting.

-- CreateEnum
CREATE TYPE "CabMeetingStatus" AS ENUM ('scheduled', 'in_progress', 'closed');

-- CreateEnum
CREATE TYPE "CabMeetingVoteOutcome" AS ENUM ('recorded', 'refused');

-- CreateTable
CREATE TABLE "cab_meetings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "horizon_end" TIMESTAMPTZ(3) NOT NULL,
    "status" "CabMeetingStatus" NOT NULL DEFAULT 'scheduled',
    "created_by_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cab_meetings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cab_meeting_attendees" (
    "meeting_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "present" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "cab_meeting_attendees_pkey" PRIMARY KEY ("meeting_id","user_id")
);

-- CreateTable
CREATE TABLE "cab_meeting_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "meeting_id" UUID NOT NULL,
    "change_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "risk_level" "RiskLevel" NOT NULL,
    "planned_start" TIMESTAMPTZ(3) NOT NULL,
    "actions" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "cab_meeting_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cab_meeting_votes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "meeting_id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "decision" "ApprovalDecisionKind" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "outcome" "CabMeetingVoteOutcome" NOT NULL,
    "stage_name" TEXT,
    "refusal_code" TEXT,
    "refusal" TEXT,
    "recorded_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cab_meeting_votes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cab_meetings_starts_at_idx" ON "cab_meetings"("starts_at");

-- CreateIndex
CREATE INDEX "cab_meeting_attendees_user_id_idx" ON "cab_meeting_attendees"("user_id");

-- CreateIndex
CREATE INDEX "cab_meeting_items_change_id_idx" ON "cab_meeting_items"("change_id");

-- CreateIndex
CREATE UNIQUE INDEX "cab_meeting_items_meeting_id_change_id_key" ON "cab_meeting_items"("meeting_id", "change_id");

-- CreateIndex
CREATE INDEX "cab_meeting_votes_item_id_idx" ON "cab_meeting_votes"("item_id");

-- CreateIndex
CREATE INDEX "cab_meeting_votes_user_id_idx" ON "cab_meeting_votes"("user_id");

-- AddForeignKey
ALTER TABLE "cab_meetings" ADD CONSTRAINT "cab_meetings_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_attendees" ADD CONSTRAINT "cab_meeting_attendees_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "cab_meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_attendees" ADD CONSTRAINT "cab_meeting_attendees_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_items" ADD CONSTRAINT "cab_meeting_items_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "cab_meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_items" ADD CONSTRAINT "cab_meeting_items_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_votes" ADD CONSTRAINT "cab_meeting_votes_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "cab_meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_votes" ADD CONSTRAINT "cab_meeting_votes_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "cab_meeting_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cab_meeting_votes" ADD CONSTRAINT "cab_meeting_votes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written
ALTER TABLE "cab_meetings" ADD CONSTRAINT "cab_meetings_ends_after_start" CHECK ("ends_at" > "starts_at");
ALTER TABLE "cab_meetings" ADD CONSTRAINT "cab_meetings_horizon_after_start" CHECK ("horizon_end" > "starts_at");
