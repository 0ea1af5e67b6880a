FROM 127.0.0.1:5000/testbed/busybox:1 AS build
COPY hello.c .
RUN apk add --no-cache build-base \
 && gcc -O2 -o /hello hello.c
FROM 127.0.0.1:5000/preflight-test/busybox-amd64:1
COPY --from=build /hello /hello
