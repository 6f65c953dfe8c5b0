/**
 * The Gemini API as Gemini CLI calls it (`:generateContent` for its model router, `:streamGenerateContent?alt=sse`
 * per model turn), answering from a TurnScript: a functionCall of `run_shell_command`, then text once the
 * functionResponse is in the contents.
 */
import { writeJson, writeSse, type ModelHandler } from './fakeModelServer.js';
import { FAKE_USAGE, type TurnScript } from './turnScript.js';

interface Part {
  text?: string;
  functionResponse?: unknown;
}
interface GenerateBody {
  contents?: Array<{ role?: string; parts?: Part[] }>;
}

export function geminiGenerate(script: TurnScript): ModelHandler {
  return (request, response) => {
    if (request.method !== 'POST') return false;
    const body = (request.body ?? {}) as GenerateBody;
    if (request.url.includes(':streamGenerateContent')) {
      const last = body.contents?.at(-1);
      const toolDone = last?.parts?.some((part) => part.functionResponse !== undefined) === true;
      const part = toolDone
        ? { text: script.finalText }
        : { functionCall: { name: 'run_shell_command', args: { command: script.command, description: 'Run the command' } } };
      writeSse(response, [{ data: candidate(part) }]);
      return true;
    }
    if (request.url.includes(':generateContent')) {
      // Side calls (the model router, the next-speaker check) ask for JSON: one object that satisfies each of them.
      writeJson(response, candidate({ text: JSON.stringify({ reasoning: 'scripted', model_choice: 'flash', next_speaker: 'user' }) }));
      return true;
    }
    if (request.url.includes(':countTokens')) {
      writeJson(response, { totalTokens: FAKE_USAGE.inputTokens });
      return true;
    }
    return false;
  };
}

function candidate(part: object): object {
  return {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: FAKE_USAGE.inputTokens + FAKE_USAGE.cacheReadTokens,
      cachedContentTokenCount: FAKE_USAGE.cacheReadTokens,
      candidatesTokenCount: FAKE_USAGE.outputTokens,
      totalTokenCount: FAKE_USAGE.inputTokens + FAKE_USAGE.cacheReadTokens + FAKE_USAGE.outputTokens,
    },
    modelVersion: 'gemini-2.5-flash',
  };
}

