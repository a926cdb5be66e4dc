/**
 * Progress for long commands, on stderr only, and only when someone is watching (a TTY) or
 * asked for it (--verbose): piped output and CI logs stay clean.
 */
export interface Progress {
  /** `phase: done/total`, redrawn in place on a TTY. */
  update(phase: string, done: number, total: number): void;
  /** A finished step and how long it took. */
  step(message: string): void;
  done(): void;
}

export function createProgress(verbose: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  if (!tty && !verbose) return { update() {}, step() {}, done() {} };
  const started = performance.now();
  let last = '';
  let lastDraw = 0;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const clear = () => {
    if (tty && last !== '') stream.write('\r\x1b[K');
    last = '';
  };
  return {
    update(phase, done, total) {
      if (!tty) return;
      const now = performance.now();
      // Redrawing on every unit would cost more than the work on fast runs.
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      clear();
      last = `${phase} ${done}/${total} (${elapsed()})`;
      stream.write(last);
    },
    step(message) {
      clear();
      stream.write(`${message} (${elapsed()})\n`);
    },
    done: clear,
  };
}
