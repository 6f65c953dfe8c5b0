/**
 * The real Claude Code with its hooks installed and its OpenTelemetry export on at the same time, as a user who set up
 * both has it: every model request reaches the tracker twice (the transcript the hooks read, the `api_request` event),
 * and counts once. With the API's request ids (as the Anthropic API sends them) and through a gateway that drops them;
 * exported as OTLP/JSON and as OTLP/protobuf.
 */
import assert from 'node:assert/strict';
import { ensureAgentClis } from '../../host/agentClis.js';
import { FAKE_USAGE } from '../../support/fakeModel/turnScript.js';
import { pollUntil } from '../../support/poll.js';
import { parseExposition } from '../live/promText.js';
import { makeAgentWorld, type AgentWorld } from './agentWorld.js';
import { agentsOfKind, tasksOf, type UsageView } from './trackerView.js';

const SCRIPT = { command: 'ls -1 | wc -l', finalText: 'There are 0 files in this folder.' };

type Protocol = 'http/json' | 'http/protobuf';

/** Claude Code's telemetry pointed at the world's daemon, exported often (and at exit). */
function telemetryEnv(world: AgentWorld, protocol: Protocol): NodeJS.ProcessEnv {
  const daemon = world.daemon;
  if (daemon === undefined) throw new Error('no daemon running');
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: daemon.info.url,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${daemon.http.token}`,
    OTEL_LOGS_EXPORT_INTERVAL: '500',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
  };
}

describe('real Claude Code, hooks and OTLP at the same time', function () {
  this.timeout(6 * 60_000);

  before(async function () {
    this.timeout(20 * 60_000);
    await ensureAgentClis();
  });

  const cases: { protocol: Protocol; requestIds: boolean }[] = [
    { protocol: 'http/json', requestIds: true },
    { protocol: 'http/json', requestIds: false },
    { protocol: 'http/protobuf', requestIds: true },
  ];
  for (const { protocol, requestIds } of cases) {
    it(`usage equals the model's requests once each, cost from the agent, tokens in /metrics (${protocol}, ${requestIds ? 'with request ids' : 'a gateway that drops request ids'})`, async () => {
      const world = await makeAgentWorld('claude-code', SCRIPT, { requestIds });
      try {
        const exit = await world.launch('Count the files in this folder', 180_000, telemetryEnv(world, protocol)).exited;
        assert.equal(exit.code, 0, exit.stderr.slice(-2000));
        const http = world.http();
        // The requests the model answered with usage: every reply reports FAKE_USAGE.
        const modelCalls = world.model.requests.filter((r) => r.url.startsWith('/v1/messages') && !r.url.startsWith('/v1/messages/count_tokens')).length;
        assert.ok(modelCalls >= 2, `a tool call and an answer: ${modelCalls} model calls`);

        // Claude Code's own cost for these requests comes only with its telemetry (the tracker has no price for the
        // fake's model), so a cost on the task means both sources are in.
        const { agent, task } = await pollUntil(
          'the turn done, the agent offline, and the telemetry in',
          async () => {
            const [agent] = await agentsOfKind(http, 'claude-code');
            if (agent === undefined || agent.status !== 'offline') return undefined;
            const [task, ...others] = (await tasksOf(http, agent.id)).filter((t) => t.parentId === null);
            assert.equal(others.length, 0, 'one prompt, one task');
            if (task?.state !== 'done' || !task.usage?.costUsd) return undefined;
            const otlp = (await http.request<{ otlp: { mapped: { logs: number } } }>('GET', '/v1/stats')).body.otlp;
            return otlp.mapped.logs >= modelCalls ? { agent, task } : undefined;
          },
          60_000,
          200,
        );

        const expected = {
          requests: modelCalls,
          inputTokens: modelCalls * FAKE_USAGE.inputTokens,
          outputTokens: modelCalls * FAKE_USAGE.outputTokens,
          cacheReadTokens: modelCalls * FAKE_USAGE.cacheReadTokens,
          cacheWriteTokens: modelCalls * FAKE_USAGE.cacheWriteTokens,
        };
        const picked = (usage: UsageView | null | undefined) =>
          Object.fromEntries(Object.keys(expected).map((key) => [key, usage?.[key as keyof typeof expected]]));
        assert.deepEqual(picked(task.usage), expected, `the turn's usage: ${JSON.stringify(task.usage)}`);
        assert.deepEqual(picked(agent.usage), expected, `the agent's usage: ${JSON.stringify(agent.usage)}`);
        const cost = task.usage?.costUsd ?? 0;
        assert.ok(cost > 0, 'the cost Claude Code reported');

        const { samples } = parseExposition((await http.request('GET', '/metrics')).text);
        const tokens = (kind: string) => samples.find((s) => s.name === 'agent_tracker_tokens_total' && s.labels.agent === agent.id && s.labels.kind === kind)?.value;
        assert.equal(tokens('input'), expected.inputTokens);
        assert.equal(tokens('output'), expected.outputTokens);
        assert.equal(samples.find((s) => s.name === 'agent_tracker_cost_usd_total' && s.labels.agent === agent.id)?.value, cost);
      } finally {
        await world.close();
      }
    });
  }
});
