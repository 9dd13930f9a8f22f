// Reads the operations kit under deploy/: the expressions its rules and dashboard query, the series
// its rule tests feed, and where promtool is. Rule files are read line by line (one `expr:` per line),
// so the spec needs no YAML parser; promtool itself reads them as YAML.
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './repo-root';

export const RULES_FILE = join(REPO_ROOT, 'deploy/prometheus/token-health.rules.yml');
export const RULE_TESTS_FILE = join(REPO_ROOT, 'deploy/prometheus/token-health.rules.test.yml');
export const DASHBOARD_FILE = join(REPO_ROOT, 'deploy/grafana/token-health.json');
export const RUNBOOK_FILE = join(REPO_ROOT, 'docs/operations.md');

/** Every `expr:` of the rules file. */
export function ruleExpressions(file = RULES_FILE): string[] {
  return valuesOf(readFileSync(file, 'utf8'), 'expr');
}

/** The names the rules file records (`record:`). */
export function recordedNames(file = RULES_FILE): string[] {
  return valuesOf(readFileSync(file, 'utf8'), 'record');
}

/** The names of the rules file's alerts (`alert:`). */
export function alertNames(file = RULES_FILE): string[] {
  return valuesOf(readFileSync(file, 'utf8'), 'alert');
}

/** Every `series:` a rule test feeds. */
export function testSeries(file = RULE_TESTS_FILE): string[] {
  return valuesOf(readFileSync(file, 'utf8'), 'series');
}

function valuesOf(yaml: string, key: string): string[] {
  const line = new RegExp(`^\\s*(?:- )?${key}:\\s*(.*?)\\s*$`);
  return yaml.split('\n').flatMap((text) => {
    const value = line.exec(text)?.[1];
    if (value === undefined) return [];
    if (/^[|>]/.test(value) || value === '') throw new Error(`Write each ${key} on one line: ${text.trim()}`);
    return [/^'.*'$/.test(value) ? value.slice(1, -1).replaceAll("''", "'") : /^".*"$/.test(value) ? (JSON.parse(value) as string) : value];
  });
}

/** Every PromQL expression of the dashboard: panel targets and query variables (`label_values(<expr>, label)`). */
export function dashboardExpressions(file = DASHBOARD_FILE): string[] {
  const expressions: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'expr' && typeof value === 'string') expressions.push(value);
      else walk(value);
    }
  };
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: unknown; templating: { list: { type: string; query: unknown }[] } };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list.filter((candidate) => candidate.type === 'query')) {
    const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query: string }).query;
    const labelValues = /^label_values\((.+),\s*\w+\)$/.exec(query);
    expressions.push(labelValues ? labelValues[1] : query);
  }
  return expressions;
}

/** promtool's path when it is on PATH. */
export function findPromtool(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
