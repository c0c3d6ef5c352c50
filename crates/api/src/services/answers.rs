//! Answers before a request is filed: a full-text search (`domain::search`, Italian) over
//! the FAQ, the published documents and the Riciclabolario, kept in memory per tenant and
//! rebuilt when the tenant's content generation (bumped in every content write's
//! transaction) moves on — so every process answers from committed content. Operators
//! also get earlier replies of resolved requests of their offices; visitors never do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Days, NaiveDate, Utc};
use domain::answers::{
    AnswerSource, PUBLIC_ANSWERS, SEARCH_ANSWERS, SEARCH_SERVICES, SEARCH_WASTE, SITE_PAGES,
    SearchKind, excerpt, query_text,
};
use domain::api::{
    Answer, DeflectionLine, DeflectionReport, RecordDeflection, SearchHit, SiteSearch, WasteItem,
};
use domain::error::Lang;
use domain::search::{Index, words};

use crate::auth::AuthUser;
use crate::db::models::{DeflectionRow, WasteItemRow};
use crate::db::repo::{content, new_id, public_content, requests};
use crate::error::{ApiError, ApiResult};
use crate::services::registry::Period;
use crate::services::waste::item_dto;
use crate::state::AppState;
use crate::tenancy::TenantCtx;

/// Tenants whose index is kept; beyond it the least recently used is dropped.
const CACHED_TENANTS: usize = 256;
/// Characters of an answer's text shown with it.
const EXCERPT: usize = 280;
/// Earlier replies searched for an operator's suggestions.
const REPLIES_SEARCHED: i64 = 500;
/// Suggestions shown beside a request.
const SUGGESTIONS: usize = 6;
/// Riciclabolario results for one query.
const WASTE_RESULTS: usize = 20;

/// A searchable entry of the public index.
struct Entry {
    source: AnswerSource,
    id: String,
    title: String,
    text: String,
    url: Option<String>,
}

/// One tenant's indexes at one content generation.
struct TenantIndex {
    generation: i64,
    /// FAQ and documents: one scale for their scores.
    answers: Index,
    entries: Vec<Entry>,
    /// The Riciclabolario apart: its hundreds of short names would outrank the FAQ on
    /// any question naming a material, so its matches are shown after the FAQ's.
    waste: Index,
    waste_entries: Vec<Entry>,
    waste_rows: Vec<WasteItemRow>,
}

/// The per-process cache of tenants' indexes.
#[derive(Default)]
pub struct AnswerCache {
    inner: Mutex<HashMap<String, (Arc<TenantIndex>, u64)>>,
    clock: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for AnswerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerCache").finish_non_exhaustive()
    }
}

impl AnswerCache {
    fn get(&self, tenant_id: &str, generation: i64) -> Option<Arc<TenantIndex>> {
        let tick = self
            .clock
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut map = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (index, used) = map.get_mut(tenant_id)?;
        if index.generation != generation {
            return None;
        }
        *used = tick;
        Some(index.clone())
    }

    fn put(&self, tenant_id: &str, index: Arc<TenantIndex>) {
        let tick = self
            .clock
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut map = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= CACHED_TENANTS && !map.contains_key(tenant_id) {
            let oldest = map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.remove(&k);
            }
        }
        map.insert(tenant_id.to_owned(), (index, tick));
    }
}

