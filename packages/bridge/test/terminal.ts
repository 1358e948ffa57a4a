import { execFileSync } from 'node:child_process';

/**
 * A real terminal for the CLI: a private tmux server runs the command in a pane of a fixed
 * size, so that tests see what a person sees (the rendered screen, with bars redrawn in place),
 * press keys (Ctrl-C goes through the terminal to the foreground process group, as a person's
 * does), and read the terminal's state after the program exits (cursor shown? lines wrap?).
 */
export interface Terminal {
  /** The rendered screen and its scrollback, wrapped lines joined. */
  screen(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  press(key: string): void;
  /** Resolves when the program has exited: its status and the terminal's state it left. */
  exited(timeoutMs?: number): Promise<{ status: number; cursorVisible: boolean; wraps: boolean }>;
  close(): void;
}

export function openTerminal(
  command: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; cols?: number; rows?: number },
): Terminal {
  const socket = `bridge-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...options.env };
  const tmux = (...args: string[]) => {
    try {
      return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          'tmux is not installed: `apt-get install -y tmux` (the terminal tests run the CLI in it)',
        );
      }
      throw err;
    }
  };
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  // bash waits for the program, then prints its status and keeps the pane open: the terminal's
  // modes are read while nothing else writes to it (a dead pane's modes are tmux's own).
  // Bash, not sh: a Ctrl-C the program handles does not stop bash (it waits for the program).
  const wrapped = `${quoted}; echo "[exited $?]"; sleep 600`;
  tmux(
    'new-session',
    '-d',
    '-s',
    'cli',
    '-x',
    String(options.cols ?? 160),
    '-y',
    String(options.rows ?? 40),
    '-c',
    options.cwd,
    `exec bash -c '${wrapped.replace(/'/g, `'\\''`)}'`,
  );
  tmux('set-option', '-t', 'cli', 'history-limit', '10000');
  const format = (spec: string) => tmux('display-message', '-p', '-t', 'cli', spec).trim();
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'cli');
  const until = async <T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`no ${what} within ${timeoutMs} ms; the screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    screen,
    waitFor: (pattern, timeoutMs = 60_000) =>
      until(
        () => {
          const text = screen();
          return pattern.test(text) ? text : undefined;
        },
        timeoutMs,
        String(pattern),
      ),
    press: (key) => {
      tmux('send-keys', '-t', 'cli', key);
    },
    exited: async (timeoutMs = 30_000) => {
      const status = await until(() => /\[exited (\d+)\]/.exec(screen())?.[1], timeoutMs, 'exit');
      const [cursor, wrap] = format('#{cursor_flag} #{wrap_flag}').split(' ');
      return { status: Number(status), cursorVisible: cursor === '1', wraps: wrap === '1' };
    },
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
    },
  };
}
