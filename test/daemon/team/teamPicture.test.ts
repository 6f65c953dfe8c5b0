/**
 * Team mode as the extension sees it (its vscode-free connection and model, in plain Node, against real daemons on a
 * real PostgreSQL): connected to one daemon, it holds every host's agents and groups them by host; when that daemon
 * loses the database the connection state says so (what the status bar shows), and the note goes once it is back.
 */
import { strict as assert } from 'node:assert';
import { TrackerConnection } from '../../../extension/src/client/trackerConnection.js';
import { silentLogger } from '../../../extension/src/common/logger.js';
import { AgentTree } from '../../../extension/src/model/agentTree.js';
import { TrackerModel } from '../../../extension/src/model/trackerModel.js';
import { pollUntil } from '../../support/poll.js';
import { useTeamCluster, type TeamDaemon } from '../support/teamCluster.js';

describe('team mode: one picture in the extension', function () {
  this.timeout(120_000);
  const cluster = useTeamCluster();

  it('shows every host\'s agents grouped by host, and a lost database in the connection state', async () => {
    const { daemons } = await cluster.daemons(2);
    const [a, b] = daemons as [TeamDaemon, TeamDaemon];
    await a.http.ok(a.http.post('/v1/agents/ann-agent/heartbeat', { name: 'ann', meta: { host: 'host-ann' } }));
    await b.http.ok(b.http.post('/v1/agents/bob-agent/heartbeat', { name: 'bob', meta: { host: 'host-bob' } }));

    const model = new TrackerModel();
    const tree = new AgentTree(model);
    const connection = new TrackerConnection({
      model,
      logger: silentLogger,
      locate: () => Promise.resolve({ found: true, endpoint: { url: a.info.url, token: a.http.token }, home: a.home, source: 'home', pid: a.pid }),
    });
    try {
      connection.start();
      await pollUntil('both hosts\' agents in the model, grouped by host', () =>
        model.connection.kind === 'connected' && tree.hosts()?.length === 2 ? true : undefined, 30_000);
      assert.deepEqual(tree.hosts(), ['host-ann', 'host-bob']);
      assert.deepEqual(tree.agentsOfHost('host-bob'), ['bob-agent']);
      // An agent of another host that shows up later arrives live, in its host's group.
      await b.http.ok(b.http.post('/v1/agents/bob-second/heartbeat', { name: 'bob 2', meta: { host: 'host-bob' } }));
      await pollUntil('the new agent under its host', () => (tree.agentsOfHost('host-bob').includes('bob-second') ? true : undefined));
      assert.equal(model.connection.kind === 'connected' && model.connection.storeProblem, undefined);

      await cluster.postgres.stop();
      const problem = await pollUntil('the lost database in the connection state', () =>
        model.connection.kind === 'connected' ? model.connection.storeProblem : undefined, 30_000, 100);
      assert.match(problem, /unavailable|reloading/);
      await cluster.postgres.start();
      await pollUntil('the note gone once the database is back', () =>
        model.connection.kind === 'connected' && model.connection.storeProblem === undefined ? true : undefined, 30_000, 100);
    } finally {
      connection.dispose();
      tree.dispose();
      model.dispose();
    }
  });
});
