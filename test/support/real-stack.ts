import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAlertSink } from './alert-sink.js';
import { type BotProcess, eventually, startBotProcess } from './bot-process.js';
import { replaceExactly } from './config-rewrite.js';
import { freePort } from './processes.js';
import { type ServiceProcess, startService } from './service-process.js';
import { stackBinary } from './stack-tools.js';

const root = resolve(import.meta.dirname, '../..');
const shipped = (path: string): Promise<string> => readFile(resolve(root, path), 'utf8');

/** What a test may add to the bot it runs inside the stack. */
export interface RealStackOptions {
  /** Extra `npm start -- …` flags. */
  readonly botArgs?: readonly string[];
  /** Extra environment for the bot (e.g. more OTEL_* variables). */
  readonly botEnv?: Readonly<Record<string, string>>;
  /**
   * Also run a second bot, `example-trading-bot-otlp`, that pushes its metrics over OTLP
   * through the Collector into Prometheus's OTLP receiver instead of being scraped
   * (OTEL_METRICS_EXPORTER=otlp, every 2 s), with the same flags and environment.
   */
  readonly pushingBot?: boolean;
}

/** Base URLs of the running stack, all on 127.0.0.1. */
export interface StackUrls {
  readonly jaeger: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  /** The Collector's OTLP/HTTP receiver (what the bot's OTEL_EXPORTER_OTLP_ENDPOINT points at). */
  readonly collectorOtlpHttp: string;
  /** The Collector's Prometheus exporter (span metrics). */
  readonly collectorMetrics: string;
}

