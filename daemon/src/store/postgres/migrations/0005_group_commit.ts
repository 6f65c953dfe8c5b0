/**
 * 0005: commits of a group take the seq counter's row once, not once per commit; and the daemons on the database say
 * how they are (for `agent-tracker db status`).
 */
export const sql = `
-- Applies a group of commits (each: its events, the tasks and agents it left, as JSON texts, the events numbered 0).
-- The counter's row is locked first and written once at the end, so groups run one after another and each sees
-- everything committed before it. Each commit is checked in order against the task versions it was decided on (as
-- the database holds them, or as an earlier commit of the group left them) and against idempotency keys already used;
-- the first that fails is refused, and every later one is skipped (each was decided on a view that held the refused
-- one). The accepted ones are numbered in order and stored with one statement per table. Returns, per commit, its first
-- seq, or null with the reason (the task id or key that moved; 'skipped' for the ones after it).
CREATE OR REPLACE FUNCTION commit_group(commits jsonb, node text)
RETURNS TABLE (first_seq bigint, refusal text) LANGUAGE plpgsql AS $$
-- A bare name is a column (inbox_cursors.node); the parameter is commit_group.node.
#variable_conflict use_column
DECLARE
  next_seq bigint;
  versions jsonb;
  used jsonb;
  accepted jsonb := '[]';
  c jsonb;
  commit_no integer := 0;
  failed text;
  expected record;
  written text;
  idem_key text;
BEGIN
  SELECT seq INTO next_seq FROM seq_counter FOR UPDATE;
  SELECT coalesce(jsonb_object_agg(t.id, t.version), '{}') INTO versions FROM tasks t
    WHERE t.id IN (SELECT jsonb_object_keys(x.value->'expect') FROM jsonb_array_elements(commits) AS x);
  SELECT coalesce(jsonb_object_agg(r.key, true), '{}') INTO used FROM idempotency_records r
    WHERE r.key IN (SELECT (x.value->>'idempotency')::json->>'key' FROM jsonb_array_elements(commits) AS x
                    WHERE jsonb_typeof(x.value->'idempotency') = 'string');
  FOR c IN SELECT value FROM jsonb_array_elements(commits) LOOP
    commit_no := commit_no + 1;
    IF failed IS NOT NULL THEN
      first_seq := NULL; refusal := 'skipped'; RETURN NEXT; CONTINUE;
    END IF;
    FOR expected IN SELECT key, value FROM jsonb_each(c->'expect') LOOP
      IF coalesce(versions->expected.key, 'null'::jsonb) <> expected.value THEN
        failed := expected.key;
        EXIT;
      END IF;
    END LOOP;
    idem_key := CASE WHEN jsonb_typeof(c->'idempotency') = 'string' THEN (c->>'idempotency')::json->>'key' END;
    IF failed IS NULL AND idem_key IS NOT NULL AND used ? idem_key THEN
      failed := 'idempotency key ' || idem_key;
    END IF;
    IF failed IS NOT NULL THEN
      first_seq := NULL; refusal := failed; RETURN NEXT; CONTINUE;
    END IF;
    FOR written IN SELECT jsonb_array_elements_text(c->'tasks') LOOP
      versions := versions || jsonb_build_object(written::json->>'id', (written::json->>'version')::integer);
    END LOOP;
    FOR written IN SELECT jsonb_array_elements_text(c->'deleted') LOOP
      versions := versions || jsonb_build_object(written, null);
    END LOOP;
    IF idem_key IS NOT NULL THEN used := used || jsonb_build_object(idem_key, true); END IF;
    accepted := accepted || jsonb_build_array(jsonb_build_object('ordinal', commit_no, 'base', next_seq, 'c', c));
    first_seq := next_seq + 1; refusal := NULL; RETURN NEXT;
    next_seq := next_seq + jsonb_array_length(c->'events');
  END LOOP;
  IF jsonb_array_length(accepted) = 0 THEN
    RETURN;
  END IF;

  -- Each event text starts with {"seq":0, (see pgStore.ts): its number goes in there, the rest stays as written.
  INSERT INTO events (seq, task_id, event)
    SELECT (a.value->>'base')::bigint + e.ordinality, e.value::json->>'taskId',
           regexp_replace(e.value, '^[{]"seq":0,', '{"seq":' || ((a.value->>'base')::bigint + e.ordinality) || ',')::json
    FROM jsonb_array_elements(accepted) AS a, jsonb_array_elements_text(a.value->'c'->'events') WITH ORDINALITY AS e(value, ordinality);

  -- A task several commits of the group wrote (or removed) ends as the last one left it.
  WITH touched AS (
    SELECT t.value::json->>'id' AS id, (a.value->>'ordinal')::integer AS ordinal, (a.value->>'base')::bigint AS base,
           t.value::json AS task
      FROM jsonb_array_elements(accepted) AS a, jsonb_array_elements_text(a.value->'c'->'tasks') AS t(value)
    UNION ALL
    SELECT d.value, (a.value->>'ordinal')::integer, (a.value->>'base')::bigint, NULL
      FROM jsonb_array_elements(accepted) AS a, jsonb_array_elements_text(a.value->'c'->'deleted') AS d(value)
  ), last AS (
    SELECT DISTINCT ON (touched.id) touched.id, touched.base, touched.task FROM touched ORDER BY touched.id, touched.ordinal DESC
  ), removed AS (
    DELETE FROM tasks WHERE id IN (SELECT id FROM last WHERE task IS NULL)
  )
  INSERT INTO tasks (id, version, created_seq, task)
    SELECT id, (task->>'version')::integer, base + 1, task FROM last WHERE task IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, task = excluded.task;

  INSERT INTO agents (id, agent)
    SELECT DISTINCT ON (x.id) x.id, x.agent FROM (
      SELECT g.value::json->>'id' AS id, g.value::json AS agent, (a.value->>'ordinal')::integer AS ordinal, g.ordinality
        FROM jsonb_array_elements(accepted) AS a, jsonb_array_elements_text(a.value->'c'->'agents') WITH ORDINALITY AS g(value, ordinality)
    ) AS x ORDER BY x.id, x.ordinal DESC, x.ordinality DESC
    ON CONFLICT (id) DO UPDATE SET agent = excluded.agent;

  INSERT INTO idempotency_records (key, at, record)
    SELECT (a.value->'c'->>'idempotency')::json->>'key', ((a.value->'c'->>'idempotency')::json->>'at')::timestamptz,
           (a.value->'c'->>'idempotency')::json
      FROM jsonb_array_elements(accepted) AS a WHERE jsonb_typeof(a.value->'c'->'idempotency') = 'string';

  INSERT INTO inbox_cursors (node, file, cursor)
    SELECT DISTINCT ON (x.file) commit_group.node, x.file, x.cursor FROM (
      SELECT (a.value->'c'->>'inbox')::json->>'file' AS file, (a.value->'c'->>'inbox')::json AS cursor, (a.value->>'ordinal')::integer AS ordinal
        FROM jsonb_array_elements(accepted) AS a WHERE jsonb_typeof(a.value->'c'->'inbox') = 'string'
    ) AS x ORDER BY x.file, x.ordinal DESC
    ON CONFLICT (node, file) DO UPDATE SET cursor = excluded.cursor;

  UPDATE seq_counter SET seq = next_seq;
  PERFORM pg_notify('agent_tracker_events', next_seq::text);
END;
$$;

-- Every daemon on the database, as it last said (every few seconds): where it runs, whether it leads, the seq its view
-- holds. \`agent-tracker db status\` reads it; rows of daemons gone quiet stay until a day has passed.
CREATE TABLE daemons (
  node text PRIMARY KEY,
  host text NOT NULL,
  home text NOT NULL,
  pid integer NOT NULL,
  version text NOT NULL,
  started_at timestamptz NOT NULL,
  seen_at timestamptz NOT NULL,
  seq bigint NOT NULL,
  leader boolean NOT NULL
);
`;
