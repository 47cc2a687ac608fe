import { describe, expect, it } from 'vitest';
import { OPTIONS, anchorOf, renderOptionsMarkdown } from '../../../src/catalog/index.js';

describe('docs/options.md', () => {
  const md = renderOptionsMarkdown();

  it('documents every option with its anchor, and flags UNVERIFIED ones', () => {
    for (const o of OPTIONS) {
      expect(md, o.name).toContain(`<a id="${anchorOf(o.name)}"></a>`);
      expect(md, o.name).toContain(`#### \`${o.name}\`${o.unverified ? ' (UNVERIFIED)' : ''}`);
      if (o.unverified) expect(md).toContain(`> **UNVERIFIED**: ${o.unverified}.`);
    }
  });

  it('has unique anchors', () => {
    const anchors = OPTIONS.map((o) => anchorOf(o.name));
    expect(new Set(anchors).size).toBe(anchors.length);
  });

  it('has the project conventions section the catalog links to', () => {
    expect(md).toContain('## Project conventions');
    expect(md).toContain('`fcm.<Event>.title`');
    expect(md).toContain('`auth.basic.password`');
    expect(md).toContain('`[connections]`');
  });

  it('keeps table cells on one line', () => {
    for (const line of md.split('\n').filter((l) => l.startsWith('|')))
      expect(line.endsWith('|'), line).toBe(true);
  });
});
