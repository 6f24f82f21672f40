# syntax=docker/dockerfile:1
# Node 24 LTS (security fixes until 30 April 2028), the version `npm run test:node24` tests in CI;
# docs/operations.md says why this line and which versions are tested where.
# Build stage: install everything from the lockfile, compile, then drop the dev dependencies.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: the compiled server, production dependencies and the example configuration,
# run as the image's unprivileged `node` user. Mount your own configuration and set
# SYMPAUTHY_CONFIG; secrets come from the environment or files (${NAME}, ${file:PATH}).
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SYMPAUTHY_CONFIG=/app/config/sympauthy.yml
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `npm run config:check` and `npm run hash-secret` go through it (it runs dist/ as shipped here).
COPY scripts/run-built.mjs ./scripts/
COPY config ./config
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `node` as PID 1 receives SIGTERM directly: the server fails /health/ready, drains for
# SHUTDOWN_DRAIN_DELAY, finishes requests in flight and exits 0.
CMD ["node", "dist/main.js"]
