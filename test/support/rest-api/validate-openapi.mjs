// Lints an OpenAPI document with Redocly's validator (its "recommended" rules, the spec's own structure
// rules among them) and prints the problems as JSON. A child process: the validator is ESM-only.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const path = resolve(process.argv[2]);
// The package is unlicensed (private), so the document names no license.
const config = await createConfig({ extends: ['recommended'], rules: { 'info-license': 'off' } });
const problems = await lintFromString({ source: readFileSync(path, 'utf8'), absoluteRef: path, config });
const shown = problems.map(({ ruleId, severity, message, location }) => ({ ruleId, severity, message, at: location[0]?.pointer }));
process.stdout.write(JSON.stringify(shown));
