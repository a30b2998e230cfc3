import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// What a TypeScript caller of the package sees is dist/*.d.ts, built by `npm test` before the tests.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Every interface, type alias, class or enum of the package that an export's declaration names,
 * directly or through another such type, without being exported itself.
 */
function unexportedTypesInSignatures(): string[] {
  const entry = join(DIST, 'index.d.ts');
  const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'], noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry) as ts.SourceFile);
  if (moduleSymbol === undefined) throw new Error(`${entry} is not a module`);
  const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const exports = checker.getExportsOfModule(moduleSymbol);
  const exported = new Set(exports.map(resolve));
  const missing = new Set<string>();
  const visited = new Set<ts.Symbol>();
  const isOwnType = (declaration: ts.Declaration): boolean =>
    declaration.getSourceFile().fileName.startsWith(DIST) &&
    (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration) || ts.isClassDeclaration(declaration) || ts.isEnumDeclaration(declaration));

  const visitSymbol = (symbol: ts.Symbol, namedIn: string): void => {
    const target = resolve(symbol);
    const declaration = target.declarations?.[0];
    if (declaration === undefined || !declaration.getSourceFile().fileName.startsWith(DIST)) return;
    if (isOwnType(declaration) && !exported.has(target)) missing.add(`${target.getName()} (named by ${namedIn})`);
    if (visited.has(target)) return;
    visited.add(target);
    for (const node of target.declarations ?? []) visitNode(node, target.getName());
  };
  const visitNode = (node: ts.Node, namedIn: string): void => {
    let name: ts.Node | undefined;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    else if (ts.isImportTypeNode(node)) name = node.qualifier;
    else if (ts.isTypeQueryNode(node)) name = node.exprName;
    if (name !== undefined) {
      const rightmost = ts.isQualifiedName(name) ? name.right : name;
      const symbol = checker.getSymbolAtLocation(rightmost);
      if (symbol !== undefined) visitSymbol(symbol, namedIn);
    }
    ts.forEachChild(node, (child) => visitNode(child, namedIn));
  };
  for (const symbol of exports) visitSymbol(symbol, symbol.getName());
  return [...missing].sort();
}

const CONSUMER = `
import { Readable } from 'node:stream';
import {
  CsvPushError, preparePush, pushCsv, sendPush, parseMaxSkipped,
  type CsvDialectOptions, type GatewayAddress, type GroupingLabels, type PreparedPush, type PushCsvOptions,
  type ReadProgress, type RunReport, type SkipReason, type SkippedRow,
} from 'csv-push';

const dialect: CsvDialectOptions = { delimiter: 'tab', quote: 'none' };
const labels: GroupingLabels = { instance: 'web-1' };
const options: PushCsvOptions = {
  sources: [{ name: 'inline', stream: Readable.from(['host\\tload\\nweb-1\\t1\\n']) }],
  job: 'example',
  metric: 'inline',
  valueColumns: ['load'],
  groupingLabels: labels,
  dialect,
  maxSkipped: '5%',
  allowShortRows: true,
  skipEmptyValues: true,
  method: 'POST',
  onProgress: (progress: ReadProgress) => void progress.totalBytes,
};

export async function run(): Promise<number> {
  const prepared: PreparedPush = await preparePush({ ...options, job: undefined });
  const address: GatewayAddress = prepared.address;
  const reasons: Record<SkipReason, number> = { ...prepared.report.skippedByReason };
  const first: SkippedRow | undefined = prepared.report.skipped[0];
  parseMaxSkipped(10);
  try {
    const report: RunReport = prepared.path === undefined ? await pushCsv(options) : await sendPush(prepared);
    return report.series + reasons.emptyValue + (first?.line ?? 0) + address.base.port.length;
  } catch (error) {
    return error instanceof CsvPushError ? error.exitCode : 1;
  }
}
`;

describe('the library as a TypeScript caller sees it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-consumer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports every type its exported signatures name', () => {
    expect(unexportedTypesInSignatures()).toEqual([]);
  });

  it('compiles a consumer with strict and skipLibCheck false against the built package', () => {
    // The package as npm would link it: node_modules/csv-push resolves through package.json's exports.
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT.replace(/\/$/, ''), join(dir, 'node_modules', 'csv-push'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const result = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', cwd: dir });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});
