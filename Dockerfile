# plumb as a container image: `docker build -t plumb .` then `docker run --rm plumb --version`.
# Stage 1 builds the release binary (needs the Rust toolchain and libclang for pg_query); stage 2 is a small
# Debian runtime with plumb and the PostgreSQL client tools (psql, pg_dump), run as a non-root user.
# scripts/docker-steps.sh runs the same steps without a container tool.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libclang-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV CARGO_TARGET_DIR=/target
RUN cargo build --release --locked -p plumb-cli \
 && strip /target/release/plumb \
 && /target/release/plumb --version

FROM debian:${DEBIAN_RELEASE}-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin plumb
COPY --from=build /target/release/plumb /usr/local/bin/plumb
USER plumb
WORKDIR /work
ENTRYPOINT ["plumb"]
CMD ["--help"]
