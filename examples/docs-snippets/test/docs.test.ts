import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const docs = join(root, 'docs');
const out = resolve(here, '../.snippets');

/**
 * Fences tagged ```ts are complete modules. Fences tagged ```ts snippet are fragments that use
 * these names without declaring them (an `sb` already started, a customer phone, a calendar).
 * A fence tagged `requires=@switchboard/<pkg>` is checked once packages/<pkg> exists in this
 * tree (until then a notice is printed).
 */
const PRELUDE = `import type { BusinessCalendar, Switchboard } from '@switchboard/core';
declare const sb: Switchboard;
declare const customerPhone: string;
declare const ticketId: string;
declare const cairoHours: BusinessCalendar;
`;

interface Snippet {
  doc: string;
  line: number;
  code: string;
  file: string;
  offset: number;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'api' && dir === docs ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

function snippets(): Snippet[] {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const found: Snippet[] = [];
  for (const doc of markdownFiles(docs)) {
    const lines = readFileSync(doc, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(ts|typescript)\b(.*)$/.exec(lines[i]!);
      if (!open) continue;
      const start = i + 1;
      while (i + 1 < lines.length && lines[i + 1] !== '```') i++;
      const code = lines.slice(start, i + 1).join('\n');
      i++;
      const requires = /requires=@switchboard\/([a-z-]+)/.exec(open[2]!)?.[1];
      if (requires && !existsSync(join(root, 'packages', requires, 'package.json'))) {
        console.warn(`docs: not type-checking ${relative(root, doc)}:${start + 1} until packages/${requires} exists`);
        continue;
      }
      const fragment = open[2]!.includes('snippet');
      const name = `${relative(docs, doc).replace(/[^a-z0-9]+/gi, '-')}-L${start}.ts`;
      const file = join(out, name);
      writeFileSync(file, `${fragment ? PRELUDE : ''}${code}\nexport {};\n`);
      found.push({ doc: relative(root, doc), line: start + 1, code, file, offset: fragment ? PRELUDE.split('\n').length - 1 : 0 });
    }
  }
  return found;
}

describe('docs', () => {
  // tsc runs in a child process: one program over the snippets and every package's sources takes
  // a minute or more, and blocking the test worker that long makes vitest's RPC time out.
  it('every TypeScript snippet type-checks against the packages', async () => {
    const all = snippets();
    expect(all.length).toBeGreaterThan(5);
    const config = join(out, 'tsconfig.json');
    writeFileSync(config, JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, files: all.map((s) => s.file) }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const output = await new Promise<string>((done) => {
      execFile(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { maxBuffer: 16 * 1024 * 1024 }, (_error, stdout) => done(stdout));
    });
    const byFile = new Map(all.map((s) => [resolve(s.file), s]));
    const problems: string[] = [];
    const unmapped: string[] = [];
    for (const line of output.split('\n').filter(Boolean)) {
      const m = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
      const snippet = m ? byFile.get(resolve(out, m[1]!)) ?? byFile.get(resolve(m[1]!)) : undefined;
      if (m && snippet) problems.push(`${snippet.doc}:${snippet.line + Number(m[2]) - 1 - snippet.offset}: ${m[3]}`);
      else if (/error TS\d+/.test(line)) unmapped.push(line);
    }
    expect(problems).toEqual([]);
    expect(unmapped).toEqual([]);
  }, 240_000); // one TypeScript program over the snippets and every package's sources

  it('every relative link in docs/ and the READMEs points at a file that exists', () => {
    const readmes = [join(root, 'README.md'), ...['packages', 'examples'].flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p, 'README.md')))].filter((p) => existsSync(p));
    const broken: string[] = [];
    for (const file of [...markdownFiles(docs), ...readmes]) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const path = decodeURIComponent(target!.split('#')[0]!);
        if (!existsSync(resolve(dirname(file), path))) broken.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
