"""containerd/platforms parse, normalise and match tables, from its tests (and, marked as such, its normalisation source)."""
import json, subprocess, sys, os, re

GIT, COMMIT, OUT = sys.argv[1:4]
def show(path):
    return subprocess.run(['git', f'--git-dir={GIT}', 'show', f'{COMMIT}:{path}'], capture_output=True, text=True, check=True).stdout
def source(path):
    return {'repository': 'containerd/platforms', 'path': path, 'commit': COMMIT}
def write(name, doc):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write('\n')

HOST = {'$HOST_OS': 'linux', '$HOST_ARCH': 'amd64', '$HOST_VARIANT': ''}
def P(os_, arch, variant='', os_version='', features=None):
    return {'os': os_, 'arch': arch, 'variant': variant, 'osVersion': os_version, 'osFeatures': features or []}
def on_host(value):
    if isinstance(value, str):
        for k, v in HOST.items():
            value = value.replace(k, v)
        return value
    if isinstance(value, dict):
        return {k: on_host(v) for k, v in value.items()}
    if isinstance(value, list):
        return [on_host(v) for v in value]
    return value

# ---------------------------------------------------------------- TestParseSelector (platforms_test.go)
H_OS, H_ARCH, H_VAR = '$HOST_OS', '$HOST_ARCH', '$HOST_VARIANT'
sel = [
    # input, expected, matches, formatted, FormatAll?, skip
    ('*', P('*', '*'), [], '*/*', False, True),
    ('linux/*', P('linux', '*'), [], 'linux/*', False, True),
    ('*/arm64', P('*', 'arm64'), [P('*', 'aarch64'), P('*', 'aarch64', 'v8'), P('*', 'arm64', 'v8')], '*/arm64', False, True),
    ('linux/arm64', P('linux', 'arm64'), [P('linux', 'aarch64'), P('linux', 'aarch64', 'v8'), P('linux', 'arm64', 'v8')], 'linux/arm64', False, False),
    ('linux/arm64/v8', P('linux', 'arm64', 'v8'), [P('linux', 'aarch64'), P('linux', 'aarch64', 'v8'), P('linux', 'arm64')], 'linux/arm64/v8', False, False),
    ('linux/arm', P('linux', 'arm'), [P('linux', 'arm', 'v7'), P('linux', 'armhf'), P('linux', 'arm', '7')], 'linux/arm', False, False),
    ('linux/arm/v6', P('linux', 'arm', 'v6'), [P('linux', 'armel')], 'linux/arm/v6', False, False),
    ('linux/arm/v7', P('linux', 'arm', 'v7'), [P('linux', 'arm'), P('linux', 'armhf')], 'linux/arm/v7', False, False),
    ('arm', P(H_OS, 'arm'), [], H_OS + '/arm', False, False),
    ('armel', P(H_OS, 'arm', 'v6'), [], H_OS + '/arm/v6', False, False),
    ('armhf', P(H_OS, 'arm'), [], H_OS + '/arm', False, False),
    ('Aarch64', P(H_OS, 'arm64'), [], H_OS + '/arm64', False, False),
    ('x86_64', P(H_OS, 'amd64'), [], H_OS + '/amd64', False, False),
    ('Linux/x86_64', P('linux', 'amd64'), [], 'linux/amd64', False, False),
    ('i386', P(H_OS, '386'), [], H_OS + '/386', False, False),
    ('linux', P('linux', H_ARCH, H_VAR), [], 'linux/' + H_ARCH + '[/' + H_VAR + ']', False, False),
    ('s390x', P(H_OS, 's390x'), [], H_OS + '/s390x', False, False),
    ('linux/s390x', P('linux', 's390x'), [], 'linux/s390x', False, False),
    ('macOS', P('darwin', H_ARCH, H_VAR), [], 'darwin/' + H_ARCH + '[/' + H_VAR + ']', False, False),
    ('windows', P('windows', H_ARCH, H_VAR), [], 'windows/' + H_ARCH + '[/' + H_VAR + ']', False, False),
    ('windows()', P('windows', H_ARCH, H_VAR), [], 'windows/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('windows(10.0.17763)', P('windows', H_ARCH, H_VAR, '10.0.17763'), [], 'windows(10.0.17763)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('windows(10.0.17763+win32k)', P('windows', H_ARCH, H_VAR, '10.0.17763', ['win32k']), [], 'windows(10.0.17763+win32k)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('linux(+gpu)', P('linux', H_ARCH, H_VAR, '', ['gpu']), [], 'linux(+gpu)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('linux(+gpu+simd)', P('linux', H_ARCH, H_VAR, '', ['gpu', 'simd']), [], 'linux(+gpu+simd)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('linux(+unsorted+erofs)', P('linux', H_ARCH, H_VAR, '', ['unsorted', 'erofs']), [], 'linux(+erofs+unsorted)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('windows(10.0.17763%2Bbuild.42)', P('windows', H_ARCH, H_VAR, '10.0.17763+build.42'), [], 'windows(10.0.17763%2Bbuild.42)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('windows(10.0.17763%2Bbuild.42+win32k)', P('windows', H_ARCH, H_VAR, '10.0.17763+build.42', ['win32k']), [], 'windows(10.0.17763%2Bbuild.42+win32k)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
    ('windows(50%25done)', P('windows', H_ARCH, H_VAR, '50%done'), [], 'windows(50%25done)/' + H_ARCH + '[/' + H_VAR + ']', True, False),
]
def concrete_format(f):
    # path.Join drops an empty variant: "[/$HOST_VARIANT]" disappears on a host without one
    return on_host(f.replace('[/' + H_VAR + ']', ''))
parse_cases = []
for inp, exp, matches, formatted, format_all, skip in sel:
    c = {'test': 'TestParseSelector', 'input': inp}
    if skip:
        c['skip'] = 'wildcards: skipped by the test ("not yet supported"); Parse refuses any input containing *'
    c['expected'] = exp
    c['formatted'] = formatted
    c['formatter'] = 'FormatAll' if format_all else 'Format'
    c['onLinuxAmd64Host'] = {'expected': on_host(exp), 'formatted': concrete_format(formatted)}
    c['matcherAlsoMatches'] = matches
    parse_cases.append(c)
for inp, why in [('', 'empty'), ('/linux/arm', 'leading slash'), ('linux/arm/', 'trailing slash'), ('linux /arm', 'space'), ('linux/&arm', 'invalid character'), ('linux/arm/foo/bar', 'too many components')]:
    parse_cases.append({'test': 'TestParseSelectorInvalid', 'input': inp, 'error': True, 'why': why})

format_cases = [
    (P('windows', 'amd64', '', '10.0.17763+build.42'), 'windows(10.0.17763%2Bbuild.42)/amd64'),
    (P('windows', 'amd64', '', '10.0.17763+build.42', ['win32k']), 'windows(10.0.17763%2Bbuild.42+win32k)/amd64'),
    (P('windows', 'amd64', '', '50%done'), 'windows(50%25done)/amd64'),
    (P('windows', 'amd64', '', '1.0(beta)'), 'windows(1.0%28beta%29)/amd64'),
    (P('windows', 'amd64', '', 'a/b'), 'windows(a%2Fb)/amd64'),
    (P('windows', 'amd64', '', '10.0.17763'), 'windows(10.0.17763)/amd64'),
    (P('linux', 'amd64', '', '', ['feat+v2']), 'linux(+feat%2Bv2)/amd64'),
    (P('linux', 'amd64', '', '', ['100%gpu']), 'linux(+100%25gpu)/amd64'),
    (P('windows', 'amd64', '', '10.0+build', ['feat+1']), 'windows(10.0%2Bbuild+feat%2B1)/amd64'),
]
formats = [{'test': 'TestFormatAllEncoding', 'platform': p, 'formatAll': s, 'roundTrip': 'Parse(formatAll) gives back osVersion and osFeatures'} for p, s in format_cases]
formats.append({'test': 'TestFormatAllSkipsEmptyOSFeatures', 'platform': P('linux', 'amd64', '', '', ['', 'gpu', '', 'simd']), 'formatAll': 'linux(+gpu+simd)/amd64'})

write('parse.json', {
    'source': [source('platforms_test.go')],
    'about': ("Parse cases. A platform is {os, arch, variant, osVersion, osFeatures}. Where the result depends on the machine, the tables say "
              "$HOST_OS / $HOST_ARCH / $HOST_VARIANT (the Go runtime's GOOS, GOARCH and, on 32-bit arm other than v7, the CPU variant), and "
              "'onLinuxAmd64Host' gives the values on a linux/amd64 machine. A single part that is a known OS means that OS on the host's "
              "architecture; any other single part is an architecture on the host's OS. 'formatted' is Format (os/arch[/variant]) or FormatAll "
              "(with the (osVersion+features) part); '[/$HOST_VARIANT]' is left out when the variant is empty. The test also re-parses 'formatted' "
              "and checks it formats the same. 'matcherAlsoMatches' lists platforms, as given (not normalised), that the matcher made from the "
              "parsed value must accept (besides the expected value itself)."),
    'count': {'parse': sum(1 for c in parse_cases if not c.get('error') and not c.get('skip')), 'skipped': sum(1 for c in parse_cases if c.get('skip')), 'errors': sum(1 for c in parse_cases if c.get('error')), 'format': len(formats)},
    'cases': parse_cases,
    'format': formats,
})

# ---------------------------------------------------------------- compare_test.go: Only / OnlyStrict / OnlyOS
cmp_src = show('compare_test.go')
def match_tables(func):
    start = cmp_src.index(f'func {func}(')
    end = cmp_src.index('\nfunc ', start + 1)
    body = cmp_src[start:end]
    rows = []
    for block in re.split(r'\n\t\t\{\n\t\t\tplatform:', body)[1:]:
        platform = re.match(r'\s*"([^"]*)"', block).group(1)
        for verdict in ('true', 'false'):
            m = re.search(verdict + r': \{(.*?)\n\t\t\t\t\}', block, re.S)
            for other in re.findall(r'"([^"]*)"', m.group(1)) if m else []:
                rows.append({'platform': platform, 'other': other, 'match': verdict == 'true'})
    return rows
pairs = []
for func, comparer in [('TestOnly', 'Only'), ('TestOnlyStrict', 'OnlyStrict'), ('TestOnlyOS', 'OnlyOS')]:
    for r in match_tables(func):
        pairs.append({'test': func, 'comparer': comparer, **r})
for c in parse_cases:
    if c.get('skip') or c.get('error'):
        continue
    for m in c['matcherAlsoMatches']:
        pairs.append({'test': 'TestParseSelector', 'comparer': 'NewMatcher', 'platform': c['input'], 'otherSpec': m, 'match': True})

order = [
    {'test': 'TestOnlyOSLess', 'comparer': 'OnlyOS', 'platform': 'linux/amd64', 'input': ['linux/arm64', 'linux/386', 'linux/amd64', 'windows/amd64'], 'sorted': ['linux/amd64', 'linux/arm64', 'linux/386', 'windows/amd64']},
    {'test': 'TestOnlyOSLess', 'comparer': 'OnlyOS', 'platform': 'linux/arm64', 'input': ['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'windows/arm64'], 'sorted': ['linux/arm64', 'linux/amd64', 'linux/arm/v7', 'windows/arm64']},
    {'test': 'TestOnlyOSLess', 'comparer': 'OnlyOS', 'platform': 'linux/amd64', 'input': ['windows/amd64', 'darwin/amd64', 'linux/arm64', 'linux/amd64'], 'sorted': ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/amd64']},
]
for platform, inp, out in [
    ('linux/amd64', ['windows/amd64', 'linux/amd64', 'linux(+other)/amd64', 'linux/arm64'], ['linux/amd64', 'linux(+other)/amd64', 'windows/amd64', 'linux/arm64']),
    ('linux(+none)/amd64', ['windows/amd64', 'linux/amd64', 'linux/arm64', 'linux(+other)/amd64'], ['linux/amd64', 'linux(+other)/amd64', 'windows/amd64', 'linux/arm64']),
    ('linux(+other)/amd64', ['windows/amd64', 'linux/amd64', 'linux/arm64', 'linux(+other)/amd64'], ['linux(+other)/amd64', 'linux/amd64', 'windows/amd64', 'linux/arm64']),
    ('linux(+af+other+zf)/amd64', ['windows/amd64', 'linux/amd64', 'linux/arm64', 'linux(+other)/amd64'], ['linux(+other)/amd64', 'linux/amd64', 'windows/amd64', 'linux/arm64']),
    ('linux(+f1+f2)/amd64', ['linux/amd64', 'linux(+f2)/amd64', 'linux(+f1)/amd64', 'linux(+f1+f2)/amd64'], ['linux(+f1+f2)/amd64', 'linux(+f2)/amd64', 'linux(+f1)/amd64', 'linux/amd64']),
    ('linux(7.2+other)/amd64', ['linux/amd64', 'linux(+other)/amd64', 'linux(7.1)/amd64', 'linux(7.2+other)/amd64'], ['linux(+other)/amd64', 'linux(7.2+other)/amd64', 'linux/amd64', 'linux(7.1)/amd64']),
]:
    order.append({'test': 'TestCompareOSFeatures', 'comparer': 'Only, OnlyStrict, Ordered and Any (each gives this order)', 'platform': platform, 'input': inp, 'sorted': out})

wcow = []
for host, other, m in [('10.0.17763', '10.0.17763', True), ('10.0.17763', '10.0.20348', False), ('10.0.20348', '10.0.17763', False), ('10.0.20348', '10.0.20348', True),
                       ('10.0.22621', '10.0.17763', False), ('10.0.22621', '10.0.20348', True), ('', '10.0.17763', True), ('', '', True), ('', '10.0.22621', True)]:
    wcow.append({'test': 'TestMatchComparerMatch_ABICheckWCOW', 'comparer': 'NewMatcher', 'platformSpec': P('windows', 'amd64', '', host), 'otherSpec': P('windows', 'amd64', '', other), 'match': m})

write('match.json', {
    'source': [source('compare_test.go'), source('platforms_test.go'), source('defaults_test.go')],
    'about': ("Match pairs: does the comparer built from 'platform' (parsed) accept 'other' (parsed), or 'otherSpec' (a platform given field by field, "
              "normalised by the matcher)? Only = the platform and what it can run (amd64 runs 386, amd64/v2 runs v1; arm64 runs arm v5..v8; arm/vN runs "
              "lower arm variants, with bare arm meaning v7; arm64/vX.Y runs lower arm64 versions, and v9.N also runs v8.0 up to v8.(N+5), v8.9 at most); OnlyStrict = the same OS, "
              "architecture and variant after normalisation; OnlyOS = the same OS (and its version / feature subset); NewMatcher = exact after "
              "normalisation. Every platform string in this file parses. 'order' lists how comparers sort candidates (preferred first). "
              "'windowsVersions' are NewMatcher pairs on Windows OS versions (host build vs image build)."),
    'count': {'pairs': len(pairs), 'byTest': {t: sum(1 for p in pairs if p['test'] == t) for t in ['TestOnly', 'TestOnlyStrict', 'TestOnlyOS', 'TestParseSelector']},
              'order': len(order), 'windowsVersions': len(wcow)},
    'pairs': pairs,
    'order': order,
    'windowsVersions': wcow,
})

# ---------------------------------------------------------------- normalisation
norm_doc = [('aarch64', 'arm64'), ('armhf', 'arm'), ('armel', 'arm/v6'), ('i386', '386'), ('x86_64', 'amd64'), ('x86-64', 'amd64')]
# Normalize(arch, variant): what database.go's normalizeArch returns (source reading; containerd has no table test for it)
def N(arch, variant, n_arch, n_variant):
    return {'arch': arch, 'variant': variant, 'normalized': {'arch': n_arch, 'variant': n_variant}}
norm_src = [
    N('i386', '', '386', ''), N('i386', 'v7', '386', ''),
    N('x86_64', '', 'amd64', ''), N('x86-64', '', 'amd64', ''), N('amd64', 'v1', 'amd64', ''), N('amd64', 'v2', 'amd64', 'v2'), N('AMD64', 'V3', 'amd64', 'v3'),
    N('aarch64', '', 'arm64', ''), N('arm64', '8', 'arm64', ''), N('arm64', 'v8', 'arm64', ''), N('arm64', 'v8.0', 'arm64', ''),
    N('arm64', '9', 'arm64', 'v9'), N('arm64', '9.0', 'arm64', 'v9'), N('arm64', 'v9.0', 'arm64', 'v9'), N('arm64', 'v9', 'arm64', 'v9'),
    N('arm64', 'v8.2', 'arm64', 'v8.2'), N('arm64', 'v9.6', 'arm64', 'v9.6'),
    N('armhf', '', 'arm', 'v7'), N('armhf', 'v6', 'arm', 'v7'), N('armel', '', 'arm', 'v6'),
    N('arm', '', 'arm', 'v7'), N('arm', '7', 'arm', 'v7'), N('arm', '5', 'arm', 'v5'), N('arm', '6', 'arm', 'v6'), N('arm', '8', 'arm', 'v8'), N('arm', 'v7', 'arm', 'v7'),
    N('s390x', '', 's390x', ''), N('riscv64', '', 'riscv64', ''), N('ppc64le', '', 'ppc64le', ''),
]
write('normalize.json', {
    'source': [source('platforms.go'), source('database.go'), source('platforms_test.go')],
    'about': ("Normalisation. containerd has no table test of Normalize itself (its only Normalize test checks the host default on Windows): "
              "'documented' is the package documentation's table; 'normalizeArch' rows are read from database.go (lower-casing included), not "
              "from a test; 'parseAdjustments' are what Parse does on top of it (checked by platforms_test.go where a case is cited). OS: "
              "lower-cased, and macos becomes darwin; an empty OS is the host's."),
    'documented': [{'value': v, 'normalized': n} for v, n in norm_doc] + [{'value': 'macos (os)', 'normalized': 'darwin'}],
    'normalizeArch': norm_src,
    'parseAdjustments': [
        {'rule': 'In one- and two-part specifiers, arm with variant v7 (after normalisation) is kept without a variant.', 'examples': [{'input': 'linux/arm', 'formatted': 'linux/arm'}, {'input': 'armhf', 'formatted': '$HOST_OS/arm'}], 'test': 'TestParseSelector'},
        {'rule': 'In three-part specifiers, arm64 whose variant normalises to empty gets v8 back, so linux/arm64/v8 prints as linux/arm64/v8 while linux/arm64 prints as linux/arm64 (they match each other).', 'examples': [{'input': 'linux/arm64/v8', 'formatted': 'linux/arm64/v8'}], 'test': 'TestParseSelector'},
        {'rule': 'armel as a single part is arm/v6.', 'examples': [{'input': 'armel', 'formatted': '$HOST_OS/arm/v6'}], 'test': 'TestParseSelector'},
        {'rule': 'A single part is first tried as an OS (known Go OS names, after lower-casing/macos), otherwise as an architecture that must be a known Go architecture; anything else is an error.', 'examples': [{'input': 'linux', 'formatted': 'linux/$HOST_ARCH'}, {'input': 's390x', 'formatted': '$HOST_OS/s390x'}], 'test': 'TestParseSelector'},
        {'rule': 'Two- and three-part specifiers accept any OS and architecture made of [A-Za-z0-9_.-] (no known-name check).', 'examples': [{'input': 'linux/arm64/v9.6'}, {'input': 'linux/arm64/v8.10'}], 'test': 'TestOnly (parses them)'},
    ],
})
print('parse', len(parse_cases), 'pairs', len(pairs), {t: sum(1 for p in pairs if p['test'] == t) for t in ['TestOnly', 'TestOnlyStrict', 'TestOnlyOS', 'TestParseSelector']})
