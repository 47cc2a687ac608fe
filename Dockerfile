# syntax=docker/dockerfile:1
# gms-operator images on Node 24 (ADR 0001), multi-stage, non-root:
#
#   docker build -t <registry>/gms-operator:<tag> .                       # `gmsctl operator`
#   docker build --target gateway -t <registry>/gms-gateway:<tag> .       # `gmsctl gateway`
#
# The gateway image is the project's GMS-compatible Chat V2 CometD node (docs/gateway.md): set
# a ChatService's spec.gms.image to it and the operator's StatefulSet runs it, reading the
# container contract's /etc/gms/{static,dynamic,secrets}.ini (GMS_CONFIG_DIR) and probing
# GET /readyz (src/manifests/statefulset.ts recognises the `gms-gateway` repository name).
#
# The chart (charts/gms-operator) runs it with a read-only root filesystem, all capabilities
# dropped and seccomp RuntimeDefault; the process writes only to /tmp (an emptyDir).

ARG NODE_VERSION=24.21.0

# --- build: dev dependencies + TypeScript compile to dist/ ---------------------------------
FROM node:${NODE_VERSION}-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the base image already is Node 24, so the `node` devDependency's download
# script is not wanted, and `prepare` (tsc) would run before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Run tsc with the image's node directly (node_modules/.bin/node is the unpopulated npm shim).
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

# --- runtime: production dependencies only --------------------------------------------------
FROM node:${NODE_VERSION}-trixie-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY crds ./crds
COPY schemas ./schemas
# Numeric, so Kubernetes can verify runAsNonRoot without a runAsUser (the chart sets 65532 too).
USER 65532:65532

# --- gateway: a GMS node (CometD :8080, node API, /readyz) ------------------------------------
FROM runtime AS gateway
ENV GMS_CONFIG_DIR=/etc/gms GMS_HTTP_PORT=8080
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/gmsctl.js", "gateway"]

# --- operator (default target, last so a plain `docker build` produces it) ------------------
FROM runtime AS operator
EXPOSE 8080 8081 9443
ENTRYPOINT ["node", "/app/bin/gmsctl.js", "operator"]
