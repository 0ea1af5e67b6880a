"""BuildKit build-check cases for the rules that overlap the preflight's, transcribed from dockerfile_check_test.go and the rule docs."""
import json, sys, os

COMMIT, OUT = sys.argv[1:3]
def source(path):
    return {'repository': 'moby/buildkit', 'path': path, 'commit': COMMIT}
T = 'frontend/dockerfile/dockerfile_check_test.go'
D = 'frontend/dockerfile/docs/rules/'

RULES = {
    'UndefinedArgInFrom': ('FROM command must use declared ARGs', 'undefined-arg-in-from'),
    'InvalidDefaultArgInFrom': ('Default value for global ARG results in an empty or invalid base image name', 'invalid-default-arg-in-from'),
    'RedundantTargetPlatform': ('Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior', 'redundant-target-platform'),
    'FromPlatformFlagConstDisallowed': ('FROM --platform flag should not use a constant value', 'from-platform-flag-const-disallowed'),
    'UndefinedVar': ('Variables should be defined before their use', 'undefined-var'),
    'NoEmptyContinuation': ('Empty continuation lines will become errors in a future release', 'no-empty-continuation'),
    'InvalidBaseImagePlatform': ('Base image platform does not match expected target platform', None),
    'StageNameCasing': ('Stage names should be lowercase', 'stage-name-casing'),
    'MaintainerDeprecated': ('The MAINTAINER instruction is deprecated, use a label instead to define an image author', 'maintainer-deprecated'),
}
rules = {name: {'description': d, 'url': f'https://docs.docker.com/go/dockerfile/rule/{slug}/' if slug else None, 'doc': f'{D}{slug}.md' if slug else None}
         for name, (d, slug) in RULES.items()}

def W(rule, line, detail):
    return {'rule': rule, 'line': line, 'detail': detail}

cases = []
def case(test, n, text, warnings=(), build_args=None, build_error=None, overlap=True, note=None):
    c = {'id': f'{test}/{n}', 'test': test, 'dockerfile': text, 'buildArgs': build_args or {}, 'warnings': list(warnings)}
    if build_error:
        c['buildError'] = build_error
    c['overlap'] = overlap
    if note:
        c['note'] = note
    cases.append(c)

t = 'testUndeclaredArg'
case(t, 1, '\nARG base=scratch\nFROM $base\nCOPY Dockerfile .\n')
case(t, 2, '\nARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM scratch\nCOPY Dockerfile .\n')
case(t, 3, '\nFROM --platform=$BUILDPLATFORM scratch\nCOPY Dockerfile .\n', note='BUILDPLATFORM is predefined: usable in FROM without ARG.')
case(t, 4, '\nARG DEBUG\nFROM scratch${DEBUG}\nCOPY Dockerfile .\n')
case(t, 5, '\nARG DEBUG\nFROM scra${DEBUG:-tch}\nCOPY Dockerfile .\n')
case(t, 6, '\nARG DEBUG=""\nFROM scratch${DEBUG-@bogus}\nCOPY Dockerfile .\n')
case(t, 7, '\nFROM --platform=$BULIDPLATFORM scratch\nCOPY Dockerfile .\n',
     [W('UndefinedArgInFrom', 2, "FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)")],
     build_error={'message': 'empty platform value from expression $BULIDPLATFORM (did you mean BUILDPLATFORM?)', 'line': 2})
case(t, 8, '\nARG MY_OS=linux\nARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} busybox\nCOPY Dockerfile .\n\t',
     [W('UndefinedArgInFrom', 4, "FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?)")],
     build_error={'message': 'failed to parse platform linux/${MYARCH}: "" is an invalid component of "linux/": platform specifier component must match "^[A-Za-z0-9_.-]+$": invalid argument (did you mean MY_ARCH?)', 'line': 4},
     note='Unix variant of the test (the Windows run uses windows/nanoserver).')
case(t, 9, '\nARG tag=latest\nFROM busybox:${tag}${version} AS b\nCOPY Dockerfile .\n',
     [W('UndefinedArgInFrom', 3, "FROM argument 'version' is not declared")], note='Unix variant (busybox).')

t = 'testUnmatchedVars'
case(t, 1, '\nFROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n')
case(t, 2, '\nFROM alpine AS base\nARG foo=Dockerfile\n\nFROM base\nCOPY $foo .\n', note='An ARG of the parent stage is defined in a stage built FROM it.')
case(t, 3, '\nFROM alpine\nRUN echo $PATH\n', note='RUN in shell form is not checked.')
case(t, 4, '\nFROM alpine\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n', [W('UndefinedVar', 3, "Usage of undefined variable '$foo'")])
case(t, 5, '\nFROM alpine\nARG DIR_BINARIES=binaries/\nARG DIR_ASSETS=assets/\nARG DIR_CONFIG=config/\nCOPY $DIR_ASSET .\n\t',
     [W('UndefinedVar', 6, "Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?)")])
