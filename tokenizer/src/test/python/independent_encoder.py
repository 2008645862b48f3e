"""An independent textbook encoder (GPT-2 style BPE: merge every occurrence of the best pair; the `regex` module
for the split pattern, with \\s spelled out as Unicode White_Space) used once to cross-check the Java tokenizer on
large inputs beyond the golden files. Not run by the build (needs Python with `regex`).
  python3 tokenizer/src/test/python/independent_encoder.py < in.jsonl > py.jsonl     # {"text"} lines -> + "ids"
  ./imagine tokenize --jsonl in.jsonl --out java.jsonl                             # the bundled Qwen3 tokenizer
Result on 2026-11-22: 3,048 texts (the three bench texts, the 45 TravelPlanner reference_information lines, 3,000
random ones), 608,797 tokens: identical except 3 random texts holding CJK Extension J code points, which the regex
module (Unicode 17) calls letters and the JDK (Unicode 16) unassigned.
"""
import gzip, json, sys, unicodedata, regex
# the Qwen3 tokenizer.json bundled in the module (run from the repository root)
t = json.load(gzip.open('tokenizer/src/main/resources/dev/imagine/tokenizer/qwen3/tokenizer.json.gz', 'rt', encoding='utf-8'))
vocab = t['model']['vocab']
ranks = {tuple(m): i for i, m in enumerate(t['model']['merges'])}
added = sorted((a['content'] for a in t['added_tokens']), key=len, reverse=True)
added_ids = {a['content']: a['id'] for a in t['added_tokens']}
WS = r'\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
pat = regex.compile(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^" + WS + r"\p{L}\p{N}]+[\r\n]*|[" + WS + r"]*[\r\n]+|[" + WS + r"]+(?![^" + WS + r"])|[" + WS + r"]+")
bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256)); cs = bs[:]; n = 0
for b in range(256):
    if b not in bs: bs.append(b); cs.append(256 + n); n += 1
b2u = {b: chr(c) for b, c in zip(bs, cs)}
added_re = regex.compile('|'.join(regex.escape(a) for a in added))
cache = {}
def bpe(piece):
    if piece in cache: return cache[piece]
    word = [b2u[b] for b in piece.encode('utf-8')]
    while len(word) > 1:
        pairs = [(ranks.get((word[i], word[i + 1]), 1 << 30), i) for i in range(len(word) - 1)]
        r, _ = min(pairs)
        if r == 1 << 30: break
        a, b = t['model']['merges'][r]
        out = []; i = 0
        while i < len(word):
            if i + 1 < len(word) and word[i] == a and word[i + 1] == b: out.append(a + b); i += 2
            else: out.append(word[i]); i += 1
        word = out
    ids = [vocab[w] for w in word]; cache[piece] = ids; return ids
def encode(text):
    ids = []; last = 0
    def ordinary(s):
        s = unicodedata.normalize('NFC', s)
        for m in pat.finditer(s): ids.extend(bpe(m.group()))
    for m in added_re.finditer(text):
        ordinary(text[last:m.start()]); ids.append(added_ids[m.group()]); last = m.end()
    ordinary(text[last:])
    return ids
for line in sys.stdin:
    obj = json.loads(line)
    print(json.dumps({"text": obj["text"], "ids": encode(obj["text"])}, ensure_ascii=False))
