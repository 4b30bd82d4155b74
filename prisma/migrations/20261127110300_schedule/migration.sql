-- CreateEnum
CREATE TYPE "ScheduleRuleKind" AS ENUM ('freeze', 'window');

-- CreateEnum
CREATE TYPE "ScheduleScope" AS ENUM ('global', 'services', 'clusters', 'nodes', 'categories');

-- CreateEnum
CREATE TYPE "ScheduleConflictKind" AS ENUM ('same_item', 'related_item', 'freeze', 'outside_window', 'implementer_busy');

-- CreateTable
CREATE TABLE "schedule_rules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "ScheduleRuleKind" NOT NULL,
    "name" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "start" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "rrule" TEXT,
    "exceptions" TEXT[],
    "scope" "ScheduleScope" NOT NULL,
    "categories" "ChangeCategory"[],
    "override_roles" "Role"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schedule_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule_rule_items" (
    "rule_id" UUID NOT NULL,
    "kind" "ConfigItemKind" NOT NULL,
    "item_id" UUID NOT NULL,

    CONSTRAINT "schedule_rule_items_pkey" PRIMARY KEY ("rule_id","kind","item_id")
);

-- CreateTable
CREATE TABLE "schedule_occurrences" (
    "rule_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "period" tstzrange GENERATED ALWAYS AS (tstzrange("starts_at", "ends_at", '[)')) STORED,

    CONSTRAINT "schedule_occurrences_pkey" PRIMARY KEY ("rule_id","starts_at")
);

-- CreateTable
CREATE TABLE "change_schedules" (
    "change_id" UUID NOT NULL,
    "period" tstzrange,
    "implementer_id" UUID,
    "active" BOOLEAN NOT NULL,
    "compatible" BOOLEAN NOT NULL DEFAULT false,
    "on_hold" BOOLEAN NOT NULL DEFAULT false,
    "hold_reason" TEXT,
    "freeze_override" TEXT,
    "evaluated_at" TIMESTAMPTZ(3),

    CONSTRAINT "change_schedules_pkey" PRIMARY KEY ("change_id")
);

-- CreateTable
CREATE TABLE "schedule_bookings" (
    "change_id" UUID NOT NULL,
    "kind" "ConfigItemKind" NOT NULL,
    "item_id" UUID NOT NULL,
    "period" tstzrange,
    "active" BOOLEAN NOT NULL,

    CONSTRAINT "schedule_bookings_pkey" PRIMARY KEY ("change_id","kind","item_id")
);

-- CreateTable
CREATE TABLE "schedule_conflicts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "change_id" UUID NOT NULL,
    "kind" "ScheduleConflictKind" NOT NULL,
    "blocking" BOOLEAN NOT NULL,
    "other_change_id" UUID,
    "rule_id" UUID,
    "item_count" INTEGER NOT NULL,
    "items" JSONB NOT NULL,
    "overlap_start" TIMESTAMPTZ(3) NOT NULL,
    "overlap_end" TIMESTAMPTZ(3) NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schedule_conflicts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calendar_feed_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "calendar_feed_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "schedule_rules_kind_active_idx" ON "schedule_rules"("kind", "active");

-- CreateIndex
CREATE INDEX "schedule_rule_items_item_id_idx" ON "schedule_rule_items"("item_id");

-- CreateIndex
CREATE INDEX "schedule_conflicts_change_id_idx" ON "schedule_conflicts"("change_id");

-- CreateIndex
CREATE INDEX "schedule_conflicts_other_change_id_idx" ON "schedule_conflicts"("other_change_id");

-- CreateIndex
CREATE INDEX "schedule_conflicts_rule_id_idx" ON "schedule_conflicts"("rule_id");

