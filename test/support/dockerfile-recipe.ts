// The repo's Dockerfile read as a recipe, so a spec without a container runtime replays the
// same steps: what the build stage runs, and how the final image is configured and started.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';

export interface DockerfileRecipe {
  /** The build stage's RUN commands, in order. */
  buildRuns: string[];
  /** The final stage's ENV settings. */
  env: Record<string, string>;
  user: string | undefined;
  /** Exec-form CMD and HEALTHCHECK CMD of the final stage. */
  cmd: string[];
  healthcheck: string[];
  /** Where the final stage copies the build stage's output from and to. */
  copiedFromBuild: { from: string; to: string } | undefined;
}

export function readDockerfile(path = join(REPO_ROOT, 'Dockerfile')): DockerfileRecipe {
  const stages: string[][] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const instruction = line.trim();
    if (!instruction || instruction.startsWith('#')) continue;
    if (/^FROM\s/i.test(instruction)) stages.push([]);
    stages[stages.length - 1]?.push(instruction);
  }
  const [build, final] = [stages[0], stages[stages.length - 1]];
  const argumentsOf = (stage: string[], keyword: string) =>
    stage
      .filter((instruction) => instruction.toUpperCase().startsWith(`${keyword} `))
      .map((instruction) => instruction.slice(keyword.length + 1).trim());
  const copy = argumentsOf(final, 'COPY')
    .map((args) => /^--from=\S+\s+(\S+)\s+(\S+)$/.exec(args))
    .find(Boolean);
  return {
    buildRuns: argumentsOf(build, 'RUN'),
    env: Object.fromEntries(argumentsOf(final, 'ENV').map((args) => args.split('=', 2) as [string, string])),
    user: argumentsOf(final, 'USER').pop(),
    cmd: JSON.parse(argumentsOf(final, 'CMD').pop() ?? '[]') as string[],
    healthcheck: JSON.parse(/CMD\s+(\[.*\])$/.exec(argumentsOf(final, 'HEALTHCHECK').pop() ?? '')?.[1] ?? '[]') as string[],
    copiedFromBuild: copy ? { from: copy[1], to: copy[2] } : undefined,
  };
}
