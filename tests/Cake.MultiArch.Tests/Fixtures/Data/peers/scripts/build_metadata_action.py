"""Turns the collected test.each rows of docker/metadata-action into this project's case tables."""
import json, subprocess, sys, os

GIT, COMMIT, RAW, OUT = sys.argv[1:5]
def show(path):
    return subprocess.run(['git', f'--git-dir={GIT}', 'show', f'{COMMIT}:{path}'], capture_output=True, text=True, check=True).stdout
def raw(name):
    return json.load(open(os.path.join(RAW, f'raw_{name}.json')))
def write(name, doc):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write('\n')
def source(path):
    return {'repository': 'docker/metadata-action', 'path': path, 'commit': COMMIT}

NOW = '2020-01-10T00:30:00.000Z'

# ---- contexts: what each fixture (.env + event JSON) puts in the action's context
def parse_env(text):
    env = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#') or '=' not in line:
            continue
        k, v = line.split('=', 1)
        env[k] = v
    return env

def is_default_branch(ref, event, payload):
    # what {{is_default_branch}} gives (src/meta.ts): the ref minus refs/heads/ equals payload.repository.default_branch,
    # or the event is one that always runs on the default branch's last commit
    branch = ref.replace('refs/heads/', '', 1) if ref.startswith('refs/heads/') else ref
    if not branch:
        return False
    if (payload.get('repository') or {}).get('default_branch') == branch:
        return True
    return any(e in event for e in ('create', 'discussion', 'issues', 'schedule'))

fixture_files = subprocess.run(['git', f'--git-dir={GIT}', 'ls-tree', '--name-only', COMMIT, '__tests__/fixtures/'], capture_output=True, text=True, check=True).stdout.split()
repo = json.loads(show('__tests__/fixtures/repo.json'))
contexts = {}
for f in sorted(fixture_files):
    if not f.endswith('.env'):
        continue
    env = parse_env(show(f))
    event_path = env.get('GITHUB_EVENT_PATH') or None
    payload = {}
    if event_path:
        p = event_path[2:] if event_path.startswith('./') else event_path
        if p in fixture_files:
            payload = json.loads(show(p))
        else:
            event_path = event_path + ' (missing: payload is {})'
    event = env.get('GITHUB_EVENT_NAME', '')
    ref = env.get('GITHUB_REF', '')
    effective_ref = ref
    if 'pull_request_target' in event:
        effective_ref = f"refs/pull/{payload.get('number')}/merge"
    pr = payload.get('pull_request') or {}
    commits = [{'id': c['id'], 'timestamp': c['timestamp']} for c in payload.get('commits') or []]
    head_commit = payload.get('head_commit')
    sha = env.get('GITHUB_SHA', '')
    commit_date = next((c['timestamp'] for c in commits if c['id'] == sha), None)
    commit_date_from = 'payload.commits' if commit_date else None
    if not commit_date and head_commit and head_commit.get('id') == sha:
        commit_date, commit_date_from = head_commit['timestamp'], 'payload.head_commit'
    ctx = {
        'envFile': os.path.basename(f),
        'eventName': event,
        'refFromEnv': ref,
        'ref': effective_ref,
        'sha': sha,
        'prHeadSha': (pr.get('head') or {}).get('sha'),
        'repository': env.get('GITHUB_REPOSITORY') or 'docker/repo (test default)',
        'githubBaseRef': env.get('GITHUB_BASE_REF', ''),
        'githubHeadRef': env.get('GITHUB_HEAD_REF', ''),
        'eventPayloadFile': event_path,
        'payload': {
            'number': payload.get('number'),
            'base_ref': payload.get('base_ref'),
            'pull_request.number': pr.get('number'),
            'pull_request.head.sha': (pr.get('head') or {}).get('sha'),
            'pull_request.head.ref': (pr.get('head') or {}).get('ref'),
            'pull_request.base.ref': (pr.get('base') or {}).get('ref'),
            'repository.default_branch': (payload.get('repository') or {}).get('default_branch'),
            'head_commit': {'id': head_commit['id'], 'timestamp': head_commit['timestamp']} if head_commit else None,
            'commits': commits,
        },
        'derived': {
            'branch': effective_ref[len('refs/heads/'):] if effective_ref.startswith('refs/heads/') else None,
            'tag': effective_ref[len('refs/tags/'):] if effective_ref.startswith('refs/tags/') else None,
            'pullRequestNumber': int(effective_ref[len('refs/pull/'):].removesuffix('/merge')) if effective_ref.startswith('refs/pull/') else None,
            'isDefaultBranch': is_default_branch(effective_ref, event, payload),
        },
        'commitDate': commit_date,
        'commitDateFrom': commit_date_from or 'none in the payload: the action asks the GitHub API, which fails in the tests, and falls back to now',
    }
    contexts[ctx['envFile']] = ctx

write('contexts.json', {
    'source': [source('__tests__/fixtures/*.env'), source('__tests__/fixtures/*.json'), source('__tests__/meta.test.ts'), source('src/context.ts'), source('src/meta.ts')],
    'about': 'The GitHub context each fixture gives metadata-action in its tests. "ref" is the ref the action uses: for pull_request_target it is rewritten to refs/pull/<payload.number>/merge. "prHeadSha" replaces "sha" only when DOCKER_METADATA_PR_HEAD_SHA=true (the pr-head-sha suite) and the event is a pull request. The tests fix the clock: now is ' + NOW + ', and their moment-timezone mock returns that instant for every date, so {{date ...}} and {{commit_date ...}} both render it whatever the commit date is.',
    'now': NOW,
    'repo': {
        'about': 'The repository data (repo.json) the tests answer the GitHub API with: it gives the default OCI label values, and its default_branch is the one type=edge uses (isDefaultBranch instead reads the event payload).',
        'name': repo.get('name'), 'description': repo.get('description'), 'html_url': repo.get('html_url'),
        'license': (repo.get('license') or {}).get('spdx_id'), 'default_branch': repo.get('default_branch'),
    },
    'fixtures': contexts,
})

