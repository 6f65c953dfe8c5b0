/** `agent-tracker open [--print]`: a one-time login link to the web board, opened in the browser or printed. */
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { action, connect, output, warn, withCommonOptions, type CommonOptions } from './context.js';

export function openCommand(): Command {
  return withCommonOptions(new Command('open').description('open the web board in a browser (a login link that works once, within 60 s)'))
    .option('--print', 'print the link instead of opening a browser')
    .action(
      action(async (options: CommonOptions & { print?: boolean }) => {
        const client = await connect(options);
        const login = await client.createLoginCode();
        if (options.print || options.json) {
          output(options, login, () => login.url);
          return;
        }
        if (!(await openInBrowser(login.url))) {
          warn('could not start a browser; open this link yourself (it works once, within 60 seconds):');
          output(options, login, () => login.url);
        }
      }),
    );
}

/** The platform's opener, detached; false when there is none. The link goes as one argument, never through a shell. */
function openInBrowser(url: string): Promise<boolean> {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
