/*
 * The progress bars hide the cursor and turn line wrapping off (`ESC[?25l`, `ESC[?7l`). Whatever
 * ends the process (a signal, an error, `process.exit` anywhere), a terminal left like that is
 * broken for the user's next command: undo both on the way out.
 */

const SHOW_CURSOR_AND_WRAP = '\x1b[?25h\x1b[?7h';
const dirty = new Set<NodeJS.WriteStream>();
let hooked = false;

/** Marks `stream` as altered by the bars until `restoreTerminal` runs. */
export function alterTerminal(stream: NodeJS.WriteStream): void {
  if (!stream.isTTY) return;
  dirty.add(stream);
  if (!hooked) {
    hooked = true;
    process.on('exit', restoreTerminal);
  }
}

/** Shows the cursor and turns wrapping back on where the bars changed them. */
export function restoreTerminal(): void {
  for (const stream of dirty) stream.write(SHOW_CURSOR_AND_WRAP);
  dirty.clear();
}
