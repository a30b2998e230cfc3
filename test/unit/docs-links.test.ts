import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link between the project's own Markdown files (README.md and docs/*.md) must
 * resolve: the file must exist, and a `#anchor` must name a heading of the target file, slugged
 * the way GitHub slugs headings. Links to other sites are not followed (no network here).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Fenced code blocks hold shell comments and `# HELP` lines that are not headings, and no links. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^ *(```|~~~)[^\n]*\n[\s\S]*?^ *\1[^\S\n]*$/gm, '');
}

/** GitHub's heading anchor: the heading's text, lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function githubSlug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown text defines; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutCodeBlocks(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = githubSlug(match[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Inline links `[text](target)`, outside code blocks and code spans, with their line numbers. */
function linksOf(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  // Blank out code blocks line by line, so that line numbers stay true.
  const lines = markdown.split('\n');
  let fence: string | undefined;
  lines.forEach((text, index) => {
    const opener = /^ *(```|~~~)/.exec(text)?.[1];
    if (fence !== undefined) {
      if (opener === fence) fence = undefined;
      return;
    }
    if (opener !== undefined) {
      fence = opener;
      return;
    }
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ target: match[1] ?? '', line: index + 1 });
    }
  });
  return links;
}

/** Broken links of `files` (name -> text), each as `file:line: target (why)`; `exists` says whether a non-Markdown path exists. */
function brokenLinks(files: Map<string, string>, exists: (path: string) => boolean): string[] {
  const broken: string[] = [];
  for (const [file, markdown] of files) {
    for (const { target, line } of linksOf(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...: another site's business
      const [path = '', anchor] = target.split('#', 2);
      const targetFile = path === '' ? file : join(dirname(file), decodeURIComponent(path));
      const where = `${file}:${line}: ${target}`;
      const text = files.get(targetFile);
      if (text === undefined) {
        if (!exists(targetFile)) broken.push(`${where} (no file ${targetFile})`);
        else if (anchor !== undefined && targetFile.endsWith('.md')) broken.push(`${where} (${targetFile} is not checked for anchors)`);
        continue;
      }
      if (anchor !== undefined && !anchorsOf(text).has(anchor)) broken.push(`${where} (no heading with anchor #${anchor} in ${targetFile})`);
    }
  }
  return broken;
}

function projectMarkdown(): Map<string, string> {
  const names = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  return new Map(names.map((name) => [name, readFileSync(join(root, name), 'utf8')]));
}

const existsInProject = (path: string): boolean => {
  const absolute = resolve(root, path);
  return !relative(root, absolute).startsWith('..') && existsSync(absolute);
};

describe('githubSlug', () => {
  it('slugs headings as GitHub does', () => {
    expect(githubSlug('Skipped rows, and keeping a group safe')).toBe('skipped-rows-and-keeping-a-group-safe');
    expect(githubSlug("node_exporter's textfile collector: `--textfile`")).toBe('node_exporters-textfile-collector---textfile');
    expect(githubSlug('Prometheus remote write: `--remote-write`')).toBe('prometheus-remote-write---remote-write');
    expect(githubSlug('The Pushgateway (default)')).toBe('the-pushgateway-default');
    expect(githubSlug('`--json`')).toBe('--json');
    expect(githubSlug('CI (GitHub Actions)')).toBe('ci-github-actions');
  });
});

describe('brokenLinks', () => {
  const page = ['# Title', '', '## A section', '', '```sh', '# not a heading', '[in code](missing.md)', '```', ''].join('\n');

  it('reports a missing file, a missing anchor and a heading that is only a code comment', () => {
    const files = new Map([
      ['README.md', ['See [docs](docs/page.md#a-section), [gone](docs/gone.md), [bad](docs/page.md#nowhere),', '[code](docs/page.md#not-a-heading) and [self](#top).', '', '# Top'].join('\n')],
      ['docs/page.md', page],
    ]);
    expect(brokenLinks(files, () => false)).toEqual([
      'README.md:1: docs/gone.md (no file docs/gone.md)',
      'README.md:1: docs/page.md#nowhere (no heading with anchor #nowhere in docs/page.md)',
      'README.md:2: docs/page.md#not-a-heading (no heading with anchor #not-a-heading in docs/page.md)',
    ]);
  });

  it('follows `..` from docs/ and leaves other sites alone', () => {
    const files = new Map([['docs/page.md', '[up](../README.md#title) [rules](../examples/alerts.yml) [web](https://example.invalid/x#y)'], ['README.md', '# Title']]);
    expect(brokenLinks(files, (path) => path === 'examples/alerts.yml')).toEqual([]);
    expect(brokenLinks(files, () => false)).toEqual(['docs/page.md:1: ../examples/alerts.yml (no file examples/alerts.yml)']);
  });
});

describe("the project's Markdown", () => {
  const files = projectMarkdown();

  it('has no broken relative link or anchor', () => {
    expect(brokenLinks(files, existsInProject)).toEqual([]);
  });

  it('links every docs page from the README', () => {
    const linked = new Set(linksOf(files.get('README.md') ?? '').map(({ target }) => target.split('#')[0]));
    const pages = [...files.keys()].filter((name) => name.startsWith('docs/'));
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });
});
