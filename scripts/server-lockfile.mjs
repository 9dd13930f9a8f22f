// The part of the repo's package-lock.json that a set of root dependencies reaches, as the
// lockfile of its own project: the same paths, versions and integrity hashes, resolved the way
// Node resolves (nearest node_modules up the tree), so `npm ci` installs exactly that subtree.

/** `server` is the new project's package.json; its dependencies must sit at the top of `lockfile`. */
export function lockfileSubset(lockfile, server) {
  const { packages } = lockfile;
  const root = { name: server.name, version: server.version, license: server.license, dependencies: server.dependencies, engines: server.engines };
  const reached = reach(packages, root, true);
  const required = reach(packages, root, false);
  const subset = { '': root };
  for (const path of [...reached].sort()) {
    // The repo's dev/peer flags describe its own tree; here everything reached is a production dependency.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, optional: _optional, ...entry } = packages[path];
    subset[path] = required.has(path) ? entry : { ...entry, optional: true };
  }
  return { name: server.name, version: server.version, lockfileVersion: 3, requires: true, packages: subset };
}

/** Lockfile paths reachable from `root`; through optional edges too when `withOptional`. */
function reach(packages, root, withOptional) {
  const reached = new Set();
  const queue = [['', root]];
  while (queue.length > 0) {
    const [from, entry] = queue.shift();
    for (const { name, optional } of edgesOf(entry)) {
      if (optional && !withOptional) continue;
      const path = resolveFrom(packages, from, name);
      if (!path) {
        if (optional) continue;
        throw new Error(`package-lock.json has no ${name} where ${from || 'the root'} would find it`);
      }
      if (reached.has(path)) continue;
      reached.add(path);
      queue.push([path, packages[path]]);
    }
  }
  return reached;
}

function edgesOf(entry) {
  const optionalPeers = entry.peerDependenciesMeta ?? {};
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    // npm installs peers; an optional peer only when something else brings it.
    ...Object.keys(entry.peerDependencies ?? {})
      .filter((name) => !optionalPeers[name]?.optional)
      .map((name) => ({ name, optional: false })),
  ];
}

/** The path Node's resolution finds `name` at from the package at `from`: its own node_modules, then each parent's. */
function resolveFrom(packages, from, name) {
  for (let base = from; ;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}
