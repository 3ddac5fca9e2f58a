import fs from 'node:fs';
import path from 'node:path';
import { searchForm } from '@sen/domain';

/**
 * Name material for synthetic people, from the shipped lists in data/names (see data/LICENSES.md): given names by
 * sex and aggregate counts of family, middle and given names. No individual's name is ever used whole.
 */
export const NAMES_DIR = path.resolve(import.meta.dirname, '../../../../data/names');

export interface Weighted {
  name: string;
  weight: number;
}

export interface NameData {
  family: Weighted[];
  /** Middle names with the share of names that have none ("(none)" in the source). */
  middle: Weighted[];
  noMiddleShare: number;
  givenCounts: ReadonlyMap<string, number>;
  boyOneWord: string[];
  girlOneWord: string[];
  boyTwoWord: string[];
  girlTwoWord: string[];
}

interface FrequencyFile {
  n_names: number;
  family_names: [string, number][];
  middle_names: [string, number][];
  given_names: [string, number][];
}

/** Letters of the Vietnamese alphabet (NFC, lower case), and the space between syllables. */
const VIETNAMESE = /^[a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ ]+$/;
/**
 * The counts file keeps a few names that were typed in the legacy VNI encoding and read as Latin-1 ("Vuõ" for
 * Vũ, "Tuaán" for Tuấn, "Ngoâ" for Ngô): a base vowel followed by an accented copy of a vowel. No Vietnamese
 * syllable has these pairs.
 */
const VNI_MOJIBAKE = /(aâ|aá|aà|oâ|eâ|uõ|uø)/;

export function isCleanName(name: string): boolean {
  const s = name.normalize('NFC').toLowerCase();
  return VIETNAMESE.test(s) && !VNI_MOJIBAKE.test(s);
}

/**
 * Cleans a count list: drops mojibake and non-Vietnamese entries, and folds spellings that differ only in
 * diacritics or tone placement ("Le", "Hùynh", "Hoà") into the most frequent spelling, summing their counts.
 */
export function cleanCounts(entries: readonly [string, number][]): Weighted[] {
  const byFold = new Map<string, { best: string; bestCount: number; total: number }>();
  for (const [raw, count] of entries) {
    const name = fixEth(raw).normalize('NFC').trim();
    if (!isCleanName(name) || count <= 0) continue;
    const key = searchForm(name);
    const cur = byFold.get(key);
    if (!cur) byFold.set(key, { best: name, bestCount: count, total: count });
    else {
      cur.total += count;
      if (count > cur.bestCount) {
        cur.best = name;
        cur.bestCount = count;
      }
    }
  }
  return [...byFold.values()].map((v) => ({ name: v.best, weight: v.total })).sort((a, b) => b.weight - a.weight);
}

/** Some lists type Đ as the Icelandic Eth (Ð, U+00D0), which looks the same but folds differently. */
function fixEth(text: string): string {
  return text.replace(/\u00d0/g, 'Đ').replace(/\u00f0/g, 'đ');
}

function readList(file: string): string[] {
  return fs
    .readFileSync(path.join(NAMES_DIR, file), 'utf8')
    .split(/\r?\n/)
    .map((l) => fixEth(l).normalize('NFC').trim().replace(/\s+/g, ' '))
    .filter((l) => l && isCleanName(l));
}

let cached: NameData | undefined;

export function loadNameData(): NameData {
  if (cached) return cached;
  const freq = JSON.parse(fs.readFileSync(path.join(NAMES_DIR, 'name_frequencies_uit.json'), 'utf8')) as FrequencyFile;
  const none = freq.middle_names.find(([n]) => n === '(none)')?.[1] ?? 0;
  const given = cleanCounts(freq.given_names);
  const boy = readList('boy.txt');
  const girl = readList('girl.txt');
  const unique = (xs: string[]) => [...new Set(xs)];
  cached = {
    family: cleanCounts(freq.family_names),
    middle: cleanCounts(freq.middle_names),
    noMiddleShare: freq.n_names > 0 ? none / freq.n_names : 0.01,
    givenCounts: new Map(given.map((g) => [g.name, g.weight])),
    boyOneWord: unique(readList('boy_one_word.txt').filter((n) => !n.includes(' '))),
    girlOneWord: unique(readList('girl_one_word.txt').filter((n) => !n.includes(' '))),
    boyTwoWord: unique(boy.filter((n) => n.split(' ').length === 2)),
    girlTwoWord: unique(girl.filter((n) => n.split(' ').length === 2)),
  };
  return cached;
}
