import * as assert from 'node:assert/strict';
import { useDaemonUnderTest, waitInSync } from './support/extensionUnderTest.js';
import { find, readTree } from './support/treeSnapshot.js';
import type { TestDaemon } from './support/testDaemon.js';

/** Ids a plain object keyed by id would resolve to Object.prototype or its methods. */
const IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

async function seedPrototypeIds(daemon: TestDaemon): Promise<void> {
  for (const id of IDS) {
    await daemon.heartbeat(id, `Agent ${id}`);
    await daemon.createTask({ id, title: `Task ${id}`, state: 'active', agentId: id });
  }
}

suite('Ids named like Object.prototype keys', function () {
  this.timeout(60_000);

  const ctx = useDaemonUnderTest(seedPrototypeIds);

  test('every such agent and task is shown, each agent with its own task, and nothing leaks into other objects', async () => {
    await waitInSync(ctx.api, ctx.daemon);
    const agents = await readTree(ctx.api.providers.agents);
    for (const id of IDS) {
      const row = find(agents, `Agent ${id}`);
      assert.ok(row, `agent ${id} shown`);
      assert.deepEqual(row.children.map((r) => r.label), [`Task ${id}`]);
    }
    const tasks = await readTree(ctx.api.providers.tasks);
    const active = tasks.find((r) => r.label === 'Active');
    assert.deepEqual(active?.children.map((r) => r.label).sort(), IDS.map((id) => `Task ${id}`).sort());
    assert.equal(({} as Record<string, unknown>).active, undefined, 'Object.prototype gained nothing');
  });
});
