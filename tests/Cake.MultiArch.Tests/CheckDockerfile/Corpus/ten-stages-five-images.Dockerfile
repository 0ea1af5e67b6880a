# Ten stages, five distinct base images (two of them twice, one through COPY --from): the preflight asks the registry once per image.
ARG REGISTRY=127.0.0.1:5000
FROM ${REGISTRY}/testbed/busybox:1 AS s0
RUN echo stage 0
FROM ${REGISTRY}/testbed/dotnet-deps:bookworm AS s1
RUN echo stage 1
FROM ${REGISTRY}/preflight-test/busybox-amd64:1 AS s2
RUN echo stage 2
FROM --platform=$BUILDPLATFORM ${REGISTRY}/preflight-test/busybox-arm64:1 AS s3
RUN echo stage 3
FROM ${REGISTRY}/testbed/busybox:1 AS s4
RUN echo stage 4
FROM ${REGISTRY}/testbed/dotnet-deps:bookworm AS s5
RUN echo stage 5
FROM ${REGISTRY}/preflight-test/busybox-amd64:1 AS s6
RUN echo stage 6
FROM --platform=$BUILDPLATFORM ${REGISTRY}/preflight-test/busybox-arm64:1 AS s7
RUN echo stage 7
FROM ${REGISTRY}/testbed/busybox:1 AS s8
RUN echo stage 8
FROM ${REGISTRY}/testbed/busybox:1
COPY --from=s0 /bin/busybox /s0
COPY --from=s1 /bin/busybox /s1
COPY --from=s2 /bin/busybox /s2
COPY --from=s3 /bin/busybox /s3
COPY --from=s4 /bin/busybox /s4
COPY --from=s5 /bin/busybox /s5
COPY --from=s6 /bin/busybox /s6
COPY --from=s7 /bin/busybox /s7
COPY --from=s8 /bin/busybox /s8
COPY --from=${REGISTRY}/preflight-test/missing:1 /bin/busybox /missing
