# syntax=docker/dockerfile:1
# Mailroom in production: the `mailroom` binary and the built web app on a slim Debian.

FROM rust:1.95-bookworm AS build
# npm brings binaryen's wasm-opt, which `cargo xtask spa` installs for trunk with the other tools.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo xtask spa \
 && cargo build --release --locked --package mailroom-api --bin mailroom

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/mailroom --create-home mailroom
COPY --from=build /src/target/release/mailroom /usr/local/bin/mailroom
COPY --from=build /src/frontend/dist /usr/share/mailroom/spa
ENV SPA_DIR=/usr/share/mailroom/spa \
    DATA_DIR=/var/lib/mailroom \
    BIND=0.0.0.0:8080 \
    LOG_FORMAT=json
USER mailroom
EXPOSE 8080
ENTRYPOINT ["mailroom"]
CMD ["serve"]
