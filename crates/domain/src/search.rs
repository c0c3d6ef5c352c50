//! A small in-memory full-text search for Italian text: the FAQ, published documents and
//! the Riciclabolario of one Comune (a few thousand items), searched with the words a
//! citizen types.
//!
//! Text is folded (lowercase, no accents, apostrophes split), stop words dropped and each
//! word cut by a light stemmer, so "Bottiglie" finds "bottiglia". Documents are scored by
//! BM25F over weighted fields; a query word also matches a word one typo away and, for the
//! last word typed, any longer word it begins.

use std::collections::BTreeMap;

/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation.
const B: f32 = 0.75;
/// Weight of a match at Damerau-Levenshtein distance 1.
const TYPO_WEIGHT: f32 = 0.6;
/// Weight of a match on a longer word the last query word begins.
const PREFIX_WEIGHT: f32 = 0.5;
/// Shortest query term (in characters) tried with a typo: shorter words have too many
/// neighbours ("rata", "rete", "rate").
const TYPO_MIN_CHARS: usize = 5;
/// Shortest query term completed as a prefix.
const PREFIX_MIN_CHARS: usize = 3;
/// Query terms looked up at most: enough for any question, and a bound on the work a
/// pasted page can cause.
const MAX_QUERY_TERMS: usize = 32;
/// A stem is never cut below this many characters.
const STEM_MIN_CHARS: usize = 3;

/// Text folded for search: lowercase, accents removed (à→a, è/é→e, ì→i, ò→o, ù→u and the
/// other Latin-1 letters), apostrophes split ("l'olio" → "l", "olio"), everything not
/// alphanumeric a separator.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            // Lowercasing may add a combining mark ("İ" → "i̇"): only letters and digits stay.
            for l in c.to_lowercase().filter(|l| l.is_alphanumeric()) {
                fold_into(l, &mut word);
            }
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Pushes `c` (already lowercase) without its accent: citizens often type "perche" or
/// "e" for "è", and phones add accents where none belong.
fn fold_into(c: char, out: &mut String) {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        'ð' => 'd',
        'æ' => return out.push_str("ae"),
        'œ' => return out.push_str("oe"),
        'ß' => return out.push_str("ss"),
        'þ' => return out.push_str("th"),
        other => other,
    };
    out.push(plain);
}

/// Italian words too common to tell documents apart, folded: articles, prepositions
/// (plain, articulated and elided), conjunctions, pronouns and possessives, question words
/// and the forms of the auxiliary and modal verbs a question is built with. Sorted, for
/// `binary_search`.
const STOP_WORDS: &[&str] = &[
    "a", "abbia", "abbiamo", "abbiano", "ad", "agli", "ai", "al", "all", "alla", "alle", "allo",
    "altra", "altre", "altri", "altro", "anche", "avere", "avete", "avevo", "avuto", "c", "certo",
    "che", "chi", "ci", "cio", "coi", "col", "come", "con", "contro", "cosa", "cosi", "cui", "d",
    "da", "dagli", "dai", "dal", "dall", "dalla", "dalle", "dallo", "de", "degli", "dei", "del",
    "dell", "della", "delle", "dello", "deve", "devi", "devo", "devono", "di", "dobbiamo", "dov",
    "dove", "dovere", "dovrebbe", "dovrei", "e", "ecc", "ed", "era", "ero", "essere", "fa",
    "faccio", "fai", "fanno", "fare", "farla", "farle", "farli", "farlo", "farne", "fatto", "fra",
    "gia", "gli", "ha", "hai", "hanno", "ho", "i", "il", "in", "io", "l", "la", "le", "lei", "li",
    "lo", "loro", "lui", "ma", "me", "mi", "mia", "mie", "miei", "mio", "molta", "molte", "molti",
    "molto", "ne", "negli", "nei", "nel", "nell", "nella", "nelle", "nello", "noi", "non",
    "nostra", "nostre", "nostri", "nostro", "o", "od", "ogni", "oppure", "per", "perche", "pero",
    "piu", "poi", "possiamo", "posso", "possono", "potete", "potrebbe", "potrei", "puo", "puoi",
    "qual", "qualche", "qualcosa", "qualcuna", "qualcuno", "quale", "quali", "quando", "quanta",
    "quante", "quanti", "quanto", "quell", "quella", "quelle", "quelli", "quello", "quest",
    "questa", "queste", "questi", "questo", "se", "sei", "si", "sia", "siamo", "siete", "sono",
    "sta", "stai", "stanno", "stata", "state", "stati", "stato", "stessa", "stesse", "stessi",
    "stesso", "sto", "su", "sua", "sue", "sugli", "sui", "sul", "sull", "sulla", "sulle", "sullo",
    "suo", "suoi", "tanta", "tante", "tanti", "tanto", "te", "ti", "tra", "tu", "tua", "tue",
    "tuo", "tuoi", "tutta", "tutte", "tutti", "tutto", "un", "una", "uno", "vi", "voi", "vorrei",
    "vostra", "vostro", "vuole",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The search terms of a text: [`words`] minus Italian stop words, each cut by
/// [`stem`].
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !is_stop_word(w))
        .map(|w| stem(&w))
        .collect()
}

