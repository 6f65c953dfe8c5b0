/**
 * commit_group again, with the one change it needs: its inbox cursor upsert named the conflict target by its columns,
 * and `node` is also the function's parameter, so PostgreSQL refused every commit that carried an inbox cursor as
 * ambiguous (the inbox retried its file forever). The primary key is named instead.
 */
export const sql = `
CREATE OR REPLACE FUNCTION commit_group(commits jsonb, node text)
RETURNS TABLE (first_seq bigint, refusal text) LANGUAGE plpgsql AS $$
DECLARE
  c jsonb;
  base bigint;
  n integer;
  expected record;
  current_version integer;
  failed boolean := false;
BEGIN
  FOR c IN SELECT value FROM jsonb_array_elements(commits) LOOP
    IF failed THEN
      first_seq := NULL; refusal := 'skipped'; RETURN NEXT; CONTINUE;
    END IF;
    BEGIN
      n := jsonb_array_length(c->'events');
      UPDATE seq_counter SET seq = seq + n RETURNING seq - n INTO base;
      FOR expected IN SELECT key, value FROM jsonb_each(c->'expect') LOOP
        SELECT version INTO current_version FROM tasks WHERE id = expected.key;
        IF (jsonb_typeof(expected.value) = 'null' AND current_version IS NOT NULL)
           OR (jsonb_typeof(expected.value) <> 'null' AND current_version IS DISTINCT FROM (expected.value)::integer) THEN
          RAISE EXCEPTION USING ERRCODE = 'AT409', MESSAGE = expected.key;
        END IF;
      END LOOP;
      -- Each event text starts with {"seq":0, (see pgStore.ts): its number goes in there, the rest stays as written.
      INSERT INTO events (seq, task_id, event)
        SELECT base + e.ordinality, e.value::json->>'taskId',
               regexp_replace(e.value, '^[{]"seq":0,', '{"seq":' || (base + e.ordinality) || ',')::json
        FROM jsonb_array_elements_text(c->'events') WITH ORDINALITY AS e(value, ordinality);
      INSERT INTO tasks (id, version, created_seq, task)
        SELECT t.value::json->>'id', (t.value::json->>'version')::integer, base + 1, t.value::json
        FROM jsonb_array_elements_text(c->'tasks') AS t(value)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, task = excluded.task;
      DELETE FROM tasks WHERE id IN (SELECT jsonb_array_elements_text(c->'deleted'));
      INSERT INTO agents (id, agent)
        SELECT a.value::json->>'id', a.value::json FROM jsonb_array_elements_text(c->'agents') AS a(value)
        ON CONFLICT (id) DO UPDATE SET agent = excluded.agent;
      IF jsonb_typeof(c->'idempotency') = 'string' THEN
        INSERT INTO idempotency_records (key, at, record)
          VALUES ((c->>'idempotency')::json->>'key', ((c->>'idempotency')::json->>'at')::timestamptz, (c->>'idempotency')::json)
          ON CONFLICT (key) DO NOTHING;
        IF NOT FOUND THEN
          RAISE EXCEPTION USING ERRCODE = 'AT409', MESSAGE = 'idempotency key ' || ((c->>'idempotency')::json->>'key');
        END IF;
      END IF;
      IF jsonb_typeof(c->'inbox') = 'string' THEN
        INSERT INTO inbox_cursors (node, file, cursor) VALUES (node, (c->>'inbox')::json->>'file', (c->>'inbox')::json)
          ON CONFLICT ON CONSTRAINT inbox_cursors_pkey DO UPDATE SET cursor = excluded.cursor;
      END IF;
      first_seq := base + 1; refusal := NULL; RETURN NEXT;
    EXCEPTION WHEN SQLSTATE 'AT409' THEN
      failed := true;
      first_seq := NULL; refusal := SQLERRM; RETURN NEXT;
    END;
  END LOOP;
  PERFORM pg_notify('agent_tracker_events', (SELECT seq::text FROM seq_counter));
END;
$$;
`;
