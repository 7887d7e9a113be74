# The example trading bot, built from this repository, on Node 24 (active LTS).
# Stage 1 installs every dependency, builds the package (dist/) and compiles the example bot to
# plain JavaScript that imports the package by its name, as a user's bot would. Stage 2 has the
# production dependencies and ccxt only (no tsx, TypeScript or test tools) and runs as the non-root `node` user.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# `trading-telemetry` stays an import: Node resolves it to this package's own dist/ (self-reference).
RUN npm run build \
 && npx tsup --no-config examples/trading-bot/main.ts --format esm --platform node --target node24 \
      --out-dir examples-dist/trading-bot --external trading-telemetry

FROM node:24-bookworm-slim
ENV NODE_ENV=production OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# The bot trades through ccxt, an optional peer of the package (a devDependency here): install the
# version the lock pins beside the bot (examples-dist/node_modules), where its imports resolve it.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm install --prefix examples-dist --no-save --no-package-lock --no-audit --no-fund \
      "ccxt@$(node -p "require('./package-lock.json').packages['node_modules/ccxt'].version")" \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/examples-dist/trading-bot ./examples-dist/trading-bot
USER node
EXPOSE 9464
# The server listens on every interface here, so give it a token at run time
# (TRADING_TELEMETRY_TOKEN; docker-compose.yml sets one): no token is baked into the image.
# Ready means: exchange connected and trading (see docs/health.md).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:9464/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "examples-dist/trading-bot/main.js"]
