import { readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, ensureBuilt, root, typeCheck } from '../support/built-package.js';

/** A block whose first line names a repository file (`// examples/…/x.ts`) shows that file: it is checked against it, not compiled alone. */
const COPY_OF = /^\/\/ ((?:examples|src|bench|scripts)\/[\w./-]+\.ts)\n/;

/** Every ```ts block of the README and docs/, with where it comes from. */
function snippets(): { file: string; line: number; code: string }[] {
  const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return files.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
      file,
      line: text.slice(0, match.index).split('\n').length,
      code: match[1] ?? '',
    }));
  });
}

/**
 * The TypeScript in the docs compiles, as a user would paste it: each block its own module in
 * a strict project that depends on the built package (types from dist/, checked with
 * skipLibCheck off). A renamed option or a moved export breaks this test, not a reader.
 */
describe('TypeScript snippets in README.md and docs/', () => {
  const all = snippets();
  const blocks = all.filter((block) => !COPY_OF.test(block.code));
  const copies = all.filter((block) => COPY_OF.test(block.code));
  let project: string;

  beforeAll(async () => {
    await ensureBuilt();
    project = await consumerProject('snippets');
    const files: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const name = `snippet-${i}.ts`;
      files.push(name);
      // Each block is a module of its own (export {} keeps one without imports a module too).
      await writeFile(join(project, name), `${block.code}\nexport {};\n`);
    }
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], noUncheckedIndexedAccess: true },
        files,
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('finds the snippets', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it('a block that shows a repository file is that file, as it is (the file itself is type-checked and run)', () => {
    expect(copies.length).toBeGreaterThanOrEqual(1);
    for (const block of copies) {
      const [, path = ''] = COPY_OF.exec(block.code) ?? [];
      const shown = block.code.replace(COPY_OF, '');
      expect(readFileSync(join(root, path), 'utf8'), `${block.file}:${block.line} shows ${path}`).toContain(shown);
    }
  });

  it('every block type-checks against the built package', async () => {
    const result = await typeCheck(join(project, 'tsconfig.json'));
    // Point each error back at the document and line it came from.
    const located = result.output.replace(/snippet-(\d+)\.ts\((\d+),(\d+)\)/g, (_m, i: string, line: string) => {
      const block = blocks[Number(i)];
      return block === undefined ? _m : `${block.file}:${block.line + Number(line)}`;
    });
    expect(located).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
