-- Hand-written: a GiST index on the booked period alone. For a change over many items in a short
-- interval the planner reads the few bookings of that interval and joins them to the items; the
-- (item_id, period) index cannot serve a scan by its second column efficiently.
CREATE INDEX "schedule_bookings_period_gist" ON "schedule_bookings" USING gist ("period") WHERE "active";
