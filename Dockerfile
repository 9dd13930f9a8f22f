# The standalone server as an image: built with the development dependencies, shipped with the
# runtime ones only (npm run package:server). test/server-artifact.e2e-spec.ts replays these
# steps without a container runtime, from this file.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
RUN npm run build && npm run package:server -- /server

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# The code stays root's, read-only to the service; its working directory (schema.gql, .data) is its own.
COPY --from=build /server /app
RUN mkdir -p /var/lib/token-health && chown node:node /var/lib/token-health
WORKDIR /var/lib/token-health
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.js"]
# node itself is PID 1: docker stop's SIGTERM reaches the service's own shutdown, which stores what is in flight and exits 0.
CMD ["node", "/app/main.js"]
