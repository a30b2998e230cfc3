import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The house rules of src/, checked on its import graph: no circular import (`import type` and
// dynamic `import()` included), and no destination importing another.

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
  );
}

/** Every relative module a file names: `import`, `import type`, `export ... from` and `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.[^']+)'/gm)].map((match) => match[1] as string);
  return specifiers.map((specifier) => relative(SRC, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
}

const graph = new Map(sourceFiles(SRC).map((file) => [relative(SRC, file), importsOf(file)]));

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      found.push([...path.slice(path.indexOf(node)), node]);
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

describe('the import graph of src/', () => {
  it('names only files that exist', () => {
    const missing = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`));
    expect(missing).toEqual([]);
    // The walk sees the rooms it checks.
    expect(graph.get('destinations/pushgateway.ts')).toContain('pipeline/run.ts');
  });

  it('has no circular import', () => {
    expect(cycles().map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    graph.set('a.ts', ['b.ts']);
    graph.set('b.ts', ['a.ts']);
    try {
      expect(cycles().map((cycle) => cycle.join(' -> '))).toEqual(['a.ts -> b.ts -> a.ts']);
    } finally {
      graph.delete('a.ts');
      graph.delete('b.ts');
    }
  });

  it('has no destination importing another; only choose.ts names them all', () => {
    const destinations = [...graph.keys()].filter((file) => file.startsWith('destinations/') && file !== 'destinations/choose.ts');
    expect(destinations).toEqual(expect.arrayContaining(['destinations/pushgateway.ts', 'destinations/textfile.ts', 'destinations/remote-write.ts', 'destinations/dry-run.ts']));
    const crossings = destinations.flatMap((file) => (graph.get(file) ?? []).filter((target) => destinations.includes(target)).map((target) => `${file} -> ${target}`));
    expect(crossings).toEqual([]);
  });
});
