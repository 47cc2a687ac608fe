import { describe, expect, it } from 'vitest';
import { celField, celRegex, toCrdSchema, toJsonSchema } from '../../../src/api/schema/model.js';

describe('CEL names', () => {
  it('escapes property names the way Kubernetes does', () => {
    expect(celField('fcm.apiKey')).toBe('fcm__dot__apiKey');
    expect(celField('enable-fast-chat-transcript-refresh')).toBe(
      'enable__dash__fast__dash__chat__dash__transcript__dash__refresh',
    );
    expect(celField('a__b')).toBe('a__underscores__b');
    expect(celField('namespace')).toBe('__namespace__');
    expect(celField('_chat_endpoint')).toBe('_chat_endpoint');
    expect(() => celField('1abc')).toThrow(/cannot be accessed/);
  });

  it('quotes regexes as raw strings and refuses quotes', () => {
    expect(celRegex('^a\\.b$')).toBe("r'^a\\.b$'");
    expect(() => celRegex("it's")).toThrow();
  });
});

describe('one model, two renderings', () => {
  const node = {
    description: 'd',
    type: 'object' as const,
    properties: {
      v: { description: 'v', 'x-kubernetes-int-or-string': true as const, maxLength: 5 },
      b: {
        description: 'b',
        'x-kubernetes-preserve-unknown-fields': true as const,
        json: { replace: { enum: [true, 'true'] } },
      },
    },
    'x-kubernetes-validations': [{ rule: 'true', message: 'm' }],
  };

  it('keeps x-kubernetes extensions in the CRD and drops json hints', () => {
    const crd = toCrdSchema(node);
    expect(crd['x-kubernetes-validations']).toEqual([{ rule: 'true', message: 'm' }]);
    expect(JSON.stringify(crd)).not.toContain('json');
  });

  it('turns extensions into JSON Schema and closes objects', () => {
    const js = toJsonSchema(node);
    expect(JSON.stringify(js)).not.toContain('x-kubernetes');
    expect(js.additionalProperties).toBe(false);
    expect((js.properties as Record<string, unknown>).v).toMatchObject({
      type: ['integer', 'string'],
      maxLength: 5,
    });
    expect((js.properties as Record<string, unknown>).b).toEqual({
      description: 'b',
      enum: [true, 'true'],
    });
  });
});
