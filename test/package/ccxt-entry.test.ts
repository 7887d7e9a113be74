import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceUrls } from '../../examples/simulated-exchange/ccxt-urls.js';
import { BinanceSimulator } from '../support/binance-simulator.js';
import { consumerProject, ensureBuilt, typeCheck } from '../support/built-package.js';

/** The last line of `output` that is JSON and not a log line. */
function lastJson(output: string): unknown {
  const line = output.trim().split('\n').reverse().find((l) => /^[[{"]/.test(l) && !l.startsWith('{"level"'));
  return line === undefined ? undefined : JSON.parse(line);
}

/** A script's line that places one market order through `exchange`. */
const trade = (exchange: string): string => `const order = await ${exchange}.createOrder('BTC/USDT', 'market', 'buy', 0.01);`;

/**
 * trading-telemetry/ccxt from the built package, as a user's project gets it beside their own
 * ccxt: both module formats, the require hook and OpenTelemetry's ESM loader hook for
 * CcxtInstrumentation, types in both resolution modes; and the root entry never loads ccxt.
 */
describe('the built package: trading-telemetry/ccxt', () => {
  let scratch: string;
  let simulator: BinanceSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureBuilt();
    scratch = await consumerProject('ccxt-entry', undefined, ['ccxt']);
    simulator = await BinanceSimulator.start();
    env = { ...(process.env as Record<string, string>), SIM_OPTIONS: JSON.stringify({ ...DEFAULT_API_CREDENTIALS, urls: binanceUrls(simulator.exchange.httpUrl) }) };
  }, 180_000);
  afterAll(async () => {
    await simulator.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** Runs node with `args` in the scratch project (the simulator's options in SIM_OPTIONS); the JSON it printed last. */
  const node = async (args: string[]): Promise<unknown> => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile('node', args, { cwd: scratch, env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: `${stdout}${stderr}` });
      });
    });
    expect(code, output).toBe(0);
    return lastJson(output);
  };

  it('the root entry point does not load ccxt (CommonJS, where the module cache shows it)', async () => {
    await writeFile(join(scratch, 'root.cjs'), `require('trading-telemetry');\nconsole.log(JSON.stringify({ ccxt: Object.keys(require.cache).some((path) => /[\\\\/]ccxt[\\\\/]/.test(path)) }));`);
    expect(await node(['root.cjs'])).toEqual({ ccxt: false });
  });

  it.each([
    ['esm', 'explicit.mjs', `import ccxt from 'ccxt';\nimport { createTradingTelemetry } from 'trading-telemetry';\nimport { instrumentExchange } from 'trading-telemetry/ccxt';`],
    ['cjs', 'explicit.cjs', `const ccxt = require('ccxt');\nconst { createTradingTelemetry } = require('trading-telemetry');\nconst { instrumentExchange } = require('trading-telemetry/ccxt');`],
  ])('instrumentExchange works through %s', async (format, name, imports) => {
    const body = `const telemetry = createTradingTelemetry();
const exchange = instrumentExchange(new ccxt.binance(JSON.parse(process.env.SIM_OPTIONS)), telemetry);
${trade('exchange')}
console.log(JSON.stringify({ stage: telemetry.orders.find(order.clientOrderId).stage }));`;
    await writeFile(join(scratch, name), format === 'esm' ? `${imports}\n${body}` : `${imports}\n(async () => {\n${body}\n})();`);
    expect(await node([name])).toEqual({ stage: 'filled' });
  });

  const register = (format: 'esm' | 'cjs'): string => {
    const lines = [
      ['@opentelemetry/sdk-trace-base', '{ InMemorySpanExporter, SimpleSpanProcessor }'],
      ['@opentelemetry/sdk-trace-node', '{ NodeTracerProvider }'],
      ['@opentelemetry/instrumentation', '{ registerInstrumentations }'],
      ['trading-telemetry/ccxt', '{ CcxtInstrumentation }'],
    ].map(([module, names]) => (format === 'esm' ? `import ${names} from '${module}';` : `const ${names} = require('${module}');`));
    return `${lines.join('\n')}
${format === 'esm' ? "import { register } from 'node:module';\nregister('@opentelemetry/instrumentation/hook.mjs', import.meta.url);" : ''}
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
registerInstrumentations({ instrumentations: [new CcxtInstrumentation()] });
globalThis.spanNames = () => exporter.getFinishedSpans().map((span) => span.name).sort();`;
  };
  const hooked = `console.log(JSON.stringify({ spans: globalThis.spanNames().filter((name) => !name.startsWith('GET ')) }));`;
  const expectedSpans = { spans: ['POST /api/v3/order', 'ccxt.createOrder', 'order.lifecycle'] };

  it('CcxtInstrumentation patches require("ccxt") (node -r ./register.cjs)', async () => {
    await writeFile(join(scratch, 'register.cjs'), register('cjs'));
    await writeFile(join(scratch, 'hooked.cjs'), `const ccxt = require('ccxt');\n(async () => {\nconst exchange = new ccxt.binance(JSON.parse(process.env.SIM_OPTIONS));\n${trade('exchange')}\n${hooked}\n})();`);
    expect(await node(['-r', './register.cjs', 'hooked.cjs'])).toEqual(expectedSpans);
  });

  it("CcxtInstrumentation patches import ccxt under OpenTelemetry's ESM loader hook (node --import ./register.mjs)", async () => {
    await writeFile(join(scratch, 'register.mjs'), register('esm'));
    await writeFile(join(scratch, 'hooked.mjs'), `import ccxt from 'ccxt';\nconst exchange = new ccxt.binance(JSON.parse(process.env.SIM_OPTIONS));\n${trade('exchange')}\n${hooked}`);
    expect(await node(['--import', './register.mjs', 'hooked.mjs'])).toEqual(expectedSpans);
  });

  it('types: the instance keeps its ccxt type; options are checked (skipLibCheck on: ccxt 4.5 declarations do not check strictly)', async () => {
    const typed = (imports: string): string => `${imports}
async function main(): Promise<void> {
  const handle = await startTelemetry({ serviceName: 'typed' });
  const exchange = instrumentExchange(new ccxt.pro.binance({ apiKey: 'k', secret: 's' }), handle, { strategy: 'mm', health: { degradedAfterSeconds: 3 } });
  const book = await exchange.watchOrderBook('BTC/USDT');
  const best: number | undefined = book.asks[0]?.[0];
  void best;
  // @ts-expect-error not an option
  instrumentExchange(exchange, handle, { strategi: 'mm' });
  // @ts-expect-error not a telemetry
  instrumentExchange(exchange, {});
}
void main;
`;
    await writeFile(join(scratch, 'typed.mts'), typed(`import ccxt from 'ccxt';\nimport { startTelemetry } from 'trading-telemetry';\nimport { instrumentExchange } from 'trading-telemetry/ccxt';`));
    await writeFile(join(scratch, 'typed.cts'), typed(`import ccxt = require('ccxt');\nimport tt = require('trading-telemetry');\nimport tc = require('trading-telemetry/ccxt');\nconst { startTelemetry } = tt;\nconst { instrumentExchange } = tc;`));
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, types: ['node'], skipLibCheck: true }, files: ['typed.mts', 'typed.cts'] }),
    );
    const tsc = await typeCheck(join(scratch, 'tsconfig.json'));
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
  }, 120_000);

  it("trading-telemetry/ccxt's own declarations check strictly (skipLibCheck off) without ccxt's", async () => {
    await writeFile(join(scratch, 'own.mts'), `import { instrumentExchange, type CcxtExchange } from 'trading-telemetry/ccxt';\nimport { createTradingTelemetry } from 'trading-telemetry';\ndeclare const exchange: CcxtExchange;\nconst same: CcxtExchange = instrumentExchange(exchange, createTradingTelemetry());\nvoid same;\n`);
    await writeFile(join(scratch, 'tsconfig.own.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, types: ['node'], skipLibCheck: false }, files: ['own.mts'] }));
    const tsc = await typeCheck(join(scratch, 'tsconfig.own.json'));
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
  }, 120_000);

});