# ---- meta.test.ts
tables = raw('meta')
tag_label_cases, output_cases, raw_statement = [], [], []
for t in tables:
    suite = t['describe']
    if suite == 'isRawStatement':
        for pattern, expected in t['rows']:
            raw_statement.append({'pattern': pattern, 'isRawStatement': expected})
        continue
    p = t['params']
    for row in t['rows']:
        r = dict(zip(p, row))
        case = {'id': f"{suite}/{r['name']}", 'suite': suite, 'name': r['name'], 'fixture': r['envFile']}
        env = {}
        if suite == 'pr-head-sha':
            env['DOCKER_METADATA_PR_HEAD_SHA'] = 'true'
        case['extraEnv'] = env
        case['inputs'] = r['inputs']
        if 'exVersion' in r:
            v = r['exVersion']
            labels = r.get('exLabels', r.get('exLabelsAnnotations'))
            ann = r.get('exAnnotations')
            case['expected'] = {
                'version': {'main': v.get('main'), 'partial': v['partial'], 'latest': v['latest']},
                'tags': r['exTags'],
                'labels': labels,
                'annotations': ann if ann is not None else labels,
                'annotationsSameAsLabels': ann is None,
            }
            tag_label_cases.append(case)
        else:
            if suite == 'json':
                case['call'] = "getJSON(['manifest'])"
                case['expected'] = r['exJSON']
            elif suite == 'bakeFile':
                case['call'] = "getBakeFile('tags'), getBakeFile('labels'), getBakeFile('annotations:index,manifest-descriptor')"
                case['expected'] = {'tags': r['exBakeTags'], 'labels': r['exBakeLabels'], 'annotations': r['exBakeAnnotations']}
            elif suite == 'bakeFileTagsLabels':
                case['call'] = 'getBakeFileTagsLabels()'
                case['expected'] = r['exBakeDefinition']
            elif suite == 'sepTags':
                case['call'] = 'getTags().join(sepTags)'
                case['expected'] = r['expTags']
            else:
                raise SystemExit('unknown suite ' + suite)
            output_cases.append(case)

write('meta-tags-labels.json', {
    'source': [source('__tests__/meta.test.ts')],
    'about': 'One object per test case of the suites that check version, tags, labels and annotations. "fixture" names an entry of contexts.json. Inputs are as the action takes them (each tags/flavor/labels/annotations entry is one line of the input). expected.version.main null means undefined. When the test gives no annotations list, they equal the labels (annotationsSameAsLabels).',
    'count': len(tag_label_cases),
    'cases': tag_label_cases,
})
write('meta-outputs.json', {
    'source': [source('__tests__/meta.test.ts')],
    'about': "Cases that check the action's other outputs: the JSON output (called with annotation level 'manifest'), the bake files, and the tag separator. 'call' names what the test reads.",
    'count': len(output_cases),
    'cases': output_cases,
})
write('raw-statement.json', {
    'source': [source('__tests__/meta.test.ts')],
    'about': 'Which tag patterns are the bare {{raw}} statement (Meta.isRawStatement).',
    'count': len(raw_statement),
    'cases': raw_statement,
})

# ---- tag.test.ts
tt = raw('tag')
tag_cases = []
for t in tt:
    for i, row in enumerate(t['rows']):
        if t['describe'] == 'transform':
            lines, expected, invalid = row
            tag_cases.append({'id': f'transform/{i+1:02d}', 'kind': 'transform', 'input': lines, 'error': invalid, 'expected': None if invalid else expected})
        else:
            line, expected, invalid = row
            tag_cases.append({'id': f'parse/{i+1:02d}', 'kind': 'parse', 'input': line, 'error': invalid, 'expected': None if invalid else expected})
defaults = {'schedule': '1000', 'semver': '900', 'pep440': '900', 'match': '800', 'edge': '700', 'ref': '600', 'raw': '200', 'sha': '100'}
write('tag-rules.json', {
    'source': [source('__tests__/tag.test.ts'), source('src/tag.ts')],
    'about': "Tag-rule parsing. kind 'parse': one input line -> the rule (type and attributes, every value a string) or an error. kind 'transform': a list of lines -> the rules sorted by priority, highest first (equal priorities keep no guaranteed order beyond what the test shows). An id is the table row number in the test file (the tests have no names).",
    'defaultPriorities': defaults,
    'defaultRulesWhenNoTags': ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'],
    'count': len(tag_cases),
    'cases': tag_cases,
})

# ---- flavor.test.ts / image.test.ts (not asked for by issue 16's counts; kept because ImageMetadata has both inputs)
for name, label in (('flavor', 'flavor'), ('image', 'images')):
    rows = raw(name)[0]['rows']
    cases = [{'id': f'transform/{i+1:02d}', 'input': r[0], 'error': r[2], 'expected': None if r[2] else r[1]} for i, r in enumerate(rows)]
    write(f'{name}-transform.json', {
        'source': [source(f'__tests__/{name}.test.ts')],
        'about': f"The {label} input: list of lines -> the parsed value, or an error. An id is the table row number in the test file.",
        'count': len(cases),
        'cases': cases,
    })
print(len(tag_label_cases), len(output_cases), len(raw_statement), len(tag_cases))
