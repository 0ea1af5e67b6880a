FROM --platform=$BUILDPLATFORM 127.0.0.1:5000/testbed/busybox:1 AS build
ARG TARGETARCH
RUN echo $TARGETARCH > /arch
FROM --platform=$TARGETPLATFORM 127.0.0.1:5000/testbed/busybox:1 AS unused
RUN echo never built
FROM --platform=$TARGETPLATFORM 127.0.0.1:5000/testbed/busybox:1
COPY --from=build /arch /arch
RUN cat /arch
