/** 0001: the registry's tables, the seq counter and the commit function. */
export const sql = `
-- One row: the last seq handed out. Every commit updates it first, so commits hold its row lock until they end: they
-- commit one after another in seq order, and a rolled-back commit gives its numbers back (the feed stays gap-free).
CREATE TABLE seq_counter (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL
);
INSERT INTO seq_counter (seq) VALUES (0);

-- Bodies are json, not jsonb: json keeps the text as written, key order included, and the replay law compares
-- replayed tasks with stored ones field by field as JSON text.
CREATE TABLE events (
  seq bigint PRIMARY KEY,
  task_id text,
  event json NOT NULL
);
CREATE INDEX events_by_task ON events (task_id, seq) WHERE task_id IS NOT NULL;

-- Each task as its events left it (the version the commit function checks), in creation order.
CREATE TABLE tasks (
  id text PRIMARY KEY,
  version integer NOT NULL,
  created_seq bigint NOT NULL,
  task json NOT NULL
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  agent json NOT NULL
);

CREATE TABLE idempotency_records (
  key text PRIMARY KEY,
  at timestamptz NOT NULL,
  record json NOT NULL
);

-- Inbox offsets belong to one daemon's home folder (node = host and home).
CREATE TABLE inbox_cursors (
  node text NOT NULL,
  file text NOT NULL,
  cursor json NOT NULL,
  PRIMARY KEY (node, file)
);

-- Applies a group of commits (each: its events, tasks and agents as JSON texts, the events numbered 0), each all or nothing (a subtransaction): takes the seq counter's lock, checks the task
-- versions the commit was decided on, numbers and stores its events, the tasks and agents as they left them, and its
-- bookkeeping. A commit whose check fails is skipped, and so is every later one of the group (each was decided on a
-- view that included the failed one). Returns, per commit, its first seq, or null when it was skipped; the first
-- skipped one's reason is in the second column.
CREATE FUNCTION commit_group(commits jsonb, node text)
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
          ON CONFLICT (node, file) DO UPDATE SET cursor = excluded.cursor;
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

-- Lease renewals and last-seen times, which heartbeats change without events (each entry: the task or agent as JSON
-- text): a task only while it is still at the version the renewal was made on, an agent's last-seen time only forward.
CREATE FUNCTION touch(tasks_touched jsonb, agents_touched jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks SET task = t.value::json
    FROM jsonb_array_elements_text(tasks_touched) AS t(value)
    WHERE tasks.id = t.value::json->>'id' AND tasks.version = (t.value::json->>'version')::integer;
  UPDATE agents SET agent = a.value::json
    FROM jsonb_array_elements_text(agents_touched) AS a(value)
    WHERE agents.id = a.value::json->>'id' AND (agents.agent->>'lastSeenAt') < (a.value::json->>'lastSeenAt');
END;
$$;
`;
