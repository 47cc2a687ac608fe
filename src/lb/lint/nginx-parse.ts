/** A small positional nginx config parser: directives with arguments and blocks, 1-based line:col. */

export interface NginxDirective {
  name: string;
  args: string[];
  line: number;
  column: number;
  block?: NginxDirective[];
}

export interface NginxParseError {
  line: number;
  column: number;
  message: string;
}

interface Token {
  text: string;
  quoted: boolean;
  line: number;
  column: number;
}

function tokenize(text: string): { tokens: Token[]; error?: NginxParseError } {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const adv = (): string => {
    const c = text[i++]!;
    if (c === '\n') {
      line++;
      col = 1;
    } else col++;
    return c;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      adv();
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') adv();
      continue;
    }
    const startLine = line;
    const startCol = col;
    if (c === '{' || c === '}' || c === ';') {
      adv();
      tokens.push({ text: c, quoted: false, line: startLine, column: startCol });
      continue;
    }
    if (c === '"' || c === "'") {
      adv();
      let s = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          adv();
        }
        s += adv();
      }
      if (i >= text.length)
        return {
          tokens,
          error: { line: startLine, column: startCol, message: 'unterminated quoted string' },
        };
      adv();
      tokens.push({ text: s, quoted: true, line: startLine, column: startCol });
      continue;
    }
    let s = '';
    while (i < text.length && !/[\s;{}]/.test(text[i]!) && !(text[i] === '#' && s === '')) {
      if (text[i] === '\\' && i + 1 < text.length) s += adv();
      s += adv();
    }
    tokens.push({ text: s, quoted: false, line: startLine, column: startCol });
  }
  return { tokens };
}

/** A directive still open where a block or the file ends (its `;` is missing). */
function unterminated(d: NginxDirective): NginxParseError {
  return { line: d.line, column: d.column, message: `"${d.name}" is not terminated by ";"` };
}

export function parseNginx(text: string): {
  directives: NginxDirective[];
  error?: NginxParseError;
} {
  const { tokens, error } = tokenize(text);
  if (error) return { directives: [], error };
  let pos = 0;
  const parseBlock = (
    depth: number,
    opener?: Token,
  ): { list: NginxDirective[]; error?: NginxParseError } => {
    const list: NginxDirective[] = [];
    let current: NginxDirective | undefined;
    while (pos < tokens.length) {
      const t = tokens[pos++]!;
      if (!t.quoted && t.text === '}') {
        if (current) return { list, error: unterminated(current) };
        if (depth === 0)
          return { list, error: { line: t.line, column: t.column, message: 'unexpected "}"' } };
        return { list };
      }
      if (!t.quoted && t.text === ';') {
        if (!current) continue;
        list.push(current);
        current = undefined;
        continue;
      }
      if (!t.quoted && t.text === '{') {
        if (!current)
          return { list, error: { line: t.line, column: t.column, message: 'unexpected "{"' } };
        const inner = parseBlock(depth + 1, t);
        current.block = inner.list;
        list.push(current);
        current = undefined;
        if (inner.error) return { list, error: inner.error };
        continue;
      }
      if (!current) current = { name: t.text, args: [], line: t.line, column: t.column };
      else current.args.push(t.text);
    }
    if (current) return { list, error: unterminated(current) };
    if (depth > 0 && opener)
      return {
        list,
        error: {
          line: opener.line,
          column: opener.column,
          message: 'unbalanced "{": no closing "}"',
        },
      };
    return { list };
  };
  const { list, error: e } = parseBlock(0);
  return e ? { directives: list, error: e } : { directives: list };
}
