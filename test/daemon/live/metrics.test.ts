/** GET /metrics: valid Prometheus text, behind the token, with the numbers the rest of the API shows. */
import { strict as assert } from 'node:assert';
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import { expectError } from '../support/http.js';
import { pollUntil } from '../../support/poll.js';
import { startLiveDaemon, type LiveDaemon } from './liveDaemon.js';
import { metricValue, parseExposition } from './promText.js';
import { StreamRecorder } from './streamClient.js';

describe('live: /metrics', function () {
  let d: LiveDaemon;

  beforeEach(async () => {
    d = await startLiveDaemon();
  });
  afterEach(async () => {
    await d?.close();
  });

  const scrape = async () => {
    const res = await d.http.get('/metrics');
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('is valid text format, each metric with HELP and TYPE, on the daemon own registry', async () => {
    const text = await scrape();
    const parsed = parseExposition(text);
    const families = new Set(parsed.samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of [
      'agent_tracker_tasks',
      'agent_tracker_tasks_stuck',
      'agent_tracker_agents',
      'agent_tracker_agents_online',
      'agent_tracker_event_seq',
      'agent_tracker_event_log_bytes',
      'agent_tracker_inbox_lines_total',
      'agent_tracker_ingest_errors_total',
      'agent_tracker_stream_clients',
      'agent_tracker_stream_dropped_total',
      'agent_tracker_process_memory_bytes',
      'agent_tracker_event_loop_delay_max_seconds',
    ]) {
      assert.ok(families.has(name), `${name} is exposed`);
      assert.ok(parsed.help.has(name) && parsed.types.has(name), `${name} has HELP and TYPE`);
    }
    assert.equal(parsed.types.get('agent_tracker_ingest_errors_total'), 'counter');
    assert.equal(parsed.types.get('agent_tracker_tasks'), 'gauge');
    assert.ok(!(await register.metrics()).includes('agent_tracker_'), 'nothing on prom-client global registry');
  });

  it('needs the token like every route but /healthz', async () => {
    expectError(await d.http.get('/metrics', { token: null }), 401, 'unauthorized');
    expectError(await d.http.get('/metrics', { token: 'wrong' }), 401, 'unauthorized');
    expectError(await d.http.get('/metrics', { headers: { origin: 'http://evil.example' } }), 403, 'forbidden');
  });

  it('counts tasks by state, agents online, events, the log size, stream clients and inbox errors', async () => {
    await d.http.ok(d.http.post('/v1/agents/a1/heartbeat', {}));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'p1', title: 'p1' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'p2', title: 'p2' }));
    await d.http.ok(d.http.post('/v1/tasks', { id: 'w1', title: 'w1', state: 'active', agentId: 'a1' }));
    await d.http.ok(d.http.post('/v1/tasks/w1/transition', { to: 'done' }));
    const stream = await StreamRecorder.open(d, 0);
    await stream.waitLive();
    appendFileSync(join(d.home, 'inbox', 'm.jsonl'), '{"op":"create","title":"from the inbox"}\nnot json\n');
    // Counted once on disk: the inbox's create reaches the event counter after its write, not when it is applied.
    await pollUntil('the inbox lines', async () => {
      const text = await scrape();
      const invalid = metricValue(text, 'agent_tracker_inbox_lines_total', { result: 'invalid' });
      return invalid === 1 && metricValue(text, 'agent_tracker_events_total', { type: 'task.created' }) === 4 ? true : undefined;
    });

    const text = await scrape();
    const value = (name: string, labels?: Record<string, string>) => metricValue(text, name, labels);
    assert.equal(value('agent_tracker_tasks', { state: 'pending' }), 3);
    assert.equal(value('agent_tracker_tasks', { state: 'done' }), 1);
    assert.equal(value('agent_tracker_tasks', { state: 'cancelled' }), 0);
    assert.equal(value('agent_tracker_agents_online'), 1);
    assert.equal(value('agent_tracker_agents', { status: 'idle' }), 1);
    assert.equal(value('agent_tracker_stream_clients'), 1);
    assert.equal(value('agent_tracker_inbox_lines_total', { result: 'applied' }), 1);
    assert.equal(value('agent_tracker_ingest_errors_total', { source: 'inbox' }), 1);
    const seq = d.daemon.tracker.store.durableSeq;
    assert.equal(value('agent_tracker_event_seq'), seq);
    assert.equal(value('agent_tracker_events_total', { type: 'task.created' }), 4);
    const events = parseExposition(text).samples.filter((s) => s.name === 'agent_tracker_events_total');
    assert.equal(events.reduce((sum, s) => sum + s.value, 0), seq, 'every event written since the start is counted once');
    const dir = join(d.home, 'events');
    const onDisk = readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    assert.equal(value('agent_tracker_event_log_bytes'), onDisk);
    await stream.close();
    await pollUntil('the client to be gone', async () => (metricValue(await scrape(), 'agent_tracker_stream_clients') === 0 ? true : undefined));
  });
});
