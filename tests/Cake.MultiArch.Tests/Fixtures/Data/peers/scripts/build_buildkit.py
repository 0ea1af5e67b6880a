"""Builds this project's BuildKit case tables (parser, heredocs, shell words, build checks)."""
import json, subprocess, sys, os, re

GIT, COMMIT, OUT = sys.argv[1:4]
REPO = 'moby/buildkit'
def show(path):
    return subprocess.run(['git', f'--git-dir={GIT}', 'show', f'{COMMIT}:{path}'], capture_output=True, check=True).stdout.decode('utf-8')
def source(path):
    return {'repository': REPO, 'path': path, 'commit': COMMIT}
def write(name, doc):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write('\n')
def go_raw_literal(go_src, func_name, opener):
    """The text of the first Go raw string that follows `opener` inside func `func_name`."""
    start = go_src.index(f'func {func_name}(')
    at = go_src.index(opener, start) + len(opener)
    return go_src[at:go_src.index('`', at)]

P = 'frontend/dockerfile/parser/'
parser_test = show(P + 'parser_test.go')
heredoc_test = show(P + 'parser_heredoc_test.go')

# ---------------------------------------------------------------- parser: test files
def names(tree):
    out = subprocess.run(['git', f'--git-dir={GIT}', 'ls-tree', '--name-only', f'{COMMIT}:{tree}'], capture_output=True, text=True, check=True).stdout.split()
    return sorted(out)

positive = [{'name': n, 'dockerfile': f'testfiles/{n}/Dockerfile', 'result': f'testfiles/{n}/result'} for n in names(P + 'testfiles')]
negative_reasons = {
    # the test only asserts that Parse fails; the reasons are what parser.go / line_parsers.go say for these inputs
    'empty_dockerfile': 'file with no instructions',
    'only_comments': 'file with no instructions',
    'env_no_value': 'ENV must have two arguments',
    'shykes-nested-json': 'when using JSON array syntax, arrays must be comprised of strings only',
}
negative = [{'name': n, 'dockerfile': f'testfiles-negative/{n}/Dockerfile', 'reasonFromParserSource': negative_reasons[n]} for n in names(P + 'testfiles-negative')]

long_line_text = go_raw_literal(parser_test, 'TestParseReturnsScannerErrors', 'fmt.Sprintf(`')
assert long_line_text.count('%s') == 1
write('parser-cases.json', {
    'source': [source(P + 'parser_test.go'), source(P + 'testfiles/'), source(P + 'testfiles-negative/'), source(P + 'testfile-line/Dockerfile')],
    'about': (
        "BuildKit's parser cases. 'testfiles': each Dockerfile parses without error and its AST dump equals the 'result' file "
        "(the file holds the dump plus one trailing newline). 'negative': each Dockerfile must fail to parse; the test asserts only "
        "that it fails, the reason given is what BuildKit's parser source returns for it. Paths are relative to this folder (peers/buildkit)."),
    'dumpFormat': (
        "One line per instruction: '(' + lower-case instruction name, then ' ' + the flags as a Go-quoted string list (e.g. [\"--from=a\" \"--link\"]) "
        "when the instruction has flags, then for each argument node ' ' + the Go-quoted value (strconv.Quote: \\\" \\\\ \\n \\t escaped, other control "
        "characters as \\xNN, printable non-ASCII kept); ONBUILD's argument is the nested instruction dumped without its parentheses; + ')'. "
        "ENV/LABEL/ARG name-value arguments come as triples: name, value, and \"=\" for the name=value form or \"\" for the legacy 'name value' form."),
    'testfiles': positive,
    'negative': negative,
    'lineNumbers': {
        'test': 'TestParseIncludesLineNumbers',
        'dockerfile': 'testfile-line/Dockerfile',
        'ast': {'startLine': 5, 'endLine': 31},
        'instructions': [{'startLine': 5, 'endLine': 5}, {'startLine': 11, 'endLine': 12}, {'startLine': 17, 'endLine': 31}],
    },
    'emptyContinuationWarnings': {
        'test': 'TestParseWarnsOnEmptyContinutationLine',
        'text': go_raw_literal(parser_test, 'TestParseWarnsOnEmptyContinutationLine', 'bytes.NewBufferString(`'),
        'parses': True,
        'warningCount': 2,
        'warnings': [
            {'shortContains': ['Empty continuation line found in', 'RUN something     following     more'], 'detailContains': 'will become errors in a future release'},
            {'shortContains': ['RUN another     thing']},
        ],
        'note': 'A comment line inside a continuation (indented or not) is not an empty continuation line.',
    },
    'longLine': {
        'test': 'TestParseReturnsScannerErrors',
        'textTemplate': long_line_text,
        'placeholder': '%s',
        'fill': {'char': 'a', 'count': 65536},
        'error': 'dockerfile line greater than max allowed size of 65535',
    },
    'words': {
        'test': 'TestParseWords',
        'about': 'The parser\'s own word splitting (used for ENV/LABEL/ARG values and flags), escape character \\\\: quotes and escapes are kept in the words.',
        'cases': [
            {'input': 'foo', 'words': ['foo']},
            {'input': 'foo bar', 'words': ['foo', 'bar']},
            {'input': 'foo\\ bar', 'words': ['foo\\ bar']},
            {'input': 'foo=bar', 'words': ['foo=bar']},
            {'input': "foo bar 'abc xyz'", 'words': ['foo', 'bar', "'abc xyz'"]},
            {'input': 'foo bar "abc xyz"', 'words': ['foo', 'bar', '"abc xyz"']},
            {'input': 'àöû', 'words': ['àöû']},
            {'input': 'föo bàr "âbc xÿz"', 'words': ['föo', 'bàr', '"âbc xÿz"']},
        ],
    },
})

