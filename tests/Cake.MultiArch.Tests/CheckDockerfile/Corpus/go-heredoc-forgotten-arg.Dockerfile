ARG GO_IMAGE=127.0.0.1:5000/testbed/busybox:1
FROM --platform=$BUILDPLATFORM $GO_IMAGE AS build
ARG TARGETOS
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build <<EOF
set -e
GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
EOF
FROM scratch
COPY --from=build /out/app /app
