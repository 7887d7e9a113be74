import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../support/processes.js';

const deploy = resolve(import.meta.dirname, '../../deploy');

describe('Prometheus alert rules and the Alertmanager config', () => {
  it('promtool check rules passes on the rule file', async () => {
    const result = await run('promtool', ['check', 'rules', resolve(deploy, 'prometheus/alerts.yml')]);
    expect(result.output).toContain('SUCCESS: 17 rules found');
    expect(result.code).toBe(0);
  });

  it('promtool test rules: every alert fires, and does not fire, as its unit tests say', async () => {
    const result = await run('promtool', ['test', 'rules', resolve(deploy, 'prometheus/alerts.test.yml')]);
    expect(result.output, result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('every alert has a unit test where it fires and one where it stays quiet', async () => {
    const rules = parse(await readFile(resolve(deploy, 'prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const tests = parse(await readFile(resolve(deploy, 'prometheus/alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const alert of rules.groups.flatMap((g) => g.rules.map((r) => r.alert))) {
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0), `${alert} fires in a test`).toBe(true);
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0), `${alert} stays quiet in a test`).toBe(true);
    }
  });

  it('amtool check-config passes on the Alertmanager config', async () => {
    const result = await run('amtool', ['check-config', resolve(deploy, 'alertmanager/alertmanager.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});