case(t, 6, '\nFROM alpine\nENV PATH=$PAHT:/tmp/bin\n\t\t', [W('UndefinedVar', 3, "Usage of undefined variable '$PAHT' (did you mean $PATH?)")],
     note='Unix variant: the hint comes from the base image\'s PATH (none on Windows).')

t = 'testRedundantTargetPlatform'
case(t, 1, '\nFROM --platform=$TARGETPLATFORM scratch\n',
     [W('RedundantTargetPlatform', 2, 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior')])
case(t, 2, '\nFROM --platform=${TARGETPLATFORM} scratch\n',
     [W('RedundantTargetPlatform', 2, 'Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior')],
     note='The detail repeats the expression as written.')
case(t, 3, '\n# check=skip=RedundantTargetPlatform\nFROM --platform=$TARGETPLATFORM scratch\n', note='The check directive switches the rule off.')

t = 'testInvalidDefaultArgInFrom'
case(t, 1, '\nARG VERSION\nFROM busybox:$VERSION\n', [W('InvalidDefaultArgInFrom', 3, 'Default value for ARG busybox:$VERSION results in empty or invalid base image name')], build_args={'VERSION': 'latest'})
case(t, 2, '\nARG IMAGE\nFROM $IMAGE\n', [W('InvalidDefaultArgInFrom', 3, 'Default value for ARG $IMAGE results in empty or invalid base image name')], build_args={'IMAGE': 'busybox:latest'})
case(t, 3, '\nARG SFX="box:"\nFROM busy${SFX}\n', [W('InvalidDefaultArgInFrom', 3, 'Default value for ARG busy${SFX} results in empty or invalid base image name')], build_args={'SFX': 'box:latest'},
     note='The default gives "busybox:", a reference with an empty tag.')
case(t, 4, '\nARG VERSION="latest"\nFROM busybox:${VERSION}\n', build_args={'VERSION': 'latest'})
case(t, 5, '\nARG BUSYBOX_VARIANT=""\nFROM busybox:stable${BUSYBOX_VARIANT}\n', build_args={'BUSYBOX_VARIANT': '-musl'})
case(t, 6, '\n\tARG BUSYBOX_VARIANT\n\tFROM busybox:stable${BUSYBOX_VARIANT}\n\t', build_args={'BUSYBOX_VARIANT': '-musl'},
     note='Indented instructions; an unset ARG that leaves a valid name is fine.')

t = 'testFromPlatformFlagConstDisallowed'
case(t, 1, '\nFROM --platform=linux/amd64 scratch\n', [W('FromPlatformFlagConstDisallowed', 2, 'FROM --platform flag should not use constant value "linux/amd64"')])
case(t, 2, '\nFROM --platform=linux/amd64 scratch AS my_amd64_stage\n', note='A stage name that contains the architecture exempts the constant.')
case(t, 3, '\nFROM --platform=linux/amd64 scratch AS linux\n', note='A stage name that contains the OS exempts the constant.')

# related cases outside the 27: empty continuation, base-image platform, warnings kept when the parse fails
case('testNoEmptyContinuation', 1, '\nFROM scratch\n# warning: empty continuation line\nCOPY Dockerfile \\\n\n.\nCOPY Dockerfile \\\n.\n',
     [W('NoEmptyContinuation', 6, 'Empty continuation line')], overlap=False,
     note='Parser-level warning; the line reported is the one after the empty line.')
case('testBaseImagePlatformMismatch', 1, '\nFROM {pushed image}\nENV foo=bar\n\t',
     [W('InvalidBaseImagePlatform', 2, 'Base image {pushed image} was pulled with platform "{pushed platform}", expected "{build platform}" for current build')], overlap=False,
     note="Needs a registry: the test pushes an image built for one platform other than the host's (linux/arm64 on an amd64 host, linux/amd64 on an arm64 host), then lints a FROM of it with platform set to the host's (linux/<host arch>). No URL is asserted.")
case('testWarningsBeforeError', 1, '\nFROM scratch AS BadStageName\nMAINTAINER me@example.org\nBADCMD\n',
     [W('StageNameCasing', 2, "Stage name 'BadStageName' should be lowercase"), W('MaintainerDeprecated', 3, 'Maintainer instruction is deprecated in favor of using label')],
     build_error={'message': 'dockerfile parse error on line 4: unknown instruction: BADCMD', 'line': 4}, overlap=False,
     note='A parse error is reported as the build error with its line, and the warnings found before it are still given.')

# ---- rule docs' examples: only the named rule is claimed; lines are where the example's FROM/COPY/ENV sits (the docs give no line numbers)
docs = []
def doc(rule, n, verdict, text, detail=None, line=None, note=None):
    d = {'id': f'{rule}/docs-{n}', 'rule': rule, 'doc': rules[rule]['doc'], 'verdict': verdict, 'dockerfile': text}
    if verdict == 'bad':
        d['line'] = line
        d['lineFrom'] = 'this table (the docs give none)'
        if detail:
            d['detail'] = detail
    if note:
        d['note'] = note
    docs.append(d)
doc('InvalidDefaultArgInFrom', 1, 'bad', 'ARG TAG\nFROM busybox:${TAG}\n', line=2)
doc('InvalidDefaultArgInFrom', 2, 'good', 'ARG TAG=latest\nFROM busybox:${TAG}\n')
doc('InvalidDefaultArgInFrom', 3, 'good', 'ARG VARIANT\nFROM busybox:stable${VARIANT}\n')
doc('InvalidDefaultArgInFrom', 4, 'good', 'ARG TAG\nFROM alpine:${TAG:-3.14}\n')
doc('UndefinedArgInFrom', 1, 'good', 'ARG ALPINE_VERSION=3.20\n\nFROM alpine:${ALPINE_VERSION}\n')
doc('UndefinedArgInFrom', 2, 'bad', 'FROM node:22${VARIANT} AS jsbuilder\n', detail="FROM argument 'VARIANT' is not declared", line=1)
doc('UndefinedArgInFrom', 3, 'good', 'ARG VARIANT="-alpine3.20"\nFROM node:22${VARIANT} AS jsbuilder\n')
doc('RedundantTargetPlatform', 1, 'bad', 'FROM --platform=$TARGETPLATFORM alpine AS builder\nRUN apk add --no-cache git\n',
    detail='Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior', line=1)
doc('RedundantTargetPlatform', 2, 'good', 'FROM alpine AS builder\nRUN apk add --no-cache git\n')
doc('FromPlatformFlagConstDisallowed', 1, 'bad', 'FROM --platform=linux/amd64 alpine AS base\nRUN apk add --no-cache git\n',
    detail='FROM --platform flag should not use constant value "linux/amd64"', line=1)
doc('FromPlatformFlagConstDisallowed', 2, 'good', 'FROM alpine AS base\nRUN apk add --no-cache git\n')
doc('FromPlatformFlagConstDisallowed', 3, 'good', 'FROM --platform=${BUILDPLATFORM} alpine AS base\nRUN apk add --no-cache git\n')
doc('FromPlatformFlagConstDisallowed', 4, 'good', 'FROM --platform=linux/amd64 alpine AS build_amd64\n\nFROM --platform=linux/arm64 alpine AS build_arm64\n\nFROM build_${TARGETARCH} AS build\n',
    note="The docs' '...' placeholder lines are left out. The last FROM picks a stage by $TARGETARCH: build_amd64 or build_arm64 is a stage, not a registry image.")
doc('UndefinedVar', 1, 'bad', 'FROM alpine\nENV PATH=$PAHT:/app/bin\n', detail="Usage of undefined variable '$PAHT' (did you mean $PATH?)", line=2)
doc('UndefinedVar', 2, 'bad', 'FROM alpine AS base\nCOPY $foo .\n', detail="Usage of undefined variable '$foo'", line=2)
doc('UndefinedVar', 3, 'good', 'FROM alpine AS base\nARG foo\nCOPY $foo .\n')
doc('UndefinedVar', 4, 'bad', 'FROM alpine AS base\nARG VERSION=$foo\n', line=2)
doc('UndefinedVar', 5, 'good', 'FROM python AS base\nARG VERSION=$PYTHON_VERSION\n', note="Defined by the base image's ENV: needs the image config.")

doc_out = {
    'source': [source(T)] + [source(rules[r]['doc']) for r in ['UndefinedArgInFrom', 'InvalidDefaultArgInFrom', 'RedundantTargetPlatform', 'FromPlatformFlagConstDisallowed', 'UndefinedVar']],
    'about': ("BuildKit build checks for the rules that overlap the preflight's. 'cases' come from the integration tests: each lists every warning "
              "BuildKit gives (the tests compare the count, then each rule name, detail and line; warnings sorted by line, then detail), with the "
              "build arguments the test passes and, where the build fails, the error and its line. Dockerfile lines are 1-based and most texts start "
              "with a newline, so line 1 is empty. 'overlap' marks the 27 cases of the five overlapping rules; the others are related (parse-level "
              "warnings, base-image platform, warnings before a parse error). 'docs' are the rule pages' examples: 'bad' ones are flagged by that rule "
              "(line filled in here), 'good' ones are not flagged by that rule (other rules are not claimed). Windows variants of the tests are left out."),
    'rules': rules,
    'count': {'cases': len(cases), 'overlap': sum(1 for c in cases if c['overlap']), 'docs': len(docs)},
    'cases': cases,
    'docs': docs,
}
with open(os.path.join(OUT, 'check-cases.json'), 'w') as f:
    json.dump(doc_out, f, indent=2, ensure_ascii=False)
    f.write('\n')
print(doc_out['count'])
