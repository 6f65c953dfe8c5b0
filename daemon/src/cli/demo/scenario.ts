/** What the demo fleet works on: a release train of dependent tasks per round, and who can do which kind of work. */

export interface DemoTaskSpec {
  key: string;
  title: string;
  type: string;
  priority: number;
  steps: readonly string[];
  dependsOn?: readonly string[];
  /** The first attempt fails part-way; the agent then sends it back for a retry. */
  flaky?: boolean;
  /** Only in the first round: the task the silent agent is holding when it stops reporting. */
  firstRoundOnly?: boolean;
}

/** The kind of work the silent agent does, and nobody else: so its task is the one that gets stuck. */
export const SILENT_TYPE = 'data';

export const ROUND_TASKS: readonly DemoTaskSpec[] = [
  { key: 'design', title: 'Design the API', type: 'design', priority: 8, steps: ['gather requirements', 'draft schema', 'review with team'] },
  {
    key: 'implement',
    title: 'Implement endpoints',
    type: 'code',
    priority: 7,
    dependsOn: ['design'],
    steps: ['scaffold routes', 'write handlers', 'validation', 'wire up storage'],
  },
  {
    key: 'tests',
    title: 'Write integration tests',
    type: 'test',
    priority: 6,
    dependsOn: ['implement'],
    flaky: true,
    steps: ['fixtures', 'happy paths', 'error paths', 'run suite'],
  },
  { key: 'docs', title: 'Update documentation', type: 'docs', priority: 4, dependsOn: ['design'], steps: ['outline', 'examples', 'proofread'] },
  { key: 'lint', title: 'Lint and format', type: 'code', priority: 3, steps: ['lint', 'format'] },
  {
    key: 'migrate',
    title: 'Migrate legacy records',
    type: SILENT_TYPE,
    priority: 5,
    firstRoundOnly: true,
    steps: ['export', 'transform', 'import', 'verify'],
  },
  { key: 'deploy', title: 'Deploy to staging', type: 'ops', priority: 9, dependsOn: ['tests', 'docs'], steps: ['build image', 'roll out', 'smoke test'] },
];

const WORK_TYPES = ['design', 'code', 'test', 'docs', 'ops'] as const;

export interface DemoAgentSpec {
  id: string;
  name: string;
  capabilities: string[];
  /** Stops heartbeating part-way through its first task, so the daemon flags the task stuck. */
  goesSilent: boolean;
}

/** `count` agents (at least 2): the last one is the silent one; the others share the remaining kinds of work. */
export function demoAgents(count: number): DemoAgentSpec[] {
  const workers = Math.max(1, count - 1);
  const agents: DemoAgentSpec[] = [];
  for (let i = 0; i < workers; i++) {
    agents.push({
      id: `demo-agent-${i + 1}`,
      name: `Demo agent ${i + 1}`,
      capabilities: WORK_TYPES.filter((_, t) => t % workers === i),
      goesSilent: false,
    });
  }
  agents.push({ id: `demo-agent-${workers + 1}`, name: `Demo agent ${workers + 1} (goes silent)`, capabilities: [SILENT_TYPE], goesSilent: true });
  return agents;
}
