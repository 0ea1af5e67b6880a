FROM --platform=$BUILDPLATFORM 127.0.0.1:5000/testbed/busybox:1 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
FROM 127.0.0.1:5000/testbed/busybox:1 AS tools
RUN make tools
FROM 127.0.0.1:5000/testbed/busybox:1
COPY --from=build /out/app /app
RUN make install
