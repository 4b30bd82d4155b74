-- Hand-written: schedule_find_conflicts (20261127120300_schedule_perf) for a change over a few items.
-- With its one generic plan the function hashed every active window's items (1,500 rows in the
-- benchmark) even for a check of one node, a few milliseconds more than the statement it replaced
-- took with its planning. Now the windows' items are found for the change's own targets (items and
-- what contains or serves them): for up to 20 items by an index probe per target, above that by one
-- hash join. Rows returned are unchanged; only window_items and the rel_targets before it differ.
CREATE OR REPLACE FUNCTION schedule_find_conflicts(
  p_kinds "ConfigItemKind"[], p_ids uuid[], p_start timestamptz, p_end timestamptz,
  p_category "ChangeCategory", p_implementer uuid, p_self uuid)
RETURNS TABLE (source text, key text, relation text, items text[], overlap_start timestamptz,
               overlap_end timestamptz, compatible boolean, committed boolean)
LANGUAGE plpgsql STABLE
-- One cached generic plan per connection: no planning per call (it was 7 to 11 ms of each check).
-- The plan is made without the arrays' sizes, so it may not pick merge joins that need sorted
-- thousands of rows where a hash join reads them once.
SET plan_cache_mode = force_generic_plan
SET enable_mergejoin = off
AS $fn$
#variable_conflict use_column
DECLARE
  span tstzrange := tstzrange(p_start, p_end, '[)');
  -- A change over a few items probes the (item_id, period) index per item; a larger one reads the
  -- bookings of its interval once and hashes them against its related items.
  few boolean := cardinality(p_ids) <= 20;
