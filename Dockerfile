# Freshet container image: `freshet jobmanager`, `freshet taskmanager`, `freshet standalone-job ...`
# and the rest of the CLI (the entrypoint). The Helm chart in helm/freshet runs it.
#
#   docker build -t freshet:0.1.0 .
#
# Configuration: $FRESHET_CONF_DIR/config.yaml (mounted from a ConfigMap), FRESHET_PROPERTIES and
# `-D key=value` arguments.

# ---- build: compile the TypeScript sources to dist/ -------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied, and nothing native is
# loaded at build time.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

# ---- deps: production node_modules ------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
# rocksdb ships a linux-x64 prebuild; on other architectures node-gyp compiles it from source.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/freshet
COPY package.json package-lock.json ./
# --ignore-scripts skips the root `prepare` (it needs the dev dependencies); the dependencies'
# own install scripts (native prebuilds, esbuild's binary check) then run with `npm rebuild`.
RUN npm ci --omit=dev --ignore-scripts \
  && npm rebuild rocksdb esbuild msgpackr-extract \
  && npm cache clean --force

# ---- runtime ----------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FRESHET_CONF_DIR=/opt/freshet/conf
RUN groupadd --system --gid 9999 freshet \
  && useradd --system --uid 9999 --gid freshet --home-dir /opt/freshet --shell /usr/sbin/nologin freshet
WORKDIR /opt/freshet
COPY --from=deps /opt/freshet/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# package.json: "type": "module" makes Node load dist/ as ES modules.
COPY package.json ./
COPY examples ./examples
RUN chmod 0755 dist/cli/main.js \
  && ln -s /opt/freshet/dist/cli/main.js /usr/local/bin/freshet \
  && mkdir -p conf usrlib \
  && chown freshet:freshet conf usrlib
USER 9999:9999
# REST (8081), JobManager RPC (6123), TaskManager data (6121), TaskManager health (8082).
EXPOSE 8081 6123 6121 8082
ENTRYPOINT ["freshet"]
CMD ["--help"]
