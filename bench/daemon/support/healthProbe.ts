/**
 * `/healthz` probed every `intervalMs` from a worker thread, until stopped: the latencies are the daemon's, not those
 * of the benchmark's own event loop, which is busy with the clients it runs (100 stream clients catching up kept it
 * away for up to a second, and a probe on it counted that wait as the daemon's).
 */
import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface HealthProbes {
  /** Latencies of the probes answered, in ms. */
  latencies: number[];
  /** Probes not answered within `timeoutMs`. */
  unanswered: number;
}

interface ProbeOptions {
  url: string;
  intervalMs: number;
  timeoutMs: number;
}

/** Starts probing; `stop()` ends it and gives what was measured. */
export function startHealthProbe(options: ProbeOptions): { stop(): Promise<HealthProbes> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  const done = new Promise<HealthProbes>((resolve, reject) => {
    worker.once('message', (probes: HealthProbes) => resolve(probes));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const probes = await done;
      await worker.terminate();
      return probes;
    },
  };
}

async function probe({ url, intervalMs, timeoutMs }: ProbeOptions): Promise<void> {
  const port = parentPort;
  if (!port) return;
  let stopping = false;
  port.once('message', () => (stopping = true));
  const agent = new Agent({ keepAlive: true });
  const probes: HealthProbes = { latencies: [], unanswered: 0 };
  while (!stopping) {
    const started = performance.now();
    const answered = await Promise.race([get(`${url}/healthz`, agent).then(() => true), delay(timeoutMs).then(() => false)]);
    if (answered) probes.latencies.push(performance.now() - started);
    else probes.unanswered++;
    await delay(intervalMs);
  }
  agent.destroy();
  port.postMessage(probes);
}

function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

if (!isMainThread) await probe(workerData as ProbeOptions);
