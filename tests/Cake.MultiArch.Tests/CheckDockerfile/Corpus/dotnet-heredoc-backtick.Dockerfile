# syntax=docker/dockerfile:1.7
# escape=`
ARG SDK=127.0.0.1:5000/testbed/busybox:1
ARG RUNTIME=127.0.0.1:5000/preflight-test/busybox-amd64:1

# The SDK stage runs natively and cross-compiles.
FROM --platform=$BUILDPLATFORM ${SDK} AS build
ARG TARGETARCH
WORKDIR /src
COPY --link *.csproj ./
RUN dotnet restore -a $TARGETARCH `
    # a comment inside the continuation
    --locked-mode
COPY <<EOF /src/Directory.Build.props
<Project><PropertyGroup><Arch>$TARGETARCH</Arch></PropertyGroup></Project>
EOF
RUN <<-'SCRIPT'
	set -e
	dotnet publish -a $TARGETARCH -c Release -o /app
	SCRIPT

FROM ${RUNTIME} AS final
COPY --from=build /app /app
ENTRYPOINT ["/app/App"]