/// A light Italian stemmer in the manner of Savoy's: it removes only the final vowel that
/// marks gender and number, so singular and plural, masculine and feminine meet
/// ("bottiglia"/"bottiglie" → "bottigl", "banca"/"banche" → "banc", "parco"/"parchi" →
/// "parc", "negozio"/"negozi" → "negoz"), and never cuts below three characters. Words with
/// digits (years, codes) are kept whole.
///
/// One step more than Savoy's: the diminutive -etto/-etta (-etti/-ette) goes back to its
/// noun, since waste is named that way ("bottiglietta" → "bottigl", "sacchetto" → "sacc",
/// "vaschetta" → "vasc"); the rest must keep five letters, so "progetto" and "rispetto"
/// stay whole.
fn stem(word: &str) -> String {
    let c: Vec<char> = word.chars().collect();
    if c.len() <= STEM_MIN_CHARS || c.iter().any(char::is_ascii_digit) {
        return word.to_owned();
    }
    let n = c.len();
    if n >= 9 && c[n - 4..n - 1] == ['e', 't', 't'] && matches!(c[n - 1], 'a' | 'e' | 'i' | 'o') {
        let mut base = c[..n - 4].to_vec();
        // "sacch-etto" was "sacc-o": the h only kept the sound hard before the e.
        if base.ends_with(&['c', 'h']) || base.ends_with(&['g', 'h']) {
            base.pop();
        }
        base.push('a');
        return light_stem(&base);
    }
    light_stem(&c)
}

/// The final-vowel rule of [`stem`].
fn light_stem(c: &[char]) -> String {
    let n = c.len();
    if n <= STEM_MIN_CHARS {
        return c.iter().collect();
    }
    let last = c[n - 1];
    let before = c[n - 2];
    // Two letters go where the vowel follows an `h` kept only for the sound (-che, -ghi)
    // or an `i` that belongs to the ending (-ia/-ie, -io/-ii).
    let two = match last {
        'e' | 'i' => matches!(before, 'h' | 'i'),
        'a' | 'o' => before == 'i',
        _ => false,
    };
    // `n` is above the minimum here, so one letter may always go.
    let cut = if two && n - 2 >= STEM_MIN_CHARS {
        2
    } else {
        usize::from(matches!(last, 'a' | 'e' | 'i' | 'o'))
    };
    c[..n - cut].iter().collect()
}

