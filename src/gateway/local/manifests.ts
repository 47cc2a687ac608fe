/**
 * A loopback variant of the example manifests: the same ChatService and PushProviders, with
 * the Chat Server endpoint pointed at a local simulator, custom HTTP pushes at a local
 * receiver and the exposure reduced to plain HTTP on loopback (no host name, no TLS), so
 * `gmsctl render` produces the configuration of a local setup from examples/.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
import type { ChatService } from '../../api/types.js';

export interface LoopbackOptions {
  /** ChatService to run (default: the first one, customer-support in examples/). */
  service?: string;
  chatServer: { host: string; port: number };
  /** Where custom HTTP providers post (debugUrl too). */
  customHttpUrl?: string;
  expose?: 'haproxy' | 'nginx' | 'none';
}

export interface LoopbackManifests {
  /** File name -> YAML text. */
  files: Map<string, string>;
  chatService: ChatService;
  serviceName: string;
  namespace: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function loopbackManifests(
  examplesDir: string,
  opts: LoopbackOptions,
): Promise<LoopbackManifests> {
  let names: string[];
  try {
    names = (await readdir(examplesDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    throw new Error(`${examplesDir}: cannot read the examples directory: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const parsed: { name: string; docs: Document[] }[] = [];
  for (const name of names) {
    const text = await readFile(join(examplesDir, name), 'utf8');
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) continue;
    parsed.push({ name, docs });
  }
  let chosen: { doc: Document; cs: ChatService } | undefined;
  for (const { docs } of parsed)
    for (const doc of docs) {
      const js = doc.toJS() as unknown;
      if (!isObj(js) || js.kind !== 'ChatService') continue;
      const cs = js as unknown as ChatService;
      const svc = cs.spec?.serviceName ?? cs.metadata?.name;
      if (
        !chosen &&
        (opts.service === undefined || svc === opts.service || cs.metadata?.name === opts.service)
      )
        chosen = { doc, cs };
    }
  if (!chosen)
    throw new Error(
      `${examplesDir}: no ChatService${opts.service ? ` named ${opts.service}` : ''} in the examples`,
    );
  const { doc } = chosen;
  doc.setIn(
    ['spec', 'chatServer', 'endpoints'],
    [{ name: 'cs-1', host: opts.chatServer.host, port: opts.chatServer.port }],
  );
  doc.setIn(['spec', 'expose'], { mode: opts.expose ?? 'none', affinity: 'cookie' });
  const files = new Map<string, string>();
  for (const { name, docs } of parsed) {
    const kept: string[] = [];
    for (const d of docs) {
      const js = d.toJS() as unknown;
      if (!isObj(js)) continue;
      if (js.kind === 'ChatService' && d !== doc) continue; // only the chat service we run
      if (
        js.kind === 'PushProvider' &&
        opts.customHttpUrl &&
        isObj(js.spec) &&
        js.spec.type === 'customhttp'
      ) {
        d.setIn(['spec', 'customhttp', 'url'], opts.customHttpUrl);
        if (d.hasIn(['spec', 'customhttp', 'debugUrl']))
          d.setIn(['spec', 'customhttp', 'debugUrl'], opts.customHttpUrl);
      }
      kept.push(d.toString());
    }
    if (kept.length > 0) files.set(name, kept.join('---\n'));
  }
  const cs = doc.toJS() as ChatService;
  return {
    files,
    chatService: cs,
    serviceName: cs.spec.serviceName ?? cs.metadata.name,
    namespace: cs.metadata.namespace ?? 'default',
  };
}
