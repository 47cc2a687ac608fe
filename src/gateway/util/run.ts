/** Running a server command until SIGINT/SIGTERM, then stopping it cleanly (once). */
export function untilSignal(stop: (signal: NodeJS.Signals) => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const on = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // Second Ctrl-C: stop waiting.
        resolve(130);
        return;
      }
      stopping = true;
      stop(signal).then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** A positive integer option, or a one-line error naming it. */
export function positiveInt(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max)
    // yargs turns a number option that is not one into NaN: say so rather than "got NaN".
    throw new Error(
      `--${name} must be an integer from 0 to ${max}, ${Number.isNaN(n) ? 'not a number' : `got ${String(v)}`}`,
    );
  return n;
}