/** The example bot inside the real stack, as docker-compose.yml wires it, on loopback ports. */
export interface RealStack {
  readonly bot: BotProcess;
  readonly serviceName: string;
  /** The bot that pushes its metrics, with {@link RealStackOptions.pushingBot}. */
  readonly pushingBot: { readonly bot: BotProcess; readonly serviceName: string } | undefined;
  /** The bearer token the bot's server was given, and that Prometheus sends. */
  readonly token: string;
  readonly urls: StackUrls;
  /** Every notification Alertmanager delivered to the webhook, Slack and Telegram stand-ins. */
  readonly notifications: Awaited<ReturnType<typeof startAlertSink>>['notifications'];
  /** The last output of every component, for failure messages. */
  logs(): string;
  /** Stops every process (bot first), and removes the scratch folder. */
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager, Jaeger, the Collector, the example bot (and, with `pushingBot`, a second
 * one that pushes its metrics) and Prometheus, built from source (scripts/build-components.sh),
 * each on the config this repository ships, rewritten only for listen addresses, the peers'
 * addresses and file paths; the receivers of alertmanager.yml point at a webhook server on 127.0.0.1.
 */
export async function startRealStack(options: RealStackOptions = {}): Promise<RealStack> {
  const dir = await mkdtemp(join(tmpdir(), 'real-stack-'));
  const services: ServiceProcess[] = [];
  const sink = await startAlertSink();
  let bot: BotProcess | undefined;
  let pushing: BotProcess | undefined;
  const logs = (): string => services.map((s) => `--- ${s.name}\n${s.output().slice(-4000)}`).join('\n');
  const stop = async (): Promise<void> => {
    await Promise.all([bot?.stop(), pushing?.stop()]);
    await Promise.all(services.map((s) => s.stop()));
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = {
      alertmanager: await freePort(),
      jaegerUi: await freePort(),
      jaegerGrpc: await freePort(),
      jaegerOtlp: await freePort(),
      jaegerTelemetry: await freePort(),
      otlpGrpc: await freePort(),
      otlpHttp: await freePort(),
      spanMetrics: await freePort(),
      collectorHealth: await freePort(),
      collectorTelemetry: await freePort(),
      prometheus: await freePort(),
    };
    const at = (p: number): string => `127.0.0.1:${p}`;
    const urls: StackUrls = {
      jaeger: `http://${at(port.jaegerUi)}`,
      prometheus: `http://${at(port.prometheus)}`,
      alertmanager: `http://${at(port.alertmanager)}`,
      collectorOtlpHttp: `http://${at(port.otlpHttp)}`,
      collectorMetrics: `http://${at(port.spanMetrics)}`,
    };

    // Alertmanager: the shipped routing, grouping and receivers, the receivers' URLs pointed at the sink.
    await writeFile(join(dir, 'slack_webhook_url'), `${sink.url}/slack\n`);
    await writeFile(
      join(dir, 'alertmanager.yml'),
      replaceExactly(await shipped('deploy/alertmanager/alertmanager.yml'), 'alertmanager.yml', [
        ['http://webhook:8080/alerts', `${sink.url}/alerts`],
        ['/etc/alertmanager/secrets/slack_webhook_url', join(dir, 'slack_webhook_url')],
        ['      - bot_token: REPLACE-WITH-BOT-TOKEN', `      - api_url: ${sink.url}/telegram\n        bot_token: REPLACE-WITH-BOT-TOKEN`],
      ]),
    );
    // --cluster.listen-address= turns gossip off (it would listen on every interface).
    services.push(
      startService('alertmanager', stackBinary('alertmanager'), [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'alertmanager-data')}`,
        `--web.listen-address=${at(port.alertmanager)}`,
        '--cluster.listen-address=',
      ]),
    );

    await writeFile(
      join(dir, 'jaeger.yaml'),
      replaceExactly(await shipped('deploy/jaeger/config.yaml'), 'deploy/jaeger/config.yaml', [
        ['0.0.0.0:16686', at(port.jaegerUi)],
        ['0.0.0.0:16685', at(port.jaegerGrpc)],
        ['0.0.0.0:4317', at(port.jaegerOtlp)],
        ['http://prometheus:9090', urls.prometheus],
        ['host: 0.0.0.0', 'host: 127.0.0.1'],
        ['port: 8888', `port: ${port.jaegerTelemetry}`],
      ]),
    );
    services.push(startService('jaeger', stackBinary('jaeger'), [`--config=${join(dir, 'jaeger.yaml')}`]));

    await writeFile(
      join(dir, 'otel-collector.yaml'),
      replaceExactly(await shipped('otel-collector.yaml'), 'otel-collector.yaml', [
        ['0.0.0.0:13133', at(port.collectorHealth)],
        ['0.0.0.0:4317', at(port.otlpGrpc)],
        ['0.0.0.0:4318', at(port.otlpHttp)],
        ['0.0.0.0:8889', at(port.spanMetrics)],
        ['jaeger:4317', at(port.jaegerOtlp)],
        ['http://prometheus:9090', urls.prometheus],
        ['host: 0.0.0.0', 'host: 127.0.0.1'],
        ['port: 8888', `port: ${port.collectorTelemetry}`],
      ]),
    );
    services.push(startService('otel-collector', stackBinary('otelcol-trading'), [`--config=${join(dir, 'otel-collector.yaml')}`]));

    const ready = async (name: string, url: string): Promise<void> => {
      const service = services.find((s) => s.name === name);
      await eventually(async () => {
        if (service?.exited() === true) throw new Error(`${name} exited`);
        return (await fetch(url)).ok ? true : undefined;
      }, `${name} at ${url}`, 60_000).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${service?.output() ?? ''}`);
      });
    };
    await ready('alertmanager', `${urls.alertmanager}/-/ready`);
    await ready('jaeger', `${urls.jaeger}/api/services`);
    await ready('otel-collector', `http://${at(port.collectorHealth)}/`);

    // The bot as compose runs it: traces to the Collector, its server behind the token Prometheus sends.
    const token = (await shipped('deploy/prometheus/secrets/bot_token')).trim();
    const serviceName = 'example-trading-bot';
    const botArgs = ['--port', '0', '--rate', '20', '--keep-traces', 'all', ...(options.botArgs ?? [])];
    const botEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: urls.collectorOtlpHttp, TRADING_TELEMETRY_TOKEN: token, ...options.botEnv };
    const pushingName = 'example-trading-bot-otlp';
    // Started together; one that started is kept for stop() even when the other failed.
    const [scraped, pushed] = await Promise.allSettled([
      startBotProcess(botArgs, { OTEL_SERVICE_NAME: serviceName, ...botEnv }),
      options.pushingBot === true ? startBotProcess(botArgs, { OTEL_SERVICE_NAME: pushingName, OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '2000', ...botEnv }) : undefined,
    ]);
    if (scraped.status === 'fulfilled') bot = scraped.value;
    if (pushed.status === 'fulfilled') pushing = pushed.value;
    for (const started of [scraped, pushed]) if (started.status === 'rejected') throw started.reason;
    if (bot === undefined) throw new Error('the bot did not start');

    // Prometheus: the shipped scrape jobs, rules and alerting, the targets on loopback ports.
    await mkdir(join(dir, 'prometheus', 'secrets'), { recursive: true });
    await copyFile(resolve(root, 'deploy/prometheus/alerts.yml'), join(dir, 'prometheus', 'alerts.yml'));
    await copyFile(resolve(root, 'deploy/prometheus/secrets/bot_token'), join(dir, 'prometheus', 'secrets', 'bot_token'));
    await writeFile(
      join(dir, 'prometheus', 'prometheus.yml'),
      replaceExactly(await shipped('deploy/prometheus/prometheus.yml'), 'prometheus.yml', [
        ['bot:9464', new URL(bot.url).host],
        ['otel-collector:8889', at(port.spanMetrics)],
        ['localhost:9090', at(port.prometheus)],
        ['alertmanager:9093', at(port.alertmanager)],
      ]),
    );
    // The flags of docker-compose.yml's prometheus service, plus storage and the listen address.
    services.push(
      startService('prometheus', stackBinary('prometheus'), [
        `--config.file=${join(dir, 'prometheus', 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
        `--web.listen-address=${at(port.prometheus)}`,
        '--enable-feature=exemplar-storage',
        '--web.enable-otlp-receiver',
        '--web.enable-lifecycle',
      ]),
    );
    await ready('prometheus', `${urls.prometheus}/-/ready`);

    const running = bot;
    const pushingBot = pushing === undefined ? undefined : { bot: pushing, serviceName: pushingName };
    return { bot: running, serviceName, pushingBot, token, urls, notifications: sink.notifications, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
