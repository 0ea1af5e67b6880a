FROM 127.0.0.1:5000/testbed/busybox:1 AS build
RUN echo building for $TARGETARCH
RUN echo again $TARGETARCH ${TARGETOS:-linux}
