# syntax=docker/dockerfile:1
#
# report-ingest container image.
#   docker build -t report-ingest .
#   docker run --rm report-ingest --help
#
# Stage 1 (deps) compiles only the dependencies, against a stub crate made from
# Cargo.toml + Cargo.lock: that layer is reused until the lock file changes, so a source
# edit rebuilds only our crate. Stage 2 builds the same release binary CI builds
# (`cargo build --release --locked`). Stage 3 is a slim Debian with CA certificates and
# the binary, running as an unprivileged user.

# Keep in step with the toolchain CI uses (and >= rust-version in Cargo.toml).
ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS deps
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# Stub every target Cargo.toml names ([lib], the binary, [[test]]/[[bench]]/[[example]])
# so cargo can resolve and build the dependency graph without our sources.
RUN set -eu; \
    mkdir -p src; \
    echo 'fn main() {}' > src/main.rs; \
    : > src/lib.rs; \
    awk '/^\[\[test\]\]/ {d="tests"; next} \
         /^\[\[bench\]\]/ {d="benches"; next} \
         /^\[\[example\]\]/ {d="examples"; next} \
         /^\[/ {d=""; next} \
         d != "" && /^name *=/ {v=$0; sub(/^name *= *"/, "", v); sub(/".*/, "", v); print d "/" v ".rs"} \
         d != "" && /^path *=/ {v=$0; sub(/^path *= *"/, "", v); sub(/".*/, "", v); print v}' Cargo.toml \
    | while read -r f; do mkdir -p "$(dirname "$f")"; [ -e "$f" ] || echo 'fn main() {}' > "$f"; done; \
    cargo build --release --locked --bin report-ingest; \
    rm -rf src target/release/report-ingest* target/release/deps/report_ingest-* \
        target/release/deps/libreport_ingest-* target/release/.fingerprint/report-ingest-*

FROM deps AS build
COPY src ./src
RUN cargo build --release --locked --bin report-ingest \
    && cp target/release/report-ingest /usr/local/bin/report-ingest \
    && /usr/local/bin/report-ingest --help | grep -q '^  worker'  # not the stub

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin report-ingest
COPY --from=build /usr/local/bin/report-ingest /usr/local/bin/report-ingest
USER 10001:10001
# JSON logs for log shippers; metrics and probes on 9090 (the HEALTHCHECK below and the
# Kubernetes probes use it).
ENV REPORT_INGEST_LOG_FORMAT=json \
    REPORT_INGEST_METRICS_ADDR=0.0.0.0:9090
EXPOSE 9090
# Slim images have no curl: the binary probes its own /healthz. One-shot commands
# (migrate, enqueue) serve no /healthz; compose disables the check for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["report-ingest", "healthcheck", "--url", "http://127.0.0.1:9090/healthz"]
ENTRYPOINT ["report-ingest"]
CMD ["worker"]