-- CreateIndex
CREATE UNIQUE INDEX "calendar_feed_tokens_user_id_key" ON "calendar_feed_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "calendar_feed_tokens_token_hash_key" ON "calendar_feed_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "schedule_rule_items" ADD CONSTRAINT "schedule_rule_items_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "schedule_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_occurrences" ADD CONSTRAINT "schedule_occurrences_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "schedule_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_schedules" ADD CONSTRAINT "change_schedules_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_bookings" ADD CONSTRAINT "schedule_bookings_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_conflicts" ADD CONSTRAINT "schedule_conflicts_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_conflicts" ADD CONSTRAINT "schedule_conflicts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "schedule_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calendar_feed_tokens" ADD CONSTRAINT "calendar_feed_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written ---------------------------------------------------------------------------------
-- schedule_occurrences.period is generated above (Prisma knows it only as an unsupported column).
-- The GiST indexes answer the overlap questions; btree_gist lets item_id share an index with a range.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE "schedule_occurrences" ADD CONSTRAINT "schedule_occurrences_ends_after_start" CHECK ("ends_at" > "starts_at");
ALTER TABLE "schedule_rules" ADD CONSTRAINT "schedule_rules_duration" CHECK ("duration_minutes" BETWEEN 1 AND 527040);
CREATE INDEX "schedule_occurrences_period_gist" ON "schedule_occurrences" USING gist ("period");
CREATE INDEX "change_schedules_period_gist" ON "change_schedules" USING gist ("period") WHERE "active";
CREATE INDEX "change_schedules_implementer_gist" ON "change_schedules" USING gist ("implementer_id", "period")
  WHERE "active" AND "implementer_id" IS NOT NULL;
CREATE INDEX "schedule_bookings_item_period_gist" ON "schedule_bookings" USING gist ("item_id", "period") WHERE "active";

-- A change holds its slot from assessment to implementation; drafts and finished changes do not.
CREATE FUNCTION schedule_holds_slot(state "ChangeState") RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT state IN ('assess', 'authorize', 'scheduled', 'implement') $$;

-- change_schedules and schedule_bookings mirror change_requests and change_items. Triggers keep
-- them in step in the writing transaction, so no code path (API, seed, import, benchmark) can forget.
CREATE FUNCTION schedule_change_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_schedules (change_id, period, implementer_id, active)
  SELECT id, tstzrange(planned_start, planned_end, '[)'), implementer_id, schedule_holds_slot(state) FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER change_requests_schedule_inserted AFTER INSERT ON change_requests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_change_inserted();

CREATE FUNCTION schedule_change_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_schedules cs
     SET period = tstzrange(n.planned_start, n.planned_end, '[)'),
         implementer_id = n.implementer_id,
         active = schedule_holds_slot(n.state)
    FROM new_rows n
   WHERE cs.change_id = n.id
     AND (cs.period IS DISTINCT FROM tstzrange(n.planned_start, n.planned_end, '[)')
       OR cs.implementer_id IS DISTINCT FROM n.implementer_id
       OR cs.active IS DISTINCT FROM schedule_holds_slot(n.state));
  UPDATE schedule_bookings b
     SET period = tstzrange(n.planned_start, n.planned_end, '[)'), active = schedule_holds_slot(n.state)
    FROM new_rows n
   WHERE b.change_id = n.id
     AND (b.period IS DISTINCT FROM tstzrange(n.planned_start, n.planned_end, '[)')
       OR b.active IS DISTINCT FROM schedule_holds_slot(n.state));
  RETURN NULL;
END $$;
CREATE TRIGGER change_requests_schedule_updated AFTER UPDATE ON change_requests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_change_updated();

CREATE FUNCTION schedule_items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO schedule_bookings (change_id, kind, item_id, period, active)
  SELECT n.change_id, n.kind, n.item_id, cs.period, cs.active
    FROM new_rows n JOIN change_schedules cs ON cs.change_id = n.change_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER change_items_schedule_inserted AFTER INSERT ON change_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_items_inserted();

CREATE FUNCTION schedule_items_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM schedule_bookings b USING old_rows o
   WHERE b.change_id = o.change_id AND b.kind = o.kind AND b.item_id = o.item_id;
  RETURN NULL;
END $$;
CREATE TRIGGER change_items_schedule_deleted AFTER DELETE ON change_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_items_deleted();

-- Changes that exist before this migration get their rows too.
INSERT INTO change_schedules (change_id, period, implementer_id, active)
SELECT id, tstzrange(planned_start, planned_end, '[)'), implementer_id, schedule_holds_slot(state) FROM change_requests;
INSERT INTO schedule_bookings (change_id, kind, item_id, period, active)
SELECT ci.change_id, ci.kind, ci.item_id, cs.period, cs.active
  FROM change_items ci JOIN change_schedules cs ON cs.change_id = ci.change_id;