/// What a FAQ entry is found by, with the weights: the question matters most.
fn faq_fields<'a>(question: &'a str, answer: &'a str, category: &'a str) -> [(&'a str, f32); 3] {
    [(question, 2.0), (answer, 1.0), (category, 0.5)]
}

/// What a Riciclabolario item is found by: its name, then the other names it goes by.
fn waste_fields<'a>(name: &'a str, synonyms: &'a str, notes: &'a str) -> [(&'a str, f32); 3] {
    [(name, 3.0), (synonyms, 2.0), (notes, 1.0)]
}

fn faq_url(id: &str) -> String {
    format!("/faq#faq-{id}")
}

fn waste_url(name: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("/riciclabolario?q={q}")
}

/// Reads the content and builds both indexes (outside any lock: a slow build does not
/// hold up other tenants).
fn build(state: &AppState, tenant_id: &str) -> ApiResult<TenantIndex> {
    let (generation, faqs, documents, texts, waste_rows) = state.db.read(|c| {
        // The generation first: content written after it is at worst indexed under the
        // old number and rebuilt on the next read.
        let generation = public_content::generation(c, tenant_id)?;
        let faqs = content::faqs(c, tenant_id)?;
        let documents = content::documents(c, tenant_id)?;
        let texts = content::document_texts(c, tenant_id)?;
        let waste = public_content::waste_items(c, tenant_id)?;
        Ok::<_, ApiError>((generation, faqs, documents, texts, waste))
    })?;
    let mut answers = Index::new();
    let mut entries = Vec::new();
    for f in faqs {
        answers.add(&faq_fields(
            &f.question,
            &f.answer,
            f.category.as_deref().unwrap_or_default(),
        ));
        entries.push(Entry {
            source: AnswerSource::Faq,
            url: Some(faq_url(&f.id)),
            id: f.id,
            title: f.question,
            text: f.answer,
        });
    }
    for d in documents {
        let description = d.description.clone().unwrap_or_default();
        let body = texts
            .iter()
            .find(|(id, _)| *id == d.id)
            .and_then(|(_, t)| t.clone())
            .unwrap_or_default();
        // The same three field positions as a FAQ entry (title, body, category): the
        // text the PDF holds counts as a FAQ's answer does.
        answers.add(&faq_fields(
            &d.title,
            &format!("{description} {body}"),
            d.category.as_deref().unwrap_or_default(),
        ));
        entries.push(Entry {
            source: AnswerSource::Document,
            url: Some(format!("/api/v1/public/documents/{}/file", d.id)),
            id: d.id,
            title: d.title,
            text: if body.is_empty() { description } else { body },
        });
    }
    let mut waste = Index::new();
    let mut waste_entries = Vec::new();
    for w in &waste_rows {
        let synonyms: Vec<String> = serde_json::from_str(&w.synonyms).unwrap_or_default();
        let synonyms = synonyms.join(" ");
        let notes = w.notes.as_deref().unwrap_or_default();
        waste.add(&waste_fields(&w.name, &synonyms, notes));
        let dto = item_dto(w, Lang::It);
        let mut text = format!("{}: {}", dto.fraction_label, dto.bin.unwrap_or_default());
        if let Some(t) = dto.take_to_label {
            text = format!("{text}. {t}");
        }
        if let Some(n) = &w.notes {
            text = format!("{text}. {n}");
        }
        waste_entries.push(Entry {
            source: AnswerSource::Waste,
            id: w.id.clone(),
            title: w.name.clone(),
            text,
            url: Some(waste_url(&w.name)),
        });
    }
    Ok(TenantIndex {
        generation,
        answers,
        entries,
        waste,
        waste_entries,
        waste_rows,
    })
}

/// The tenant's index at the current generation, from the cache or built now.
fn index(state: &AppState, tenant_id: &str) -> ApiResult<Arc<TenantIndex>> {
    let generation = state
        .db
        .read(|c| public_content::generation(c, tenant_id))?;
    if let Some(index) = state.answers.get(tenant_id, generation) {
        return Ok(index);
    }
    let index = Arc::new(build(state, tenant_id)?);
    state.answers.put(tenant_id, index.clone());
    Ok(index)
}

fn answer_of(entry: &Entry, score: f32, q_words: &[String]) -> Answer {
    Answer {
        source: entry.source,
        id: entry.id.clone(),
        title: entry.title.clone(),
        text: excerpt(&entry.text, q_words, EXCERPT),
        url: entry.url.clone(),
        score,
    }
}

/// Riciclabolario items among the public answers, at most.
const WASTE_ANSWERS: usize = 2;

/// `GET /public/answers?q=`: the best public answers, at most [`PUBLIC_ANSWERS`]: the
/// FAQ's and documents' first, then up to [`WASTE_ANSWERS`] Riciclabolario items, then
/// more FAQ if there is room.
pub fn public_answers(state: &AppState, tenant: &TenantCtx, q: &str) -> ApiResult<Vec<Answer>> {
    let Some(q) = query_text(q) else {
        return Ok(Vec::new());
    };
    let index = index(state, &tenant.id)?;
    let q_words = words(q);
    let of = |entries: &[Entry], (i, score): (usize, f32)| {
        entries.get(i).map(|e| answer_of(e, score, &q_words))
    };
    let mut faq: Vec<Answer> = index
        .answers
        .search(q, PUBLIC_ANSWERS)
        .into_iter()
        .filter_map(|hit| of(&index.entries, hit))
        .collect();
    let waste: Vec<Answer> = index
        .waste
        .search(q, WASTE_ANSWERS)
        .into_iter()
        .filter_map(|hit| of(&index.waste_entries, hit))
        .collect();
    let first = faq.len().min(PUBLIC_ANSWERS - waste.len());
    let rest = faq.split_off(first);
    faq.extend(waste);
    faq.extend(rest);
    faq.truncate(PUBLIC_ANSWERS);
    Ok(faq)
}

/// `GET /public/search?q=`: the site search. The services (the tenant's active request
/// types, by name and description) and the portal's own pages are indexed per call (a
/// few dozen entries, microseconds); the FAQ, documents and Riciclabolario come from the
/// cached index.
pub fn site_search(state: &AppState, tenant: &TenantCtx, q: &str) -> ApiResult<SiteSearch> {
    let Some(q) = query_text(q) else {
        return Ok(SiteSearch {
            query: String::new(),
            items: Vec::new(),
        });
    };
    let q_words = words(q);
    let types: Vec<_> = tenant.directory.types.iter().filter(|t| t.active).collect();
    let mut services = Index::new();
    let mut service_hits = Vec::new();
    for t in &types {
        services.add(&[(t.name.as_str(), 3.0), (t.description.as_str(), 1.0)]);
        service_hits.push(SearchHit {
            kind: SearchKind::Service,
            title: t.name.clone(),
            text: t.description.clone(),
            url: format!("/servizi/{}", t.code),
        });
    }
    for p in &SITE_PAGES {
        services.add(&[(p.title, 3.0), (p.text, 1.0), (p.keywords, 1.0)]);
        service_hits.push(SearchHit {
            kind: SearchKind::Page,
            title: p.title.to_owned(),
            text: p.text.to_owned(),
            url: p.path.to_owned(),
        });
    }
    let mut items: Vec<SearchHit> = services
        .search(q, SEARCH_SERVICES)
        .into_iter()
        .filter_map(|(i, _)| service_hits.get(i).cloned())
        .collect();
    let index = index(state, &tenant.id)?;
    let hit = |e: &Entry| SearchHit {
        kind: match e.source {
            AnswerSource::Document => SearchKind::Document,
            AnswerSource::Waste => SearchKind::Waste,
            AnswerSource::Faq | AnswerSource::Reply => SearchKind::Faq,
        },
        title: e.title.clone(),
        text: excerpt(&e.text, &q_words, EXCERPT),
        url: e.url.clone().unwrap_or_default(),
    };
    items.extend(
        index
            .answers
            .search(q, SEARCH_ANSWERS)
            .into_iter()
            .filter_map(|(i, _)| index.entries.get(i).map(hit)),
    );
    items.extend(
        index
            .waste
            .search(q, SEARCH_WASTE)
            .into_iter()
            .filter_map(|(i, _)| index.waste_entries.get(i).map(hit)),
    );
    Ok(SiteSearch {
        query: q.to_owned(),
        items,
    })
}

/// The Riciclabolario's best matches for `q`.
pub fn search_waste(
    state: &AppState,
    tenant: &TenantCtx,
    q: &str,
    lang: Lang,
) -> ApiResult<Vec<WasteItem>> {
    let index = index(state, &tenant.id)?;
    Ok(index
        .waste
        .search(q, WASTE_RESULTS)
        .into_iter()
        .filter_map(|(i, _)| index.waste_rows.get(i).map(|r| item_dto(r, lang)))
        .collect())
}

/// `GET /requests/{id}/suggestions`: FAQ, documents and earlier replies of the caller's
/// offices (every office for administrators) that answer the request's subject and text.
pub fn suggestions(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<Vec<Answer>> {
    user.require_staff()?;
    let request = state
        .db
        .read(|c| requests::find(c, user.tenant_id(), id))?
        .ok_or(ApiError::NotFound)?;
    let question = format!("{} {}", request.subject, request.description);
    let q = query_text(&question).unwrap_or_default();
    let q_words = words(q);
    let offices = (user.role != domain::Role::Admin).then_some(user.office_ids.as_slice());
    let replies = state.db.read(|c| {
        public_content::resolved_replies(c, user.tenant_id(), offices, REPLIES_SEARCHED)
    })?;
    let index = index(state, user.tenant_id())?;
    let mut found: Vec<Answer> = index
        .answers
        .search(q, SUGGESTIONS)
        .into_iter()
        .filter_map(|(i, score)| index.entries.get(i).map(|e| answer_of(e, score, &q_words)))
        .collect();
    // The replies are few and change with every resolution: indexed per call. Their
    // scores come from a different index, so they are ranked apart and interleaved.
    let mut reply_index = Index::new();
    let replies: Vec<_> = replies
        .into_iter()
        .filter(|r| r.request_id != request.id)
        .collect();
    for r in &replies {
        reply_index.add(&[(&r.subject, 1.5), (&r.body, 1.0)]);
    }
    let reply_answers: Vec<Answer> = reply_index
        .search(q, SUGGESTIONS / 2)
        .into_iter()
        .filter_map(|(i, score)| {
            replies.get(i).map(|r| Answer {
                source: AnswerSource::Reply,
                id: r.request_id.clone(),
                title: format!("{} – {}", r.protocol_number, r.subject),
                text: excerpt(&r.body, &q_words, EXCERPT),
                url: None,
                score,
            })
        })
        .collect();
    found.truncate(SUGGESTIONS - reply_answers.len().min(SUGGESTIONS / 2));
    found.extend(reply_answers);
    Ok(found)
}

/// `POST /public/answers/deflections`: only answers that exist count.
pub fn record_deflection(
    state: &AppState,
    tenant: &TenantCtx,
    body: &RecordDeflection,
) -> ApiResult<()> {
    if !body.source.is_public() {
        return Err(ApiError::invalid(
            "source",
            "Fonte non valida",
            "Invalid source",
        ));
    }
    let index = index(state, &tenant.id)?;
    let entry = index
        .entries
        .iter()
        .chain(&index.waste_entries)
        .find(|e| e.source == body.source && e.id == body.id)
        .ok_or_else(|| ApiError::invalid("id", "Risposta sconosciuta", "Unknown answer"))?;
    let row = DeflectionRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        source: entry.source,
        answer_id: entry.id.clone(),
        title: entry.title.clone(),
        at: Utc::now().naive_utc(),
    };
    state
        .db
        .write_tx(|c| public_content::insert_deflection(c, &row))
}

/// `GET /reports/deflections?from&to` (Europe/Rome dates, both included).
pub fn deflection_report(
    state: &AppState,
    user: &AuthUser,
    period: Period,
) -> ApiResult<DeflectionReport> {
    user.require_staff()?;
    let start = rome_midnight_utc(period.from);
    let end = rome_midnight_utc(
        period
            .to
            .checked_add_days(Days::new(1))
            .unwrap_or(period.to),
    );
    let counts = state
        .db
        .read(|c| public_content::deflection_counts(c, user.tenant_id(), start, end))?;
    let mut lines: Vec<DeflectionLine> = Vec::new();
    for (source, id, title, n) in counts {
        let n = u64::try_from(n).unwrap_or(0);
        match lines.iter_mut().find(|l| l.source == source && l.id == id) {
            Some(l) => l.count += n,
            None => lines.push(DeflectionLine {
                source,
                id,
                title,
                count: n,
            }),
        }
    }
    lines.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.title.cmp(&b.title)));
    Ok(DeflectionReport {
        from: period.from,
        to: period.to,
        total: lines.iter().map(|l| l.count).sum(),
        answers: lines,
    })
}

