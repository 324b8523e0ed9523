-- FerretDB v1 on PostgreSQL pushes an equality filter down as `(_jsonb -> 'field') @> '<value>'`,
-- but indexes each field with a btree on `(_jsonb -> 'field')`, which cannot serve `@>`: every
-- lookup is a sequential scan. This event trigger gives each field FerretDB indexes a companion
-- GIN index (jsonb_path_ops) on the same expression as FerretDB creates its own, so the planner
-- can use a bitmap index scan. Idempotent: scripts/servers.sh runs it on every start.
CREATE OR REPLACE FUNCTION herald_gin_companions() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  created record;
  definition text;
  target regclass;
  schema text;
  field text;
  companion text;
BEGIN
  FOR created IN
    SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX'
  LOOP
    SELECT pg_get_indexdef(i.indexrelid), i.indrelid::regclass, n.nspname
      INTO definition, target, schema
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indexrelid = created.objid;
    -- Its own GIN indexes fire this trigger too.
    CONTINUE WHEN definition IS NULL OR definition ~* 'USING gin';
    FOR field IN
      SELECT m[1] FROM regexp_matches(definition, '_jsonb -> ''((?:[^'']|'''')+)''', 'g') AS m
    LOOP
      field := replace(field, '''''', '''');
      companion := 'herald_gin_' || md5(target::text || '/' || field);
      CONTINUE WHEN to_regclass(format('%I.%I', schema, companion)) IS NOT NULL;
      EXECUTE format('CREATE INDEX %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)',
        companion, target, field);
    END LOOP;
  END LOOP;
END
$$;

DROP EVENT TRIGGER IF EXISTS herald_gin_companions;
CREATE EVENT TRIGGER herald_gin_companions ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION herald_gin_companions();
