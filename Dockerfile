# syntax=docker/dockerfile:1
# One image for the API (which serves the built console), the worker and the one-shot migrations;
# docker-compose.yml picks the process by command. The API and the worker run as bundles under plain
# node (scripts/build-server.ts); the one-shot seed runs its TypeScript through tsx.

FROM node:20-bookworm-slim AS base
ENV CI=true
# corepack's pnpm shim would shadow the pinned pnpm below.
RUN corepack disable && npm install -g pnpm@12.4.2
WORKDIR /app

# Packages first, from the lockfile alone, so a source change does not download them again.
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline

FROM deps AS build
# prisma generate reads DATABASE_URL from the schema but does not connect; any URL will do.
RUN DATABASE_URL=postgresql://build@localhost/build pnpm exec prisma generate
RUN pnpm build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    WEB_DIST_DIR=/app/apps/web/dist
RUN corepack disable && npm install -g pnpm@12.4.2
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8080
# The API's health check lives in docker-compose.yml: the worker runs from this image too.
# node itself becomes the process (run-server execs it; no pnpm or tsx wrapper), so SIGTERM reaches
# the app's own shutdown.
# The worker: scripts/run-server worker
CMD ["scripts/run-server", "api"]
