/** `gmsctl operator` refuses bad flags with a one-line message and exit code 2, starting nothing. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';

let stderr = '';

beforeEach(() => {
  stderr = '';
  process.exitCode = undefined;
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<{ code: number | undefined; stderr: string }> {
  await main(['operator', ...args]);
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { code, stderr };
}

describe('gmsctl operator flags', () => {
  it('rejects a bad concurrency', async () => {
    const r = await run('--concurrency', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gmsctl operator: --concurrency must be an integer from 1 to 256\n$/);
  });

  it('rejects a namespace that is not a DNS label', async () => {
    const r = await run('--namespaces', 'contact-center,Bad_NS');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"Bad_NS" is not a namespace name');
  });

  it('needs a Lease namespace for leader election', async () => {
    const saved = process.env.POD_NAMESPACE;
    delete process.env.POD_NAMESPACE;
    try {
      const r = await run('--leader-elect=true');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--leader-elect needs --leader-election-namespace');
    } finally {
      if (saved !== undefined) process.env.POD_NAMESPACE = saved;
    }
  });

  it('rejects bad durations and ports', async () => {
    const d = await run('--kubeconfig', '/nonexistent', '--resync-period', 'soon');
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('--resync-period must be a duration like 30s, 10m or 1h (got soon)');
    stderr = '';
    const p = await run('--metrics-port', '70000');
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--metrics-port must be a port number (got 70000)');
  });

  it('reports unreadable credentials without a stack trace', async () => {
    const r = await run('--kubeconfig', '/nonexistent/kubeconfig');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gmsctl operator: cannot load Kubernetes credentials: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