/// The UTC instant of midnight in Rome at the start of `day`.
pub(crate) fn rome_midnight_utc(day: NaiveDate) -> chrono::NaiveDateTime {
    let utc = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Rome's offset at that UTC midnight is the one of its own midnight: the clocks
    // change at 01:00 UTC.
    utc - domain::calendar::rome_offset(utc.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_rows(text: &str) -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("row").iter().map(str::to_owned).collect())
            .collect()
    }

    /// The 50 demo questions against the FAQ as the portal ranks it (the answers shown
    /// first, before any Riciclabolario item).
    #[test]
    fn demo_questions_find_their_faq() {
        let faq = csv_rows(include_str!("../../../domain/data/faq-demo.csv"));
        let mut index = Index::new();
        let mut titles = Vec::new();
        for f in &faq {
            index.add(&faq_fields(&f[1], &f[2], &f[0]));
            titles.push(f[1].clone());
        }
        let questions = csv_rows(include_str!("../../../domain/data/answers-benchmark.csv"));
        let (mut top1, mut top3) = (0, 0);
        for q in &questions {
            let hits: Vec<&str> = index
                .search(&q[0], 3)
                .into_iter()
                .map(|(i, _)| titles[i].as_str())
                .collect();
            top1 += usize::from(hits.first() == Some(&q[1].as_str()));
            top3 += usize::from(hits.contains(&q[1].as_str()));
        }
        eprintln!(
            "answers benchmark: top-1 {top1}/{n}, top-3 {top3}/{n}",
            n = questions.len()
        );
        assert_eq!(questions.len(), 50);
        assert!(top3 * 100 >= questions.len() * 90, "top-3 {top3}/50");
    }
}
