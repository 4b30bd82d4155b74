-- CreateIndex
CREATE INDEX "audit_events_actor_id_seq_idx" ON "audit_events"("actor_id", "seq");

-- CreateIndex
CREATE INDEX "audit_events_action_seq_idx" ON "audit_events"("action", "seq");

-- Hand-written
-- The application connects as cabinet_app, never as the owner: it may read and write what it needs,
-- but it holds no UPDATE, DELETE or TRUNCATE on audit_events at all. The append-only trigger (init
-- migration) stays as the second wall, for the owner. Roles are cluster-wide and several databases
-- (test clones, parallel runs) may migrate at once: create the role only if absent, and treat
-- losing the race to another migration as success. It has no password here: the demo and test
-- clusters trust 127.0.0.1; in production set one (ALTER ROLE cabinet_app PASSWORD ...).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cabinet_app') THEN
    BEGIN
      CREATE ROLE cabinet_app LOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      RAISE NOTICE 'cabinet_app was created by a concurrent migration';
    END;
  END IF;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO cabinet_app', current_database());
END $$;

GRANT USAGE ON SCHEMA public TO cabinet_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO cabinet_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO cabinet_app;
-- Tables and sequences later migrations create (run by the owner) get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cabinet_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO cabinet_app;

-- The first wall: the application cannot change or remove an audit row, whatever its code does.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM cabinet_app;
-- Migrations are the owner's business.
REVOKE ALL ON _prisma_migrations FROM cabinet_app;
