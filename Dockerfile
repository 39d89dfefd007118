# svcpath's image. Three stages on the Node the project runs on (20, Debian bookworm):
#   build    full install (its postinstall generates the Prisma client into src/generated), then
#            `npm run build` compiles src/ into dist/; the /ui page's static files go into dist/ too.
#   deps     production dependencies only, exactly as locked (no install scripts: the generated
#            client is compiled into dist/, and nothing else needs one).
#   runtime  node_modules from deps, and from build only package.json, dist/ and the SQL migrations,
#            which the app applies at start (as the owner role in DATABASE_URL). No source, no npm step.
# Checked by `dockerfilelint` and by test/ops/container.spec.ts, which runs this CMD with this ENV.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
# What `npm ci` and its postinstall (scripts/prisma-generate.cjs: prisma/schema.prisma) read.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/prisma-generate.cjs scripts/
COPY prisma/ prisma/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
# tsc does not copy the page's assets; src/modules/ui/ui.controller.ts looks for them next to itself.
RUN npm run build && cp -R src/modules/ui/assets dist/modules/ui/assets

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# NODE_ENV=production also turns GraphQL introspection and /graphiql off (README, Configuration).
# The demo tenant keeps its key in SVCPATH_DATA_DIR, which is not writable here: off.
# DATABASE_URL (a role that owns the schema) must be given at run time.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LOG_LEVEL=info SVCPATH_DEMO=false
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY --from=build /app/package.json ./
COPY --from=build /app/dist/ dist/
COPY --from=build /app/prisma/migrations/ prisma/migrations/
# Files stay owned by root: the app only reads them.
USER node
EXPOSE 3000
# Ready = the process answers and its database does (GET /health/ready); slim has no curl. (No
# --start-period: dockerfilelint 1.8 misreads hyphenated options; the app is up within seconds.)
HEALTHCHECK --interval=10s --timeout=5s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
