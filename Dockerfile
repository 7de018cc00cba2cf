# tweetstore: one process serving the tRPC API (HTTP + WebSocket) and the web client; on the embedded store (data in
# /data) unless its settings name shared services (compose.yaml runs two instances on PostgreSQL, Redis and MinIO).
# Build: docker build -t tweetstore .   Run: docker run -p 3000:3000 -v tweetstore-data:/data tweetstore

# --- the workspace's manifests, so dependency layers are cached until a manifest changes ---
FROM node:20.20-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/store/package.json packages/store/
COPY packages/store-lowdb/package.json packages/store-lowdb/
COPY packages/store-postgres/package.json packages/store-postgres/
COPY packages/media/package.json packages/media/
COPY packages/api/package.json packages/api/
COPY packages/client/package.json packages/client/
COPY packages/bench/package.json packages/bench/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/

# --- build the web client (needs the dev dependencies: Vite, the React plugin) ---
FROM manifests AS web
RUN npm ci --no-audit --no-fund
COPY packages ./packages
COPY apps/web ./apps/web
RUN npm run build -w @tweetstore/web

# --- the server, with production dependencies only ---
FROM node:20.20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    TWEETSTORE_HOST=0.0.0.0 \
    TWEETSTORE_DATA_DIR=/data
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --omit=dev --workspace=@tweetstore/server --include-workspace-root --no-audit --no-fund && npm cache clean --force
COPY packages ./packages
COPY apps/server ./apps/server
COPY --from=web /app/apps/web/dist ./apps/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "apps/server/src/main.ts"]
