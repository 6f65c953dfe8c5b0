/**
 * 0005: commits of a group take the seq counter's row once, not once per commit; and the daemons on the database say
 * how they are (for `agent-tracker db status`).
 */
export const sql = `
-- The commits of a group at the given places (1-based), with their seq bases: the ones commit_group accepted.
CREATE FUNCTION accepted_commits(commits jsonb, places integer[], bases bigint[])
RETURNS TABLE (c jsonb, base bigint, ordinal integer) LANGUAGE sql STABLE AS $$
  SELECT x.value, u.base, u.place::integer
    FROM unnest(places, bases) AS u(place, base)
    JOIN jsonb_array_elements(commits) WITH ORDINALITY AS x(value, place) ON x.place = u.place
$$;

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
  -- The accepted commits' places in the group and their seq bases (arrays of numbers: cheap to grow).
  accepted_no integer[] := '{}';
  accepted_base bigint[] := '{}';
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
    accepted_no := accepted_no || commit_no;
    accepted_base := accepted_base || next_seq;
    first_seq := next_seq + 1; refusal := NULL; RETURN NEXT;
    next_seq := next_seq + jsonb_array_length(c->'events');
  END LOOP;
  IF cardinality(accepted_no) = 0 THEN
    RETURN;
  END IF;

  -- Each event text starts with {"seq":0, (see pgStore.ts): its number goes in there, the rest stays as written.
  INSERT INTO events (seq, task_id, event)
    SELECT a.base + e.ordinality, e.value::json->>'taskId',
           regexp_replace(e.value, '^[{]"seq":0,', '{"seq":' || (a.base + e.ordinality) || ',')::json
    FROM accepted_commits(commits, accepted_no, accepted_base) AS a, jsonb_array_elements_text(a.c->'events') WITH ORDINALITY AS e(value, ordinality);

  -- A task several commits of the group wrote (or removed) ends as the last one left it.
  WITH touched AS (
    SELECT t.value::json->>'id' AS id, a.ordinal AS ordinal, a.base AS base,
           t.value::json AS task
      FROM accepted_commits(commits, accepted_no, accepted_base) AS a, jsonb_array_elements_text(a.c->'tasks') AS t(value)
    UNION ALL
    SELECT d.value, a.ordinal, a.base, NULL
      FROM accepted_commits(commits, accepted_no, accepted_base) AS a, jsonb_array_elements_text(a.c->'deleted') AS d(value)
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
      SELECT g.value::json->>'id' AS id, g.value::json AS agent, a.ordinal AS ordinal, g.ordinality
        FROM accepted_commits(commits, accepted_no, accepted_base) AS a, jsonb_array_elements_text(a.c->'agents') WITH ORDINALITY AS g(value, ordinality)
    ) AS x ORDER BY x.id, x.ordinal DESC, x.ordinality DESC
    ON CONFLICT (id) DO UPDATE SET agent = excluded.agent;

  INSERT INTO idempotency_records (key, at, record)
    SELECT (a.c->>'idempotency')::json->>'key', ((a.c->>'idempotency')::json->>'at')::timestamptz,
           (a.c->>'idempotency')::json
      FROM accepted_commits(commits, accepted_no, accepted_base) AS a WHERE jsonb_typeof(a.c->'idempotency') = 'string';

  INSERT INTO inbox_cursors (node, file, cursor)
    SELECT DISTINCT ON (x.file) commit_group.node, x.file, x.cursor FROM (
      SELECT (a.c->>'inbox')::json->>'file' AS file, (a.c->>'inbox')::json AS cursor, a.ordinal AS ordinal
        FROM accepted_commits(commits, accepted_no, accepted_base) AS a WHERE jsonb_typeof(a.c->'inbox') = 'string'
    ) AS x ORDER BY x.file, x.ordinal DESC
    ON CONFLICT (node, file) DO UPDATE SET cursor = excluded.cursor;

  UPDATE seq_counter SET seq = next_seq;
  PERFORM pg_notify('agent_tracker_events', next_seq::text);
END;
$$;

-- A joining daemon reads the tasks in creation order.
CREATE INDEX tasks_by_creation ON tasks (created_seq, id);

-- Every daemon on the database, as it last said (every few seconds): where it runs, whether it leads, the seq its view
-- holds. \`agent-tracker db status\` reads it; a daemon that stops removes its row, one that dies leaves it to go stale.
CREATE TABLE daemons (
  node text PRIMARY KEY,
  host text NOT NULL,
  home text NOT NULL,
  pid integer NOT NULL,
  version text NOT NULL,
  started_at timestamptz NOT NULL,
  seen_at timestamptz NOT NULL,
  seq bigint NOT NULL,
  -- Events the registry held beyond this daemon's view when it said so.
  lag bigint NOT NULL,
  -- While it leads: the database's process id of its session holding the leader lock (pg_locks names it).
  lock_pid integer
);
`;