# ---------------------------------------------------------------- heredocs
hd_text = go_raw_literal(heredoc_test, 'TestParseExtractsHeredoc', 'bytes.NewBufferString(`')
def H(name, content, expand=True, chomp=False, fd=0):
    return {'name': name, 'content': content, 'expand': expand, 'chomp': chomp, 'fileDescriptor': fd}
# (first line of the instruction, heredocs the parser attaches to it); the instructions after FROM, in order
expected = [
    ('ENV NAME=me', None),
    ('RUN ls', None),
    ('USER <<INVALID', None),
    ('INVALID', None),
    ('RUN <<EMPTY', [H('EMPTY', '')]),
    ('RUN 3<<EMPTY2', [H('EMPTY2', '', fd=3)]),
    ('RUN "<<NOHEREDOC"', None),
    ('RUN <<INDENT', [H('INDENT', '\tfoo\n\tbar\n')]),
    ('RUN <<-UNINDENT', [H('UNINDENT', '\tbaz\n\tquux\n', chomp=True)]),
    ('RUN <<-UNINDENT2', [H('UNINDENT2', '\tbaz\n\tquux\n', chomp=True)]),
    ('RUN <<-EXPAND', [H('EXPAND', '\texpand $NAME\n', chomp=True)]),
    ("RUN <<-'NOEXPAND'", [H('NOEXPAND', "\tdon't expand $NAME\n", expand=False, chomp=True)]),
    ('RUN <<COPY', [H('COPY', 'echo hello world\necho foo bar\n')]),
    ('RUN <<COMMENT', [H('COMMENT', '# internal comment\necho hello world\necho foo bar # trailing comment\n')]),
    ('RUN --mount=type=cache,target=/foo <<MOUNT', [H('MOUNT', 'echo hello\n')]),
    ('COPY <<FILE1 <<FILE2 /dest', [H('FILE1', 'content 1\n'), H('FILE2', 'content 2\n')]),
    ('COPY <<EOF /quotes', [H('EOF', '"foo"\n\'bar\'\n')]),
    ('COPY <<X <<Y /dest', [H('X', 'Y\n'), H('Y', 'X\n')]),
    ('RUN <<COMPLEX python3', [H('COMPLEX', "print('hello world')\n")]),
    ('COPY <<file.txt /dest', [H('file.txt', 'hello world\n')]),
    ("RUN <<eo'f'", [H('eof', 'echo foo\n', expand=False)]),
    ("RUN <<eo\\'f", [H("eo'f", 'echo foo\n')]),
    ("RUN <<'e'o\\'f", [H("eo'f", 'echo foo\n', expand=False)]),
    ("RUN <<'one two'", [H('one two', 'echo bar\n', expand=False)]),
    ('RUN <<$EOF', [H('$EOF', '')]),
    ('RUN <<  EOF', [H('EOF', '')]),
    ('RUN <<  EOF  > foo', [H('EOF', '')]),
]
lines = hd_text.split('\n')
cursor = 0
instructions = []
for index, (first, heredocs) in enumerate(expected, start=1):
    while lines[cursor] != first:
        cursor += 1
    instructions.append({'index': index, 'line': cursor + 1, 'text': first, 'heredocs': heredocs})
    cursor += 1
