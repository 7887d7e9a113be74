import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotUnderTest } from '../../src/chaos/bot-under-test.js';
import { RiskState } from '../../src/alerting/risk-state.js';
import { tradingDayOf } from '../../src/alerting/trading-day.js';

const root = resolve(import.meta.dirname, '../..');

describe('the trading day', () => {
  it('begins at UTC midnight by default, or at a local hour in a time zone, daylight saving included', () => {
    expect(tradingDayOf(Date.parse('2026-12-01T23:59:59Z'))).toBe('2026-12-01');
    expect(tradingDayOf(Date.parse('2026-12-02T00:00:00Z'))).toBe('2026-12-02');
    const newYorkFx = { timeZone: 'America/New_York', startHour: 17 };
    // Winter (UTC−5): 17:00 local is 22:00 UTC.
    expect(tradingDayOf(Date.parse('2026-12-01T21:59:00Z'), newYorkFx)).toBe('2026-11-30');
    expect(tradingDayOf(Date.parse('2026-12-01T22:00:00Z'), newYorkFx)).toBe('2026-12-01');
    // Summer (UTC−4): 17:00 local is 21:00 UTC.
    expect(tradingDayOf(Date.parse('2026-07-01T20:59:00Z'), newYorkFx)).toBe('2026-06-30');
    expect(tradingDayOf(Date.parse('2026-07-01T21:00:00Z'), newYorkFx)).toBe('2026-07-01');
    expect(tradingDayOf(Date.parse('2026-03-01T00:30:00Z'), { startHour: 1 })).toBe('2026-02-28');
  });
});

describe('RiskState, on a fake clock', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the day’s start and the high-water mark across a restart, and starts the next day afresh', async () => {
    dir = await mkdtemp(join(tmpdir(), 'risk-'));
    const path = join(dir, 'incidents.jsonl.risk.json');
    const day = Date.parse('2026-12-01T08:00:00Z');
    const first = await RiskState.open({ path });
    expect(first.observe(day, 0)).toMatchObject({ tradingDay: '2026-12-01', dayStartPnl: 0, dailyPnl: 0, highWaterMark: 0, drawdown: 0 });
    expect(first.observe(day + 60_000, 2_000)).toMatchObject({ dailyPnl: 2_000, highWaterMark: 2_000, drawdown: 0 });
    expect(first.observe(day + 120_000, -6_000)).toMatchObject({ dailyPnl: -6_000, highWaterMark: 2_000, drawdown: 8_000 });
    await first.close();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ tradingDay: '2026-12-01', dayStartPnl: 0, highWaterMark: 2_000 });

    const restarted = await RiskState.open({ path });
    expect(restarted.observe(day + 600_000, -10_900)).toMatchObject({ dayStartPnl: 0, dailyPnl: -10_900, drawdown: 12_900 });
    const tomorrow = Date.parse('2026-12-02T00:00:01Z');
    expect(restarted.observe(tomorrow, -10_900)).toMatchObject({ tradingDay: '2026-12-02', dayStartPnl: -10_900, dailyPnl: 0, highWaterMark: 2_000 });
    await restarted.close();
  });

  it('a failed write is shown as degraded health, and the state stays in memory', async () => {
    const state = await RiskState.open({ path: '/sys/trading-telemetry-test/risk.json', writeEveryMillis: 0 });
    expect(state.observe(Date.parse('2026-12-01T08:00:00Z'), -100).dailyPnl).toBe(0);
    await state.close();
    expect(state.health()).toMatchObject({ status: 'degraded' });
  });
});

/**
 * The repro of #18: a bot at −6000 that restarts and falls to −10900 stayed normal, because the
 * limit took the P&L at the first evaluation after start as the day's start. Both runs are
 * separate processes; the first is killed (kill -9) mid-day.
 */
describe('the daily loss limit survives a restart', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  // The day boundary twelve hours from now, so the test never straddles it.
  const DAY_START_HOUR = String((new Date().getUTCHours() + 12) % 24);

  async function governorAfter(incidents: string, steps: string, waitMillis: number): Promise<{ state: string; firing: string[] }> {
    const bot = await BotUnderTest.start({ command: ['node_modules/.bin/tsx', 'test/alerting/fixtures/loss-limit-bot.ts'], cwd: root, env: { INCIDENTS_PATH: incidents, PNL_STEPS: steps, DAY_START_HOUR } });
    try {
      await new Promise((r) => setTimeout(r, waitMillis));
      const body = (await (await fetch(`${bot.url}/api/alerts`)).json()) as { governor: { state: string }; alerts: { rule: string; state: string }[] };
      return { state: body.governor.state, firing: body.alerts.filter((a) => a.state === 'firing').map((a) => a.rule) };
    } finally {
      await bot.kill();
    }
  }

  it('halts the restarted bot once the day’s total loss passes the limit; without the kept state it would not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'restart-'));
    dirs.push(dir);
    const incidents = join(dir, 'incidents.jsonl');
    // Run 1: the day starts at 0 and falls to −6000; then a crash.
    expect(await governorAfter(incidents, '0,-6000', 2_500)).toEqual({ state: 'normal', firing: [] });
    // Run 2, the same day: the P&L the bot reports resumes at −6000 and falls to −10900.
    expect(await governorAfter(incidents, '-6000,-10900', 2_500)).toEqual({ state: 'halted', firing: ['daily_loss_limit'] });
    // The same second run with no kept state (what happened before): the day would "start" at −6000.
    const fresh = await mkdtemp(join(tmpdir(), 'restart-fresh-'));
    dirs.push(fresh);
    expect(await governorAfter(join(fresh, 'incidents.jsonl'), '-6000,-10900', 2_500)).toEqual({ state: 'normal', firing: [] });
  }, 60_000);
});
