# Production image: the server and the built web app. Build with `docker compose build`.
FROM rust:1.95-bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpq-dev nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./scripts/build-web.sh && cargo build --locked --release -p api

FROM debian:bookworm-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpq5 ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/sportello sportello && mkdir -p /var/lib/sportello && chown sportello /var/lib/sportello
COPY --from=build /src/target/release/sportello /usr/local/bin/sportello
COPY --from=build /src/dist /usr/share/sportello/web
USER sportello
WORKDIR /var/lib/sportello
ENV SPORTELLO_BIND=0.0.0.0:8080 SPORTELLO_WEB_DIR=/usr/share/sportello/web SPORTELLO_FILES_DIR=/var/lib/sportello/files SPORTELLO_LOG_JSON=true MIMALLOC_ARENA_EAGER_COMMIT=0
EXPOSE 8080
CMD ["sportello", "serve"]
