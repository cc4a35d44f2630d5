# syntax=docker/dockerfile:1
#
# report-ingest container image.
#   docker build -t report-ingest .
#   docker run --rm report-ingest --help
#
# With podman or buildah, build with `--format docker`: the OCI image format has no
# HEALTHCHECK, and OCI builders drop it silently. The Kubernetes probes (deploy/) do not
# depend on it: they call /healthz and /readyz themselves.
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
# The runtime layer carries a stripped binary: release builds keep line tables for
# backtraces on the host (100 MB binary); the image does not need them (16 MB). Both
# stages build with the same profile overrides, so the dependency layer is reused.
# The workspace: the shell crate at the root, the pure extraction core, and the pure
# attachment reader (every member's manifest must be there for cargo to load the workspace).
COPY Cargo.toml Cargo.lock ./
COPY crates/extract/Cargo.toml crates/extract/
COPY crates/docread/Cargo.toml crates/docread/
# Stub every target each manifest names ([lib], the binary, [[test]]/[[bench]]/[[example]])
# so cargo can resolve and build the dependency graph without our sources.
RUN set -eu; \
    for dir in . crates/extract crates/docread; do \
        mkdir -p "$dir/src"; \
        echo 'fn main() {}' > "$dir/src/main.rs"; \
        : > "$dir/src/lib.rs"; \
        awk '/^\[\[test\]\]/ {d="tests"; next} \
             /^\[\[bench\]\]/ {d="benches"; next} \
             /^\[\[example\]\]/ {d="examples"; next} \
             /^\[/ {d=""; next} \
             d != "" && /^name *=/ {v=$0; sub(/^name *= *"/, "", v); sub(/".*/, "", v); print d "/" v ".rs"} \
             d != "" && /^path *=/ {v=$0; sub(/^path *= *"/, "", v); sub(/".*/, "", v); print v}' "$dir/Cargo.toml" \
        | while read -r f; do mkdir -p "$dir/$(dirname "$f")"; [ -e "$dir/$f" ] || echo 'fn main() {}' > "$dir/$f"; done; \
    done; \
    rm crates/extract/src/main.rs crates/docread/src/main.rs; \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols \
        cargo build --release --locked --bin report-ingest; \
    rm -rf src crates/extract/src crates/docread/src target/release/report-ingest* \
        target/release/deps/report_ingest-* target/release/deps/libreport_ingest-* \
        target/release/deps/libreport_extract-* target/release/.fingerprint/report-ingest-* \
        target/release/.fingerprint/report-extract-* \
        target/release/deps/libreport_docread-* target/release/.fingerprint/report-docread-*

FROM deps AS build
COPY src ./src
COPY crates/extract/src ./crates/extract/src
COPY crates/docread/src ./crates/docread/src
RUN CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols \
        cargo build --release --locked --bin report-ingest \
    && cp target/release/report-ingest /usr/local/bin/report-ingest \
    && /usr/local/bin/report-ingest --help | grep -q '^  worker'  # not the stub

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 report-ingest \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin report-ingest
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