/// Whether `a` and `b` are one edit apart (an insertion, deletion, substitution or the
/// swap of two adjacent characters): the typos a citizen makes on a phone.
fn one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let Some(i) = (0..short.len()).find(|&i| short[i] != long[i]) else {
                return false;
            };
            let swapped = i + 1 < short.len()
                && short[i] == long[i + 1]
                && short[i + 1] == long[i]
                && short[i + 2..] == long[i + 2..];
            swapped || short[i + 1..] == long[i + 1..]
        }
        1 => {
            let first = short
                .iter()
                .zip(long)
                .position(|(x, y)| x != y)
                .unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

/// One field of one document holding a term.
#[derive(Clone, Copy)]
struct Posting {
    doc: usize,
    field: usize,
    tf: u32,
}

/// An index term.
#[derive(Clone)]
struct Term {
    chars: Vec<char>,
    postings: Vec<Posting>,
    df: usize,
}

/// A field of an indexed document: its length in terms and its weight.
#[derive(Clone, Copy)]
struct Field {
    len: u32,
    boost: f32,
}

/// An in-memory BM25F index (k1 1.2, b 0.75) over documents made of weighted fields.
///
/// Built once per corpus and searched many times: the vocabulary is sorted (a prefix is a
/// range) and bucketed by length (a typo changes the length by at most one), which keeps a
/// query over 5,000 items well under a millisecond.
#[derive(Clone, Default)]
pub struct Index {
    /// Term → its id in `postings`.
    vocab: BTreeMap<String, usize>,
    /// Per term id: the term's characters, where it occurs (by document) and in how many
    /// documents.
    postings: Vec<Term>,
    /// Term ids by the term's length in characters.
    by_len: Vec<Vec<usize>>,
    /// Per document, its fields.
    docs: Vec<Vec<Field>>,
    /// Per field position: total length and number of documents having it.
    field_totals: Vec<(u64, u64)>,
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a document; `fields` are (text, boost), e.g. title 3.0, synonyms 2.0, body
    /// 1.0, and the same position should mean the same field in every document (lengths
    /// are normalised per position). A boost that is not a positive number counts as 0.
    /// Returns the document's position (0, 1, 2…).
    pub fn add(&mut self, fields: &[(&str, f32)]) -> usize {
        let doc = self.docs.len();
        let mut record = Vec::with_capacity(fields.len());
        for (field, (text, boost)) in fields.iter().enumerate() {
            let terms = terms(text);
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for t in &terms {
                *counts.entry(t.clone()).or_default() += 1;
            }
            for (term, tf) in counts {
                let id = self.term_id(term);
                let entry = &mut self.postings[id];
                if entry.postings.last().is_none_or(|p| p.doc != doc) {
                    entry.df += 1;
                }
                entry.postings.push(Posting { doc, field, tf });
            }
            let len = u32::try_from(terms.len()).unwrap_or(u32::MAX);
            if self.field_totals.len() <= field {
                self.field_totals.resize(field + 1, (0, 0));
            }
            self.field_totals[field].0 += u64::from(len);
            self.field_totals[field].1 += 1;
            let boost = if boost.is_finite() && *boost > 0.0 {
                *boost
            } else {
                0.0
            };
            record.push(Field { len, boost });
        }
        self.docs.push(record);
        doc
    }

    fn term_id(&mut self, term: String) -> usize {
        if let Some(&id) = self.vocab.get(&term) {
            return id;
        }
        let id = self.postings.len();
        let chars: Vec<char> = term.chars().collect();
        if self.by_len.len() <= chars.len() {
            self.by_len.resize(chars.len() + 1, Vec::new());
        }
        self.by_len[chars.len()].push(id);
        self.postings.push(Term {
            chars,
            postings: Vec::new(),
            df: 0,
        });
        self.vocab.insert(term, id);
        id
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Best documents for the query, best first, at most `limit`, only score > 0.
    ///
    /// A query term matches an index term exactly (full weight); when it has at least 5
    /// characters, also one typo away (weight 0.6); when it is the last word of the query
    /// and has at least 3 characters, also as the beginning of a longer term (weight 0.5),
    /// for a citizen still typing. Each query term counts once per document, with the best
    /// of its matches, so a typo never adds to an exact hit. Ties: lower position first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(usize, f32)> {
        if limit == 0 || self.docs.is_empty() {
            return Vec::new();
        }
        let words = words(query);
        let last = words.len().checked_sub(1);
        // Unique query terms, remembering whether one came from the last word.
        let mut query_terms: Vec<(String, bool)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if is_stop_word(w) {
                continue;
            }
            let t = stem(w);
            let is_last = Some(i) == last;
            if let Some(entry) = query_terms.iter_mut().find(|(q, _)| *q == t) {
                entry.1 |= is_last;
            } else if query_terms.len() < MAX_QUERY_TERMS {
                query_terms.push((t, is_last));
            }
        }
        let mut scores = vec![0.0f32; self.docs.len()];
        let mut best = vec![0.0f32; self.docs.len()];
        let mut touched = Vec::new();
        for (term, is_last) in &query_terms {
            let matches = self.matches(term, *is_last);
            // One idf for all of a term's matches, from the commonest (Lucene's blended
            // frequencies): a rare misspelt neighbour must not outweigh the exact word.
            let df = matches
                .iter()
                .map(|&(id, _)| self.postings[id].df)
                .max()
                .unwrap_or(0);
            let n = self.docs.len() as f32;
            let df = df as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for (id, weight) in matches {
                self.score_term(id, weight * idf, &mut best, &mut touched);
            }
            for doc in touched.drain(..) {
                scores[doc] += best[doc];
                best[doc] = 0.0;
            }
        }
        let mut hits: Vec<(usize, f32)> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(limit);
        hits
    }

    /// The index terms a query term matches, with the weight of each match.
    fn matches(&self, term: &str, is_last: bool) -> Vec<(usize, f32)> {
        let mut out = Vec::new();
        if let Some(&id) = self.vocab.get(term) {
            out.push((id, 1.0));
        }
        let chars: Vec<char> = term.chars().collect();
        if chars.len() >= TYPO_MIN_CHARS {
            let lens = chars.len() - 1..=chars.len() + 1;
            for ids in lens.filter_map(|l| self.by_len.get(l)) {
                for &id in ids {
                    if one_edit(&chars, &self.postings[id].chars) {
                        out.push((id, TYPO_WEIGHT));
                    }
                }
            }
        }
        if is_last && chars.len() >= PREFIX_MIN_CHARS {
            let longer = self
                .vocab
                .range::<str, _>((std::ops::Bound::Excluded(term), std::ops::Bound::Unbounded))
                .take_while(|(t, _)| t.starts_with(term));
            out.extend(longer.map(|(_, &id)| (id, PREFIX_WEIGHT)));
        }
        out
    }

    /// Scores every document holding term `id` (BM25F: the field frequencies, each
    /// normalised by its field's length and weighted by its boost, are summed before the
    /// saturation), `weight` including the idf, keeping per document the best of the query
    /// term's matches in `best`.
    fn score_term(&self, id: usize, weight: f32, best: &mut [f32], touched: &mut Vec<usize>) {
        let Some(term) = self.postings.get(id) else {
            return;
        };
        let postings = &term.postings;
        let mut i = 0;
        while i < postings.len() {
            let doc = postings[i].doc;
            let mut tf = 0.0f32;
            while i < postings.len() && postings[i].doc == doc {
                let p = postings[i];
                tf += self.field_tf(doc, p.field, p.tf);
                i += 1;
            }
            let score = weight * tf * (K1 + 1.0) / (tf + K1);
            if let Some(slot) = best.get_mut(doc) {
                if *slot == 0.0 && score > 0.0 {
                    touched.push(doc);
                }
                if score > *slot {
                    *slot = score;
                }
            }
        }
    }

    /// A field's term frequency, normalised by the field's length and boosted.
    fn field_tf(&self, doc: usize, field: usize, tf: u32) -> f32 {
        let Some(f) = self.docs.get(doc).and_then(|d| d.get(field)) else {
            return 0.0;
        };
        let avg = match self.field_totals.get(field) {
            Some(&(total, count)) if total > 0 && count > 0 => total as f32 / count as f32,
            _ => 1.0,
        };
        let norm = 1.0 - B + B * f.len as f32 / avg;
        f.boost * tf as f32 / norm
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::csv_line;

    const RICICLABOLARIO: &str = include_str!("../data/riciclabolario-demo.csv");
    const FAQ: &str = include_str!("../data/faq-demo.csv");
    const BENCHMARK: &str = include_str!("../data/answers-benchmark.csv");

    fn term(word: &str) -> String {
        let t = terms(word);
        assert_eq!(t.len(), 1, "{word}: {t:?}");
        t[0].clone()
    }

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(words("Perché?"), ["perche"]);
        assert_eq!(words("L'olio è ÀÉÌÒÙ ç"), ["l", "olio", "e", "aeiou", "c"]);
        assert_eq!(
            words("l’acqua,  dell'anno-2024"),
            ["l", "acqua", "dell", "anno", "2024"]
        );
        assert!(words(" ?! ").is_empty());
        assert_eq!(words("İSEE Œuvre"), ["isee", "oeuvre"]);
    }

    #[test]
    fn terms_drop_stop_words_and_meet_singular_and_plural() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert_eq!(term("Bottiglie"), term("bottiglia"));
        assert_eq!(term("banche"), term("banca"));
        assert_eq!(term("parchi"), term("parco"));
        assert_eq!(term("negozi"), term("negozio"));
        assert_eq!(term("rate"), term("rata"));
        assert_eq!(term("uffici"), term("ufficio"));
        assert_eq!(terms("l'olio"), [term("olio")]);
        assert_eq!(terms("dell'olio"), terms("oli"));
        assert!(terms("come posso fare, perché è nel mio").is_empty());
        assert_eq!(terms("Dove butto la bottiglia?"), ["butt", "bottigl"]);
        assert_eq!(term("via"), "via");
        assert_eq!(term("2022"), "2022");
    }

    #[test]
    fn one_edit_is_damerau_levenshtein_one() {
        let e = |a: &str, b: &str| {
            one_edit(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert!(e("botigl", "bottigl"));
        assert!(e("plastc", "plastic"));
        assert!(e("bottigl", "bottigll"));
        assert!(e("bottigl", "botitgl"));
        assert!(e("carta", "carte"));
        assert!(!e("carta", "carta"));
        assert!(!e("carta", "atrac"));
        assert!(!e("bottigl", "botigll"));
        assert!(!e("ab", "abcd"));
        assert!(e("ab", "ba") && e("a", "") && !e("abc", "cba"));
    }

    /// The Riciclabolario indexed by name (3), synonyms (2) and notes (1).
    fn riciclabolario() -> (Index, Vec<String>) {
        let mut index = Index::new();
        let mut names = Vec::new();
        let mut lines = RICICLABOLARIO.lines();
        assert_eq!(
            lines.next(),
            Some("nome,frazione,contenitore,dove_portarlo,note,sinonimi")
        );
        for line in lines {
            let c = csv_line(line);
            let synonyms = c[5].replace('|', " ; ");
            index.add(&[(&c[0], 3.0), (&synonyms, 2.0), (&c[4], 1.0)]);
            names.push(c[0].clone());
        }
        (index, names)
    }

    #[test]
    fn the_riciclabolario_finds_a_bottle_however_typed() {
        let (index, names) = riciclabolario();
        assert_eq!(index.len(), names.len());
        for q in [
            "bottiglia",
            "bottiglie",
            "botiglia",
            "bottig",
            "Bottiglia di plastica",
            "botiglia di plastca",
        ] {
            let hits = index.search(q, 5);
            let top: Vec<&str> = hits.iter().map(|&(d, _)| names[d].as_str()).collect();
            assert_eq!(top.first(), Some(&"Bottiglia di plastica"), "{q}: {top:?}");
        }
        let hits = index.search("olio fritto", 3);
        assert_eq!(names[hits[0].0], "Olio di frittura");
    }

    /// The FAQ indexed by question (2), answer (1) and category (0.5).
    fn faq() -> (Index, Vec<String>) {
        let mut index = Index::new();
        let mut questions = Vec::new();
        let mut lines = FAQ.lines();
        assert_eq!(lines.next(), Some("categoria,domanda,risposta"));
        for line in lines {
            let c = csv_line(line);
            index.add(&[(&c[1], 2.0), (&c[2], 1.0), (&c[0], 0.5)]);
            questions.push(c[1].clone());
        }
        (index, questions)
    }

    /// The 50 citizen questions of `data/answers-benchmark.csv`, each with the FAQ it
    /// should find: at least 45 have it among the first three.
    #[test]
    fn the_answers_benchmark_finds_the_expected_faq() {
        let (index, questions) = faq();
        let mut lines = BENCHMARK.lines();
        assert_eq!(lines.next(), Some("domanda,faq_attesa"));
        let (mut total, mut top1, mut top3) = (0, 0, 0);
        for line in lines {
            let c = csv_line(line);
            let hits = index.search(&c[0], 3);
            let rank = hits.iter().position(|&(d, _)| questions[d] == c[1]);
            total += 1;
            match rank {
                Some(0) => top1 += 1,
                Some(_) => {}
                None => {
                    let got: Vec<&str> = hits.iter().map(|&(d, _)| questions[d].as_str()).collect();
                    eprintln!("miss: {:?} → {got:?}, expected {:?}", c[0], c[1]);
                }
            }
            if rank.is_some() {
                top3 += 1;
            }
        }
        eprintln!("answers benchmark: top-1 {top1}/{total}, top-3 {top3}/{total}");
        assert_eq!(total, 50);
        assert!(top3 >= 45, "top-3 {top3}/{total}");
    }

    #[test]
    fn edge_cases_return_nothing_or_respect_the_limit() {
        let (index, _) = riciclabolario();
        assert!(index.search("", 10).is_empty());
        assert!(index.search("   ?! ", 10).is_empty());
        assert!(index.search("come posso fare per il mio", 10).is_empty());
        assert!(index.search("zzzqqq", 10).is_empty());
        assert!(index.search("bottiglia", 0).is_empty());
        let hits = index.search("plastica", 2);
        assert_eq!(hits.len(), 2);
        assert!(hits[0].1 >= hits[1].1 && hits[1].1 > 0.0);
        assert!(index.search("plastica", 1000).len() > 2);
        assert!(Index::new().search("bottiglia", 5).is_empty());
        assert!(Index::new().is_empty());
    }

    proptest::proptest! {
        /// Any text, indexed or searched, is safe: no panic, scores positive and sorted.
        #[test]
        fn any_text_is_safe(doc in "\\PC{0,80}", query in "\\PC{0,80}") {
            let mut index = Index::new();
            index.add(&[(&doc, 2.0), ("bottiglia di plastica", 1.0)]);
            index.add(&[(&query, 1.0)]);
            let hits = index.search(&query, 3);
            proptest::prop_assert!(hits.len() <= 2);
            proptest::prop_assert!(hits.iter().all(|h| h.1 > 0.0 && h.1.is_finite()));
            proptest::prop_assert!(hits.windows(2).all(|w| w[0].1 >= w[1].1));
        }
    }

    #[test]
    fn a_long_query_is_bounded() {
        let (index, _) = riciclabolario();
        let query = "bottiglia plastica vetro carta cartone ".repeat(500);
        assert!(!index.search(&query, 5).is_empty());
    }

    #[test]
    fn ties_go_to_the_lower_position_and_odd_boosts_are_harmless() {
        let mut index = Index::new();
        assert_eq!(index.add(&[("carta", 1.0)]), 0);
        assert_eq!(index.add(&[("carta", 1.0)]), 1);
        assert_eq!(index.add(&[("carta", f32::NAN), ("", -1.0)]), 2);
        assert_eq!(index.add(&[]), 3);
        let hits = index.search("carta", 10);
        let docs: Vec<usize> = hits.iter().map(|h| h.0).collect();
        assert_eq!(docs, [0, 1]);
        assert_eq!(hits[0].1.to_bits(), hits[1].1.to_bits());
        assert_eq!(index.len(), 4);
    }

    #[test]
    fn a_typo_or_prefix_never_beats_the_exact_word() {
        let mut index = Index::new();
        index.add(&[("cartone", 1.0)]);
        index.add(&[("cartoni cartoncino", 1.0)]);
        index.add(&[("cartine", 1.0)]);
        let hits = index.search("cartone", 10);
        assert!(hits[0].0 <= 1 && hits[0].1 > hits[2].1, "{hits:?}");
        // "cart" completes to every term it begins, but only as the last word.
        assert_eq!(index.search("cart", 10).len(), 3);
        assert!(index.search("cart zzz", 10).is_empty());
    }
}
