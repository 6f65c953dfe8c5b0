/**
 * 0007: an entry of commit_group is a unit of commits (Store.joinCommits), which may carry several idempotency records
 * and inbox cursors: `idempotency` and `inbox` are lists of JSON texts. An entry from a daemon of the previous version
 * (one JSON text, or null) is read as a list of one or none, so that daemons of both versions share a database during a
 * rolling upgrade. The rest of commit_group is 0006's.
 */
export const sql = `
-- The records of one kind an entry carries, as a list (this version) or one text (the previous one), in their order.
CREATE FUNCTION commit_records(records jsonb)
RETURNS TABLE (record json, ordinality bigint) LANGUAGE sql IMMUTABLE AS $$
  SELECT e.value::json, e.ordinality
    FROM jsonb_array_elements_text(CASE jsonb_typeof(records) WHEN 'array' THEN records WHEN 'string' THEN jsonb_build_array(records)
                                   ELSE '[]'::jsonb END) WITH ORDINALITY AS e(value, ordinality)
$$;

CREATE OR REPLACE FUNCTION commit_group(commits jsonb, node text)
RETURNS TABLE (first_seq bigint, refusal text) LANGUAGE plpgsql AS $$
-- A bare name is a column (inbox_cursors.node); the parameter is commit_group.node.
#variable_conflict use_column
DECLARE
  next_seq bigint;
  failed_no bigint;
  failed text;
  -- The accepted commits' places in the group and their seq bases.
  accepted_no integer[];
  accepted_base bigint[];
BEGIN
  SELECT seq INTO next_seq FROM seq_counter FOR UPDATE;

  SELECT f.n, f.reason INTO failed_no, failed FROM (
    SELECT first.n, first.task_id AS reason FROM (
      SELECT DISTINCT ON (e.key) x.n, e.key AS task_id, e.value AS expected
        FROM jsonb_array_elements(commits) WITH ORDINALITY AS x(value, n), jsonb_each(x.value->'expect') AS e
        ORDER BY e.key, x.n
    ) AS first LEFT JOIN tasks t ON t.id = first.task_id
    WHERE coalesce(to_jsonb(t.version), 'null'::jsonb) <> first.expected
    UNION ALL
    SELECT x.n, 'idempotency key ' || r.key
      FROM jsonb_array_elements(commits) WITH ORDINALITY AS x(value, n), commit_records(x.value->'idempotency') AS i,
           idempotency_records r
      WHERE r.key = i.record->>'key'
  ) AS f ORDER BY f.n LIMIT 1;

  SELECT coalesce(array_agg(a.n::integer ORDER BY a.n), '{}'), coalesce(array_agg(a.base ORDER BY a.n), '{}')
    INTO accepted_no, accepted_base
    FROM (
      SELECT x.n, next_seq + coalesce(sum(jsonb_array_length(x.value->'events'))
               OVER (ORDER BY x.n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base
        FROM jsonb_array_elements(commits) WITH ORDINALITY AS x(value, n)
        WHERE failed_no IS NULL OR x.n < failed_no
    ) AS a;

  RETURN QUERY
    SELECT b.base + 1, CASE WHEN x.n = failed_no THEN failed WHEN x.n > failed_no THEN 'skipped' END
      FROM jsonb_array_elements(commits) WITH ORDINALITY AS x(value, n)
      LEFT JOIN unnest(accepted_no, accepted_base) AS b(place, base) ON b.place = x.n
      ORDER BY x.n;
  IF cardinality(accepted_no) = 0 THEN
    RETURN;
  END IF;
  next_seq := next_seq + (SELECT coalesce(sum(jsonb_array_length(a.c->'events')), 0) FROM accepted_commits(commits, accepted_no, accepted_base) AS a);

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
    SELECT i.record->>'key', (i.record->>'at')::timestamptz, i.record
      FROM accepted_commits(commits, accepted_no, accepted_base) AS a, commit_records(a.c->'idempotency') AS i;

  INSERT INTO inbox_cursors (node, file, cursor)
    SELECT DISTINCT ON (x.file) commit_group.node, x.file, x.cursor FROM (
      SELECT i.record->>'file' AS file, i.record AS cursor, a.ordinal AS ordinal, i.ordinality
        FROM accepted_commits(commits, accepted_no, accepted_base) AS a, commit_records(a.c->'inbox') AS i
    ) AS x ORDER BY x.file, x.ordinal DESC, x.ordinality DESC
    ON CONFLICT (node, file) DO UPDATE SET cursor = excluded.cursor;

  UPDATE seq_counter SET seq = next_seq;
  PERFORM pg_notify('agent_tracker_events', next_seq::text);
END;
$$;
`;
