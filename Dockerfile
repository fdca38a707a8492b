# syntax=docker/dockerfile:1
# Switchboard gateway image: `docker build -t switchboard .`
# Three stages: production node_modules, the TypeScript build, and a small runtime
# that holds only what `node bin/switchboard.js` loads (bin/, dist/, schema/, prod deps).
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-alpine AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run tsc before the sources are here; no runtime dependency has an install script.
RUN npm ci --omit=dev --ignore-scripts

FROM node:${NODE_VERSION}-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/copy-console-assets.js ./scripts/
# tsc, then the web console's static assets next to the compiled console.
RUN npm run build

FROM node:${NODE_VERSION}-alpine AS runtime
# git only names the commit being served (`x-switchboard-config: <hash>@<commit>`); without it the version is the content hash alone.
RUN apk add --no-cache git \
 && mkdir -p /etc/switchboard/traces /git \
 && chown -R 1000:1000 /etc/switchboard /git
ENV NODE_ENV=production \
    GIT_CONFIG_COUNT=1 \
    GIT_CONFIG_KEY_0=safe.directory \
    GIT_CONFIG_VALUE_0=*
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schema ./schema
# The image's own `node` user (uid 1000); numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# Client traffic. /healthz and /readyz answer here too, bare (no version, no details), for probes.
EXPOSE 8090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8090/healthz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/switchboard.js"]
# The ports are fixed here (not read from gateway.yaml) so probes and the Service always find them.
# /status and /metrics answer without a key on the admin listener, 8091, bound to the container's own
# loopback: `docker exec <container> wget -qO- 127.0.0.1:8091/status`. docker-compose.yml and the
# Kubernetes manifests open it to the host's loopback and to Prometheus; see docs/security.md.
CMD ["serve", "--config-dir", "/etc/switchboard", "--host", "0.0.0.0", "--port", "8090", "--admin-host", "127.0.0.1", "--admin-port", "8091"]
