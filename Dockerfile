# One image per service, all from this file: `npm run images` builds every service of
# services/registry.ts, or by hand
#   docker build --build-arg SERVICE=shop/order -t ghcr.io/acme/shop-order:1.0.0 .
#
# Stage 1 compiles the repository (`npm run build` → dist/); stage 2 holds production
# dependencies (`npm ci --omit=dev`) and dist/ only, runs as an unprivileged numeric user (so
# Kubernetes' runAsNonRoot can verify it) and starts the chosen service on plain node.
# test/e2e/production-bundle.test.ts repeats stage 2's steps in an empty directory and
# starts a service from the result.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY src/ src/
COPY services/ services/
COPY generated/ generated/
RUN npm run build

FROM ${NODE_IMAGE} AS production
ARG SERVICE
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/ dist/
RUN test -n "${SERVICE}" || { echo 'build with --build-arg SERVICE=<system>/<service>' >&2; exit 1; }; \
    test -f "dist/services/${SERVICE}/main.js" || { echo "no service ${SERVICE} in dist/services" >&2; exit 1; }
ENV EVENTPLANE_SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080
USER 1000:1000
CMD ["/bin/sh", "-c", "exec node --enable-source-maps \"dist/services/${EVENTPLANE_SERVICE}/main.js\""]
