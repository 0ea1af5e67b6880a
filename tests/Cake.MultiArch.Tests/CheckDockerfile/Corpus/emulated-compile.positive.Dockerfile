FROM 127.0.0.1:5000/testbed/busybox:1 AS build
WORKDIR /src
COPY . .
RUN echo fetching && CGO_ENABLED=0 go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
