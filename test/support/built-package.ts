import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from './processes.js';

/** The repository root. */
export const root = resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds dist/ unless it is newer than every file of src/ (so test files that need it build once per change). */
export async function ensureBuilt(): Promise<void> {
  const marker = join(root, 'dist', 'index.js');
  if (existsSync(marker) && statSync(marker).mtimeMs > newest(join(root, 'src'))) return;
  const build = await run('npm', ['run', 'build', '--prefix', root]);
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.output}`);
}

/**
 * The packages a user's install of trading-telemetry brings: its production dependency tree
 * (as `npm ls --omit=dev` lists it), plus the peer `@opentelemetry/api` and `@types/node`,
 * which a TypeScript Node app has. No devDependency (@types/ws, vitest…) is among them.
 */
async function installedForUsers(): Promise<string[]> {
  const listed = await run('npm', ['ls', '--omit=dev', '--all', '--parseable', '--prefix', root]);
  const prefix = `${join(root, 'node_modules')}/`;
  const names = new Set<string>(['@opentelemetry/api', '@types/node', 'undici-types']);
  for (const line of listed.output.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const [first = '', second = ''] = line.slice(prefix.length).split('/');
    names.add(first.startsWith('@') ? `${first}/${second}` : first);
  }
  return [...names];
}

/**
 * A scratch project, as a user's would look after `npm install trading-telemetry`: a temp folder
 * whose node_modules holds the package (this repository, linked; or `tarball`, the output of
 * `npm pack`, unpacked in place) and, beside it, the packages such an install brings (linked
 * from this repository's node_modules, so nothing is fetched from a registry), plus `alongside`:
 * what the user installed beside it (ccxt, for `trading-telemetry/ccxt`).
 */
export async function consumerProject(prefix: string, tarball?: string, alongside: readonly string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `trading-telemetry-${prefix}-`));
  const modules = join(dir, 'node_modules');
  const pkg = join(modules, 'trading-telemetry');
  if (tarball === undefined) {
    await mkdir(modules, { recursive: true });
    await symlink(root, pkg, 'dir');
  } else {
    await mkdir(pkg, { recursive: true });
    const untar = await run('tar', ['-xzf', tarball, '-C', pkg, '--strip-components', '1']);
    if (untar.code !== 0) throw new Error(`tar failed: ${untar.output}`);
  }
  for (const name of [...(await installedForUsers()), ...alongside]) {
    if (!existsSync(join(root, 'node_modules', name))) continue;
    await mkdir(dirname(join(modules, name)), { recursive: true });
    await symlink(join(root, 'node_modules', name), join(modules, name), 'dir');
  }
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return dir;
}

/** Runs the TypeScript compiler of this repository on `project` (a tsconfig.json). */
export function typeCheck(project: string): Promise<{ code: number; output: string }> {
  return run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', project]);
}