assert lines[1] == 'FROM alpine:3.6'

json_heredoc_text = go_raw_literal(heredoc_test, 'TestParseJSONHeredoc', 'bytes.NewBufferString(`')
onbuild_text = '\nFROM busybox\nONBUILD RUN <<EOF\necho "hello world" >> /dest\nEOF\n'
write('heredoc-cases.json', {
    'source': [source(P + 'parser_heredoc_test.go'), source('frontend/dockerfile/dockerfile_heredoc_test.go')],
    'about': (
        "Heredoc parsing. 'document': one Dockerfile text and, for each instruction after its first (FROM, index 0), the heredocs BuildKit's parser "
        "attaches (null = none). 'line' is the 1-based line the instruction starts on (computed here from the text). A heredoc's content keeps its "
        "tabs even when chomp (<<-) is set: chomp is applied later, when the content is used (see chomp). expand=false when any part of the name is quoted."),
    'document': {
        'test': 'TestParseExtractsHeredoc',
        'text': hd_text,
        'instructionCount': len(expected) + 1,
        'instructions': instructions,
    },
    'jsonFormNoHeredoc': {
        'test': 'TestParseJSONHeredoc',
        'text': json_heredoc_text,
        'about': 'Instructions 1..3 (JSON form) have no heredocs.',
        'instructionsWithoutHeredocs': [1, 2, 3],
    },
    'chomp': {'test': 'TestHeredocChomp', 'input': '\thello\n\tworld\n', 'output': 'hello\nworld\n'},
    'heredocToken': {
        'test': 'TestParseHeredocHelpers',
        'about': "One word: 'name' = a heredoc named EOF; 'notHeredoc' = not a heredoc, no error; 'error' = an error.",
        'cases': [{'word': w, 'expect': 'name', 'name': 'EOF'} for w in ['<<EOF', "<<'EOF'", '<<"EOF"', '<<-EOF', "<<-'EOF'", '<<-"EOF"', '<<EO"F"', '<< EOF', '<<- EOF']]
                 + [{'word': w, 'expect': 'error'} for w in ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"']]
                 + [{'word': w, 'expect': 'notHeredoc'} for w in ['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh']],
    },
    'heredocsFromLine': {
        'test': 'TestHeredocsFromLine',
        'about': "Names of the heredocs found on one instruction line (the test only compares the names it finds, in order).",
        'cases': [
            {'line': 'RUN <<EOF', 'names': ['EOF']},
            {'line': 'RUN <<-EOF', 'names': ['EOF']},
            {'line': 'RUN <<EOF', 'names': ['EOF']},
            {'line': 'RUN <<- EOF', 'names': ['EOF']},
            {'line': 'RUN << -EOF', 'names': ['-EOF']},
            {'line': "RUN <<'EOF'", 'names': ['EOF']},
            {'line': 'RUN 4<<EOF', 'names': ['EOF']},
            {'line': 'RUN <<EOF <<EOF2', 'names': ['EOF', 'EOF2']},
            {'line': "RUN '<<EOF'", 'names': []},
            {'line': 'RUN "<<EOF"', 'names': []},
        ],
    },
    'onbuild': {
        'test': 'testOnBuildHeredoc (integration test: builds the image, then a child of it, and reads the file the heredoc wrote)',
        'text': onbuild_text,
        'expect': 'Two instructions: FROM, and ONBUILD whose RUN carries the heredoc EOF with content \'echo "hello world" >> /dest\\n\'. The test proves it by the child build writing "hello world\\n" to /dest (Linux).',
        'instructionCount': 2,
        'heredocs': [H('EOF', 'echo "hello world" >> /dest\n')],
    },
})

# ---------------------------------------------------------------- shell lexer files
S = 'frontend/dockerfile/shell/'
words_cases, envs = [], []
for n, line in enumerate(show(S + 'wordsTest').split('\n'), start=1):
    if line == '' :
        continue  # the file ends with a newline; a scanner gives no empty last token
    if line.startswith('#'):
        continue
    if line.startswith('ENV '):
        envs.append(line[3:].lstrip(' '))
        continue
    parts = line.split('|')
    assert len(parts) == 2, line
    exp = parts[1].lstrip(' ').split(',')
    case = {'line': n, 'env': list(envs), 'input': parts[0].strip()}
    if exp == ['error']:
        case['error'] = True
    else:
        case['words'] = exp
    words_cases.append(case)

env_cases = []
for n, line in enumerate(show(S + 'envVarTest').split('\n'), start=1):
    if line.startswith('#'):
        continue
    line = line.strip()
    if not line:
        continue
    parts = line.split('|')
    assert len(parts) == 3, line
    platform, src, exp = (p.strip() for p in parts)
    case = {'line': n, 'platform': platform, 'input': src}
    if exp == 'error':
        case['error'] = True
    else:
        case['output'] = exp
    env_cases.append(case)

write('shell-words.json', {
    'source': [source(S + 'wordsTest'), source(S + 'lex_test.go')],
    'about': ("Word splitting with variable expansion (the shell lexer's ProcessWords, escape \\\\), as TestShellParser4Words reads wordsTest: "
              "'env' holds the ENV lines given so far (name=value, the value taken verbatim, trailing spaces included); 'words' is the expected list, "
              "or error. 'line' is the line in wordsTest. Only the default mode runs: the test's second mode re-reads an exhausted file and checks nothing."),
    'count': len(words_cases),
    'cases': words_cases,
})
write('shell-expansion.json', {
    'source': [source(S + 'envVarTest'), source(S + 'lex_test.go')],
    'about': ("One word, variables expanded (the shell lexer's ProcessWord, escape \\\\), as TestShellParser4EnvVars reads envVarTest. "
              "Platform A = all, U = Unix only, W = Windows only. 'output' or error. 'line' is the line in envVarTest."),
    'env': {'PWD': '/home', 'SHELL': 'bash', 'KOREAN': '한국어', 'NULL': ''},
    'count': len(env_cases),
    'cases': env_cases,
    'mandatory': {
        'test': 'TestShellParserMandatoryEnvVars',
        'cases': [
            {'input': '${VAR:?message here$ARG}', 'env': {'VAR': 'plain', 'ARG': 'x'}, 'output': 'plain'},
            {'input': '${VAR:?message here$ARG}', 'env': {'VAR': '', 'ARG': 'x'}, 'errorContains': 'message herex'},
            {'input': '${VAR:?message here$ARG}', 'env': {'ARG': 'x'}, 'errorContains': 'message herex'},
            {'input': '${VAR?message here$ARG}', 'env': {'VAR': 'plain', 'ARG': 'x'}, 'output': 'plain'},
            {'input': '${VAR?message here$ARG}', 'env': {'VAR': '', 'ARG': 'x'}, 'output': ''},
            {'input': '${VAR?message here$ARG}', 'env': {'ARG': 'x'}, 'errorContains': 'message herex'},
        ],
    },
})
print('testfiles', len(positive), 'negative', len(negative), 'heredoc instructions', len(instructions), 'words', len(words_cases), 'env', len(env_cases))
