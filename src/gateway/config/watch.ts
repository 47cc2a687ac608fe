/**
 * Noticing configuration changes: fs.watch on the directories of the files (a Kubernetes
 * ConfigMap volume swaps a `..data` symlink, editors rename over the file; both show up as
 * directory events), debounced, plus a slow poll as a safety net for filesystems without
 * inotify. The caller decides what a change means (reload.ts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { filesOf, type ConfigSource } from './load.js';

export class ConfigWatcher {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: ConfigSource,
    private readonly onChange: () => void,
    private readonly debounceMs = 200,
    private readonly pollMs = 10_000,
  ) {}

  start(): void {
    const dirs = new Set(filesOf(this.source).map((f) => dirname(f.path)));
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => this.kick());
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch {
        // The poll below still notices changes.
      }
    }
    if (this.pollMs > 0) {
      this.poll = setInterval(() => this.onChange(), this.pollMs);
      this.poll.unref();
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, this.debounceMs);
    this.timer.unref();
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer) clearTimeout(this.timer);
    if (this.poll) clearInterval(this.poll);
  }
}