BEGIN
  RETURN QUERY
  -- The change's items with their 'kind:id' keys, then each with what it is bound to, as
  -- relatedItemsSql in conflict-engine.ts: itself ('self'), what contains or serves it ('up'), what
  -- it contains ('down').
  WITH items AS MATERIALIZED (
    SELECT DISTINCT i.kind, i.item_id, i.kind::text || ':' || i.item_id::text AS src_key
      FROM unnest(p_kinds, p_ids) AS i(kind, item_id)
  ),
  node_cluster AS MATERIALIZED (
    SELECT i.src_key, n.cluster_id FROM items i JOIN nodes n ON i.kind = 'node' AND n.id = i.item_id
  ),
  rel AS MATERIALIZED (
    SELECT i.src_key, i.kind, i.item_id, 'self' AS dir FROM items i
    UNION ALL
    SELECT nc.src_key, 'cluster'::"ConfigItemKind", nc.cluster_id, 'up' FROM node_cluster nc
    UNION ALL
    SELECT nc.src_key, 'service'::"ConfigItemKind", sc.service_id, 'up'
      FROM node_cluster nc JOIN service_clusters sc ON sc.cluster_id = nc.cluster_id
    UNION ALL
    SELECT i.src_key, 'service'::"ConfigItemKind", sc.service_id, 'up'
      FROM items i JOIN service_clusters sc ON i.kind = 'cluster' AND sc.cluster_id = i.item_id
    UNION ALL
    SELECT i.src_key, 'node'::"ConfigItemKind", n.id, 'down'
      FROM items i JOIN nodes n ON i.kind = 'cluster' AND n.cluster_id = i.item_id
    UNION ALL
    SELECT i.src_key, 'cluster'::"ConfigItemKind", sc.cluster_id, 'down'
      FROM items i JOIN service_clusters sc ON i.kind = 'service' AND sc.service_id = i.item_id
    UNION ALL
    SELECT i.src_key, 'node'::"ConfigItemKind", n.id, 'down'
      FROM items i JOIN service_clusters sc ON i.kind = 'service' AND sc.service_id = i.item_id
      JOIN nodes n ON n.cluster_id = sc.cluster_id
    UNION ALL
    SELECT i.src_key, d.to_kind, d.to_id, 'up'
      FROM items i JOIN dependencies d ON d.from_kind = i.kind AND d.from_id = i.item_id
    UNION ALL
    SELECT i.src_key, d.from_kind, d.from_id, 'down'
      FROM items i JOIN dependencies d ON d.to_kind = i.kind AND d.to_id = i.item_id
  ),
  -- Other changes on the same ('self') or a related item at an overlapping time.
  booked AS MATERIALIZED (
    SELECT b.change_id, b.kind, b.item_id FROM schedule_bookings b
     WHERE b.active AND b.period && span AND b.change_id IS DISTINCT FROM p_self
  ),
  change_hits AS (
    SELECT DISTINCT hits.change_id, CASE WHEN hits.dir = 'self' THEN 'same' ELSE 'related' END AS relation,
           hits.src_key
      FROM (
      SELECT b.change_id, rel.dir, rel.src_key
        FROM rel JOIN booked b ON b.item_id = rel.item_id AND b.kind = rel.kind
       WHERE NOT few
      UNION ALL
      SELECT b.change_id, rel.dir, rel.src_key
        FROM rel CROSS JOIN LATERAL (
          SELECT b.change_id FROM schedule_bookings b
           WHERE b.item_id = rel.item_id AND b.kind = rel.kind AND b.active AND b.period && span
             AND b.change_id IS DISTINCT FROM p_self
          OFFSET 0 -- keeps it a per-item index probe
        ) b
       WHERE few
    ) hits
  ),
  -- Freezes with an occurrence overlapping the interval that cover an item, its container or contents.
  frozen AS MATERIALIZED (
    SELECT r.id, r.scope, r.categories,
           min(lower(o.period * span)) AS overlap_start, max(upper(o.period * span)) AS overlap_end
      FROM schedule_occurrences o JOIN schedule_rules r ON r.id = o.rule_id
     WHERE r.kind = 'freeze' AND r.active AND o.period && span
     GROUP BY r.id
  ),
  freeze_hits AS (
    SELECT f.id, i.src_key FROM frozen f CROSS JOIN items i
     WHERE f.scope = 'global' OR (f.scope = 'categories' AND p_category = ANY (f.categories))
    UNION
    SELECT f.id, rel.src_key FROM frozen f
      JOIN schedule_rule_items ri ON ri.rule_id = f.id
      JOIN rel ON rel.kind = ri.kind AND rel.item_id = ri.item_id
  ),
  -- Windows, set-wise: a window constrains the items bound to its targets ('self' or 'up'); an item
  -- lies in a window when an occurrence of one of its windows contains the whole interval.
  rel_targets AS MATERIALIZED (
    SELECT DISTINCT rel.kind, rel.item_id FROM rel WHERE rel.dir <> 'down'
  ),
  -- The active windows' items among them: for a few items an index probe per target, else every
  -- active window's items (1,500 in the benchmark) hashed once.
  window_items AS MATERIALIZED (
    SELECT ri.rule_id, ri.kind, ri.item_id FROM schedule_rule_items ri
      JOIN schedule_rules r ON r.id = ri.rule_id AND r.kind = 'window' AND r.active
      JOIN rel_targets t ON t.kind = ri.kind AND t.item_id = ri.item_id
     WHERE NOT few
    UNION ALL
    SELECT ri.rule_id, ri.kind, ri.item_id FROM rel_targets t
      CROSS JOIN LATERAL (
        SELECT ri.rule_id, ri.kind, ri.item_id FROM schedule_rule_items ri
          JOIN schedule_rules r ON r.id = ri.rule_id AND r.kind = 'window' AND r.active
         WHERE ri.item_id = t.item_id AND ri.kind = t.kind
        OFFSET 0 -- keeps it a per-target index probe
      ) ri
     WHERE few
  ),
  wide_windows AS MATERIALIZED (
    SELECT r.id FROM schedule_rules r
     WHERE r.kind = 'window' AND r.active
       AND (r.scope = 'global' OR (r.scope = 'categories' AND p_category = ANY (r.categories)))
  ),
  fitting AS MATERIALIZED (
    SELECT DISTINCT o.rule_id FROM schedule_occurrences o WHERE o.period @> span
  ),
  covered AS MATERIALIZED (
    SELECT i.src_key FROM items i
     WHERE EXISTS (SELECT 1 FROM wide_windows w JOIN fitting f ON f.rule_id = w.id)
    UNION
    SELECT rel.src_key FROM rel JOIN window_items w ON w.kind = rel.kind AND w.item_id = rel.item_id
      JOIN fitting f ON f.rule_id = w.rule_id
     WHERE rel.dir <> 'down'
  ),
  -- The uncovered items under each window target, aggregated once per target, not per (item, window).
  targets AS MATERIALIZED (
    SELECT rel.kind, rel.item_id, array_agg(DISTINCT rel.src_key) AS keys FROM rel
     WHERE rel.dir <> 'down'
       AND EXISTS (SELECT 1 FROM window_items w WHERE w.kind = rel.kind AND w.item_id = rel.item_id)
       AND NOT EXISTS (SELECT 1 FROM covered c WHERE c.src_key = rel.src_key)
     GROUP BY rel.kind, rel.item_id
  ),
  outside AS MATERIALIZED (
    SELECT w.rule_id, t.keys FROM window_items w JOIN targets t ON t.kind = w.kind AND t.item_id = w.item_id
    UNION ALL
    SELECT w.id, u.keys FROM wide_windows w
      CROSS JOIN (SELECT array_agg(i.src_key) AS keys FROM items i
                   WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.src_key = i.src_key)) u
     WHERE u.keys IS NOT NULL
  ),
  outside_count AS (
    SELECT o.rule_id, count(*) AS n FROM outside o GROUP BY o.rule_id
  )
  SELECT 'change'::text, h.change_id::text, h.relation, array_agg(h.src_key),
         lower(cs.period * span), upper(cs.period * span), cs.compatible, c.state IN ('scheduled', 'implement')
    FROM change_hits h JOIN change_schedules cs ON cs.change_id = h.change_id
    JOIN change_requests c ON c.id = h.change_id
   GROUP BY h.change_id, h.relation, cs.period, cs.compatible, c.state
  UNION ALL
  SELECT 'freeze', h.id::text, 'freeze', array_agg(h.src_key), f.overlap_start, f.overlap_end, NULL, NULL
    FROM freeze_hits h JOIN frozen f ON f.id = h.id
   GROUP BY h.id, f.overlap_start, f.overlap_end
  UNION ALL
  SELECT 'window', o.rule_id::text, 'window', o.keys, p_start, p_end, NULL, NULL
    FROM outside o JOIN outside_count n ON n.rule_id = o.rule_id AND n.n = 1
  UNION ALL
  -- A window reached through several targets: its items merged, each once.
  SELECT 'window', o.rule_id::text, 'window', array_agg(DISTINCT k.key), p_start, p_end, NULL, NULL
    FROM outside o JOIN outside_count n ON n.rule_id = o.rule_id AND n.n > 1
    CROSS JOIN unnest(o.keys) AS k(key)
   GROUP BY o.rule_id
  UNION ALL
  SELECT 'implementer', cs.change_id::text, 'implementer', '{}'::text[],
         lower(cs.period * span), upper(cs.period * span), cs.compatible, NULL
    FROM change_schedules cs
   WHERE p_implementer IS NOT NULL AND cs.active
     AND cs.implementer_id = p_implementer AND cs.period && span
     AND cs.change_id IS DISTINCT FROM p_self;
END $fn$;
