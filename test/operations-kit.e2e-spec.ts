import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { AlertOutboxBacklog } from '../src/alerting/alert-outbox.backlog';
import { TokenHealthService } from '../src/token-health/token-health.service';
import { httpServer } from './factories/http-server';
import { seedToken } from './factories/token.factory';
import {
  alertNames,
  dashboardExpressions,
  findPromtool,
  recordedNames,
  RULE_TESTS_FILE,
  ruleExpressions,
  RULES_FILE,
  RUNBOOK_FILE,
  testSeries,
} from './support/deploy-kit';
import { FakeOAuthProvider } from './support/fake-oauth-provider';
import { Selector, selectorsOf } from './support/promql-selectors';
import { useSecretScan } from './support/secret-scan';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { WebhookSink } from './support/webhook-sink';

useSecretScan();

/** Labels Prometheus adds to every scraped series (the target's), and the series it makes itself. */
const TARGET_LABELS = ['job', 'instance'];
const PROMETHEUS_SERIES = ['up'];
const PROMTOOL_MISSING = 'promtool is not installed: apt-get install -y prometheus';

describe('Prometheus rules under promtool', () => {
  const promtool = findPromtool();
  if (!promtool) {
    // CI installs promtool and sets REQUIRE_PROMTOOL=1, so there a missing promtool is a failure, not a skip.
    if (process.env.REQUIRE_PROMTOOL === '1') {
      it(`${PROMTOOL_MISSING} (REQUIRE_PROMTOOL=1)`, () => {
        throw new Error(PROMTOOL_MISSING);
      });
    } else {
      console.warn(`${PROMTOOL_MISSING}; the rules are not checked by promtool on this machine`);
      it.skip(PROMTOOL_MISSING, () => undefined);
    }
    return;
  }

  const run = (...args: string[]) => {
    const result = spawnSync(promtool, args, { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  it('passes promtool check rules', () => {
    expect(run('check', 'rules', RULES_FILE)).toMatchObject({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('passes promtool test rules', () => {
    expect(run('test', 'rules', RULE_TESTS_FILE)).toMatchObject({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe('the runbook (docs/operations.md)', () => {
  it.each(alertNames())('says what %s means and what to do, in its own section', (alert) => {
    const runbook = readFileSync(RUNBOOK_FILE, 'utf8');

    expect(runbook).toContain(`\n### ${alert}\n`);
    expect(runbook).toMatch(new RegExp(`^\\| \`${alert}\` \\|`, 'm'));
  });
});

/** Metric name → the label names of its samples, from one scrape of /metrics. */
type ExportedSeries = Map<string, Set<string>>;

function exportedSeries(text: string): ExportedSeries {
  const series: ExportedSeries = new Map();
  for (const line of text.split('\n').filter((candidate) => candidate && !candidate.startsWith('#'))) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!match) throw new Error(`Not a Prometheus sample: ${line}`);
    const labels = series.get(match[1]) ?? new Set<string>();
    for (const [, label] of (match[2] ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) labels.add(label);
    series.set(match[1], labels);
  }
  return series;
}

describe('the series the rules and the dashboard name', () => {
  let database: TestDatabase;
  let zoho: FakeOAuthProvider;
  let slack: WebhookSink;
  let app: TestApp;
  let exported: ExportedSeries;

  // A scrape after one cycle with a dead grant and its alert, so every series has samples.
  beforeAll(async () => {
    database = await createTestDatabase();
    zoho = await FakeOAuthProvider.start();
    slack = await WebhookSink.start();
    app = await startTestApp({ DATABASE_URL: database.url, ZOHO_ACCOUNTS_URL: zoho.url, SLACK_WEBHOOK_URL: slack.url });
    const revoked = await seedToken(app, { clientId: 'globex', expiresInMinutes: 10 });
    zoho.whenRefreshing(revoked.refreshToken!, { status: 400, body: { error: 'invalid_grant' } });
    await app.get(TokenHealthService).runScheduledCheck();
    await slack.waitFor(1);
    await app.get(AlertOutboxBacklog).refresh();
    exported = exportedSeries((await request(httpServer(app)).get('/metrics')).text);
  });

  afterAll(async () => {
    await app?.close();
    await slack?.close();
    await zoho?.close();
    await database?.drop();
  });

  const unknownMetrics = (selectors: Selector[], alsoKnown: string[] = []) =>
    [...new Set(selectors.map((selector) => selector.metric))].filter((metric) => !exported.has(metric) && !alsoKnown.includes(metric));

  const unknownLabels = (selectors: Selector[]) =>
    selectors.flatMap(({ metric, labels }) => {
      const known = exported.get(metric);
      if (!known) return [];
      return labels.filter((label) => !known.has(label) && !TARGET_LABELS.includes(label)).map((label) => `${metric}{${label}}`);
    });

  const ruleSelectors = () => ruleExpressions().flatMap(selectorsOf);
  const dashboardSelectors = () => dashboardExpressions().flatMap(selectorsOf);

  it('finds the expressions to check in the rules and the dashboard', () => {
    expect(ruleExpressions().length).toBeGreaterThanOrEqual(10);
    expect(dashboardExpressions().length).toBeGreaterThanOrEqual(15);
  });

  it('exports every metric a rule selects (apart from the rules’ own recordings and Prometheus’ up)', () => {
    expect(unknownMetrics(ruleSelectors(), [...recordedNames(), ...PROMETHEUS_SERIES])).toEqual([]);
  });

  it('exports every metric a dashboard query selects', () => {
    expect(unknownMetrics(dashboardSelectors())).toEqual([]);
  });

  it('exports every label a rule or a dashboard query matches on, on that metric', () => {
    expect(unknownLabels([...ruleSelectors(), ...dashboardSelectors()])).toEqual([]);
  });

  it('feeds the rule tests series with exported names and exactly the exported labels (plus job and instance)', () => {
    const mismatches = testSeries()
      .map((series) => selectorsOf(series))
      .flatMap(([{ metric, labels }]) => {
        if (PROMETHEUS_SERIES.includes(metric)) return [];
        const known = exported.get(metric);
        const own = labels.filter((label) => !TARGET_LABELS.includes(label)).sort();
        return known && JSON.stringify(own) === JSON.stringify([...known].sort()) ? [] : [`${metric}{${own.join(',')}}`];
      });

    expect(mismatches).toEqual([]);
  });
});
